"""The decision JSON writers: orjson's bytes must be exactly the standard library's
(`json.dumps(ensure_ascii=False, indent=2)`, which `check --json` always printed), for real
decisions and for any text a label or a value may hold; a round's JSONL stream has one decision
per line, the same document."""

from __future__ import annotations

import io
import json
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.compiler import load_policy_lazily, policy_files
from eligibility.decision.proof import Decision
from eligibility.evaluate import decide_many
from eligibility.render.json import (
    decision_bytes,
    decision_json,
    decision_line,
    dumps,
    write_decisions_jsonl,
)  # fmt: skip
from tests.support import REPO, load_example

EXAMPLES = ("chongqing/undecided-open-licence.json", "beijing/bj-2-same-project-two-articles.json")


@cache
def _decisions() -> tuple[Decision, ...]:
    """Two shipped examples against all five policies: undecided records, reasons, amounts,
    documents that do not apply, defaults in force."""
    policies = tuple(load_policy_lazily(path) for path in policy_files())
    applicants = [load_example(REPO / "examples" / name) for name in EXAMPLES]
    return tuple(decide_many(policies, applicants, "pydatalog"))


def _standard(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def test_decision_text_is_the_standard_librarys() -> None:
    for decision in _decisions():
        document = decision_json(decision)
        assert dumps(document) == _standard(document)
        assert decision_bytes(decision) == (_standard(document) + "\n").encode()


def test_a_line_per_decision_each_the_whole_document() -> None:
    decisions = _decisions()
    stream = io.BytesIO()
    assert write_decisions_jsonl(iter(decisions), stream) == len(decisions)
    lines = stream.getvalue().split(b"\n")
    assert lines[-1] == b"" and len(lines) == len(decisions) + 1
    for line, decision in zip(lines, decisions, strict=False):
        document = decision_json(decision)
        assert json.loads(line) == document
        assert line.decode() == json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    assert decision_line(decisions[0]) == lines[0] + b"\n"


def test_nothing_written_for_no_decisions() -> None:
    stream = io.BytesIO()
    assert write_decisions_jsonl([], stream) == 0
    assert stream.getvalue() == b""


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.text(st.characters(blacklist_categories=("Cs",))),  # controls, CJK, U+2028, quotes
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _DOCUMENTS, max_size=5))
def test_any_text_escapes_as_the_standard_library_does(document: dict[str, Any]) -> None:
    assert dumps(document) == _standard(document)


def test_what_orjson_refuses_the_standard_library_writes() -> None:
    # an unpaired surrogate (the applicant validator refuses one) and an integer beyond 64 bits
    document = {"name": "\ud800", "count": 2**70}
    assert dumps(document) == _standard(document)
