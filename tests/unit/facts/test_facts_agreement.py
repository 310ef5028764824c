"""Property tests: the validator and the published schema agree, and validation never crashes.

The reader is the fast structural check (jsonschema is only imported when it reports a bad
shape), so it must never accept what the schema rejects. Random damage to a valid applicant
checks that: every violation jsonschema finds must be among the errors reported, and a document
that validates must be valid under the schema.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from facts_testing import DATA, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from eligibility.facts.jsontext import NonFinite
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.paths import sort_key
from eligibility.facts.structure import structural_errors
from eligibility.facts.validate import parse_json, validate_document
from eligibility.facts.vocabulary import (
    applicant_field,
    applicant_field_names,
    collection,
    collection_names,
)

SCHEMA = Draft202012Validator(
    json.loads((REPO / "schema" / "applicant.schema.json").read_text(encoding="utf-8")),
    format_checker=FormatChecker(),
)
BASES = [parse_json((DATA / name).read_bytes()) for name in ("chongqing-ops.json", "nat-city.json")]

_ENUMS = sorted(
    {v for n in applicant_field_names() for v in applicant_field(n).enum_values}
    | {v for c in collection_names() for f in collection(c).fields for v in f.enum_values}
)
_KEYS = sorted(
    set(applicant_field_names())
    | set(collection_names())
    | {f.name.split(".")[0] for c in collection_names() for f in collection(c).fields}
)
_STRINGS = [
    "2024-02-30",
    "2024-01-31",
    "2024/06/01",
    "500112",
    "999999",
    "330000",
    "100.00",
    "-1",
    "1.005",
    "50万",
    "",
    "T1",
    "a b",
    "x",
    "500112\n",
    "eligibility.applicant/1",
    "value",
    "reviewer",
    "date",
    "selected",
    "approved_amount",
    *_ENUMS,
    *_KEYS,
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 2200),
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False),
    st.sampled_from(_STRINGS),
    st.text(max_size=4),
    st.builds(NonFinite, st.sampled_from(["NaN", "Infinity", "-Infinity"])),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_STRINGS) | st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


def _damage(data: st.DataObject, doc: object) -> None:
    """Replace, delete or add one value somewhere in `doc`."""
    node: object = doc
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and data.draw(st.booleans()):
            node = child
            continue
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            node[key] = data.draw(VALUES)
        elif action == "delete":
            del node[key]
        elif isinstance(node, dict):
            node[data.draw(st.sampled_from(_STRINGS))] = data.draw(VALUES)
        else:
            node.append(data.draw(VALUES))
        return


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_validator_never_accepts_what_the_schema_rejects(data: st.DataObject) -> None:
    doc = copy.deepcopy(BASES[data.draw(st.integers(0, 1))])
    for _ in range(data.draw(st.integers(1, 3))):
        _damage(data, doc)
    result = validate_document(doc, "0" * 64)
    assert validate_document(doc, "0" * 64) == result  # deterministic
    if isinstance(result, ApplicantFacts):
        assert list(SCHEMA.iter_errors(doc)) == []
        every = list(result.facts) + [f for r in result.records for f in r.facts]
        assert not any(isinstance(f.value, float) for f in every)
        return
    missing = set(structural_errors(doc)) - set(result)
    assert not missing, "jsonschema found errors the validator did not report"
    keys = [(sort_key(e.path), e.code) for e in result]
    assert keys == sorted(keys)
    assert len(set(result)) == len(result)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_money_round_trips_exactly(amount: Decimal) -> None:
    doc = copy.deepcopy(BASES[0])
    doc["applicant"]["ip_contracts"][0]["registered_contract_amount"] = str(amount)
    result = validate_document(doc, "0" * 64)
    assert isinstance(result, ApplicantFacts)
    fact = next(f for f in result.records[0].facts if f.field == "registered_contract_amount")
    assert fact.value == amount and isinstance(fact.value, Decimal)
