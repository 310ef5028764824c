"""`eligibility fmt` on the policy fuzzer's mutants (tests/fuzz/test_policy_fuzz.py): whatever
text parses is laid out without an exception, a second run changes nothing, only whitespace
changes, and the layout compiles exactly as the text did (the same program, or the same
diagnostics but for where they point)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.compiler import compile_text
from eligibility.diagnostics import DiagnosticError
from eligibility.syntax.layout import format_policy
from eligibility.syntax.parser import parse_policy
from eligibility.syntax.source import decode_policy
from tests.fuzz.test_policy_fuzz import FILE, FUZZ, MUTATIONS, POLICIES, source

_LARK_WHITESPACE = re.compile(r"[ \t\f\r\n]+")  # the grammar's WS: all fmt may change


def _outcome(text: str) -> Any:
    try:
        return compile_text(text, FILE).program
    except DiagnosticError as error:
        return [(d.code, d.message, d.label, d.help) for d in error.diagnostics]


@FUZZ
@given(
    name=st.sampled_from(sorted(POLICIES)),
    mutation=st.sampled_from(MUTATIONS),
    data=st.data(),
)
def test_mutants_format_to_a_fixed_point_with_the_same_meaning(
    name: str, mutation: Any, data: Any
) -> None:
    mutant = mutation(source(name), data)
    raw = mutant if isinstance(mutant, bytes) else mutant.encode("utf-8", "surrogatepass")
    try:
        text = decode_policy(raw, FILE)
    except DiagnosticError:
        return  # not UTF-8: fmt refuses it as compile does (exit 3)
    try:
        formatted = format_policy(text, FILE)
    except DiagnosticError as refused:  # not the grammar's: the very diagnostic compile gives
        with pytest.raises(DiagnosticError) as compiled:
            parse_policy(text, FILE)
        assert compiled.value.diagnostics == refused.diagnostics  # noqa: PT017 - an oracle
        return
    assert format_policy(formatted, FILE) == formatted
    assert _LARK_WHITESPACE.sub("", formatted) == _LARK_WHITESPACE.sub("", text)
    assert _outcome(formatted) == _outcome(text)
