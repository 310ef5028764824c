"""Whatever the text and wherever the cursor, the editor's functions answer without raising, and
the lexer gives back every character: a language server must survive every keystroke."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.editor import analysis
from eligibility.editor.lexer import PolicyLexer
from eligibility.editor.positions import lines_of
from tests.unit.editor.policy_text import POLICY

PIECES = st.sampled_from(
    [
        "records",
        " ",
        "\n",
        "{",
        "}",
        "@",
        ".",
        '"',
        "[",
        "]",
        "第九条",
        "deals",
        "x.y",
        "𠮷",
        "3笔以上",
        "\r",
    ]
)


@st.composite
def edited(draw: st.DrawFn) -> str:
    """The test policy with a piece cut out and pieces put in: text as it is while typed."""
    start = draw(st.integers(0, len(POLICY)))
    end = draw(st.integers(start, min(len(POLICY), start + 40)))
    inserted = "".join(draw(st.lists(PIECES, max_size=6)))
    return POLICY[:start] + inserted + POLICY[end:]


@settings(max_examples=60, deadline=None)
@given(edited(), st.integers(0, 30), st.integers(0, 80))
def test_hover_definition_and_completion_never_raise(text: str, line: int, column: int) -> None:
    lines = lines_of(text)
    line = min(line, len(lines) - 1)
    column = min(column, len(lines[line]))
    analysis.hover(text, line, column)
    found = analysis.definition(text, line, column)
    assert found is None or found.line < len(lines)
    for completion in analysis.completions(text, line, column):
        assert completion.label.endswith(completion.insert)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_the_lexer_gives_back_every_character(text: str) -> None:
    assert "".join(v for _, _, v in PolicyLexer().get_tokens_unprocessed(text)) == text
