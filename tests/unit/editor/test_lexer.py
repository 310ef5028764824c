"""The Pygments lexer: every keyword of the grammar is a Keyword, every shipped policy lexes
without an Error token, and quantities, comparison words and citations get their own tokens."""

from __future__ import annotations

import re
from importlib.metadata import entry_points

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

from eligibility.editor.keywords import grammar_words
from eligibility.editor.lexer import CITATION, UNIT, PolicyLexer
from eligibility.resources import GRAMMAR_FILE, shipped_policy_files
from tests.support import REPO


def _tokens(text: str) -> list[tuple[object, str]]:
    return [
        (kind, value)
        for _, kind, value in PolicyLexer().get_tokens_unprocessed(text)
        if value.strip()
    ]


def test_the_keywords_are_every_word_the_grammar_quotes() -> None:
    grammar = GRAMMAR_FILE.read_text(encoding="utf-8")
    quoted = set(re.findall(r'"([a-z]+)"', grammar))
    assert set(grammar_words().keywords) == quoted
    assert {"programme", "requires", "excluded", "records", "amount", "pool", "year"} <= quoted


@pytest.mark.parametrize("keyword", grammar_words().keywords)
def test_every_keyword_of_the_grammar_is_highlighted_as_a_keyword(keyword: str) -> None:
    [(kind, value)] = _tokens(keyword)
    assert value == keyword and kind in Keyword


def test_a_name_that_starts_with_a_keyword_is_a_name() -> None:
    assert _tokens("index amount_basis") == [(Name, "index"), (Name, "amount_basis")]


@pytest.mark.parametrize("policy", shipped_policy_files(), ids=lambda p: p.name)
def test_every_shipped_policy_lexes_without_an_error_token(policy: object) -> None:
    text = policy.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    errors = [(i, v) for i, kind, v in PolicyLexer().get_tokens_unprocessed(text) if kind in Error]
    assert errors == []
    assert "".join(v for _, _, v in PolicyLexer().get_tokens_unprocessed(text)) == text


def test_the_documentations_policy_blocks_lex_without_an_error_token() -> None:
    """Except the examples of a character the grammar does not know (docs/diagnostics.md,
    E0104 full-width punctuation, E0105 `5万`, E0107 an unclosed label): there the error
    token is the point, and it marks the very character the diagnostic names."""
    pages = [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]
    blocks = [
        b
        for p in pages
        for b in re.findall(r"```policy\n(.*?)```", p.read_text(encoding="utf-8"), re.S)
    ]
    assert len(blocks) > 20
    marked = {"E0104": "：", "E0105": "万", "E0107": '"信用良好'}
    errors = []
    for block in blocks:
        found = [v for _, kind, v in PolicyLexer().get_tokens_unprocessed(block) if kind in Error]
        code = next((c for c in marked if f"# {c}" in block), None)
        if code is not None:
            assert found and found[0] == marked[code], (code, found)
        else:
            errors += found
    assert errors == []


def test_quantities_units_comparison_words_citations_and_comments() -> None:
    tokens = _tokens(
        'requires "交易": count(deals) 3笔以上 [第九条（二）]  # A-01\n50 万元 不超过 2%'
    )
    assert (Number, "3") in tokens and (UNIT, "笔") in tokens and (Operator.Word, "以上") in tokens
    assert (CITATION, "第九条（二）") in tokens and (String.Double, '"交易"') in tokens
    assert (Comment.Single, "# A-01") in tokens
    assert [
        (Number, "50"),
        (UNIT, "万元"),
        (Operator.Word, "不超过"),
        (Number, "2"),
        (UNIT, "%"),
    ] == tokens[-5:]


def test_every_unit_and_comparison_word_of_the_grammar() -> None:
    words = grammar_words()
    for unit in words.units:
        assert _tokens(f"3{unit}") == [(Number, "3"), (UNIT, unit)]
    for comparison in words.comparison_words:
        assert _tokens(comparison) == [(Operator.Word, comparison)]


def test_broken_text_still_lexes() -> None:
    tokens = _tokens('programme p "unclosed\n  requires [第九条\nÄ')
    assert (
        (Error, '"unclosed') in tokens and (CITATION, "第九条") in tokens and (Error, "Ä") in tokens
    )


def test_registered_for_pygments() -> None:
    [entry] = [e for e in entry_points(group="pygments.lexers") if e.name == "eligibility-policy"]
    assert entry.load() is PolicyLexer
    assert isinstance(get_lexer_by_name("eligibility-policy"), PolicyLexer)
    assert isinstance(get_lexer_by_name("policy"), PolicyLexer)  # the docs' ```policy blocks
    assert isinstance(get_lexer_for_filename("chongqing-2024.policy"), PolicyLexer)
