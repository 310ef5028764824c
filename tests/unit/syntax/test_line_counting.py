"""Lines are counted by "\\n" alone, as lark counts them: a label or comment holding U+2028, a
form feed or \\x1c (which str.splitlines() treats as line breaks) must not shift the line a
diagnostic shows or the end-of-file position (found by the policy fuzz suite)."""

from __future__ import annotations

import pytest

from eligibility.diagnostics import DiagnosticError, render_all
from eligibility.syntax.parser import parse_policy

SEPARATORS = ["\u2028", "\x0c", "\x1c", "\x85"]


def diagnostic_of(text: str):
    with pytest.raises(DiagnosticError) as caught:
        parse_policy(text, "s.policy")
    (diagnostic,) = caught.value.diagnostics
    return diagnostic, render_all(caught.value).splitlines()


@pytest.mark.parametrize("separator", SEPARATORS)
def test_the_shown_line_is_the_line_of_the_error(separator: str) -> None:
    text = f'policy t "a{separator}b"\n  document "d"\n  oops\n'
    diagnostic, rendered = diagnostic_of(text)
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 3)
    assert rendered[3] == "3 |   oops"


@pytest.mark.parametrize("separator", SEPARATORS)
def test_end_of_file_is_past_the_last_real_line(separator: str) -> None:
    text = f'policy t "t"  # a comment{separator}with a separator\n  document'
    diagnostic, _ = diagnostic_of(text)
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 11)
