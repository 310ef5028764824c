"""A decision line printed with its slots (`round/slotted.py`) is orjson's line, and spliced with
the allocations it is the line of the decision with those keys added last: the round
writes decisions.jsonl by splicing, without reading each decision back."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from eligibility.round.slotted import extended_line, slotted_line

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
LEAVES = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | TEXT
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)
RESULT = st.fixed_dictionaries(
    {"policy_id": TEXT, "programme": TEXT}, optional={"not_applicable": TEXT | st.none()}
).flatmap(lambda r: st.dictionaries(TEXT, VALUES, max_size=3).map(lambda extra: extra | r))


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A decision's shape: keys before and after `results` (or none: an error document)."""
    keys = TEXT.filter(lambda k: k not in ("results", "batch_id"))  # as a decision's
    before = draw(st.dictionaries(keys, VALUES, max_size=3))
    after = draw(st.dictionaries(keys, VALUES, max_size=3))
    if draw(st.booleans()):
        return before | after | {"source": draw(TEXT)}
    results = draw(st.lists(RESULT, max_size=4))
    return before | {"results": results} | {k: v for k, v in after.items() if k not in before}


@given(documents(), TEXT, st.lists(VALUES, min_size=4, max_size=4))
def test_a_spliced_line_is_the_extended_decision(
    document: dict[str, Any], batch_id: str, allocations: list[Any]
) -> None:
    line, slots = slotted_line(document)
    assert line == orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE)
    results = document.get("results", [])
    inserts = [b',"allocation":' + orjson.dumps(a) for a in allocations[: len(results)]]
    spliced = extended_line(line, slots, [*inserts, b',"batch_id":' + orjson.dumps(batch_id)])
    extended = copy.deepcopy(document)  # each key added last, as the round adds it
    extended["batch_id"] = batch_id
    for result, allocation in zip(extended.get("results", []), allocations, strict=False):
        result["allocation"] = allocation
    assert spliced == orjson.dumps(extended, option=orjson.OPT_APPEND_NEWLINE)
