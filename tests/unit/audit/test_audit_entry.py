"""The canonical form and the hash chain: reproducible by anyone with an RFC 8785 library and
`sha256sum` (docs/audit-log.md shows how)."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from eligibility.audit.entry import GENESIS, NewEntry, StoredFile, canonical, chain_hash, content_of

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


def test_canonical_sorts_keys_and_keeps_chinese_text_as_is() -> None:
    assert canonical({"b": 1, "a": ["审计", None, True]}) == '{"a":["审计",null,true],"b":1}'


@given(_json)
def test_canonical_text_reads_back_to_the_same_value_and_text(value: object) -> None:
    text = canonical(value)
    assert json.loads(text) == value
    assert canonical(json.loads(text)) == text


def test_the_chain_hash_is_sha256_of_the_previous_hash_then_the_content() -> None:
    content = canonical({"seq": 1})
    expected = hashlib.sha256((GENESIS + content).encode()).hexdigest()
    assert chain_hash(GENESIS, content) == expected
    assert chain_hash(expected, content) != expected


def test_an_entry_content_says_its_place_time_and_author() -> None:
    new = NewEntry("check", "alice", ("A-1",), {"decisions": []}, (StoredFile.of(b"{}"),), ())
    assert content_of(new, 7, "2026-12-03T00:00:00+00:00") == {
        "seq": 7,
        "kind": "check",
        "recorded_at": "2026-12-03T00:00:00+00:00",
        "recorded_by": "alice",
        "applicant_ids": ["A-1"],
        "decisions": [],
    }
    assert StoredFile.of(b"{}").sha256 == hashlib.sha256(b"{}").hexdigest()
