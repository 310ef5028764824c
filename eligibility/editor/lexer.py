"""A Pygments lexer for policy text, registered as the `pygments.lexers` entry point
`eligibility-policy` (so `pygmentize -l eligibility-policy x.policy` works, and Sphinx or MkDocs
highlight ```eligibility-policy blocks).

Its words come from the grammar (`editor.keywords`): keywords, units and comparison words cannot
drift from the parser. The language server reads the same tokens to learn what stands at a
position (`editor.analysis`), so the lexer accepts broken text as well: it never stops, and a
character it cannot place is one Error token.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from eligibility.editor.keywords import grammar_words

CITATION = Name.Label
"""The token of an article inside [ ] (第九条（二）)."""

UNIT = Keyword.Type
"""The token of a quantity's unit (万元, 笔, %)."""

_WORDS = grammar_words()
_OPERATORS = tuple(s for s in _WORDS.symbols if s not in "{}()[],.:@")


class PolicyLexer(RegexLexer):
    """Policy files of the eligibility checker (grammar/policy.lark)."""

    name = "Eligibility policy"
    aliases: ClassVar[list[str]] = ["eligibility-policy", "eligibility", "policy"]
    filenames: ClassVar[list[str]] = ["*.policy"]
    mimetypes: ClassVar[list[str]] = ["text/x-eligibility-policy"]
    url = "https://github.com/eligibility/eligibility"
    flags = re.MULTILINE

    # Pygments' metaclass compiles this class attribute; it is never mutated.
    tokens = {  # noqa: RUF012
        "root": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"[^"\n]*"', String.Double),
            (r'"[^"\n]*', Error),  # an unclosed label: to the end of the line
            (r"\[", Punctuation, "citation"),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", Number.Other),  # a date (Literal.Date is not styled)
            (
                r"([0-9]+(?:\.[0-9]+)?)(\s*)(" + "|".join(map(re.escape, _WORDS.units)) + ")",
                bygroups(Number, Whitespace, UNIT),  # type: ignore[no-untyped-call]
            ),
            (r"[0-9]+(?:\.[0-9]+)?", Number),
            (words(_WORDS.units), UNIT),  # a declared fact's unit: `integer 人` in a facts block
            (words(_WORDS.comparison_words), Operator.Word),
            (words(("true", "false"), suffix=r"\b"), Keyword.Constant),
            (words(_WORDS.keywords, suffix=r"\b"), Keyword),
            (r"[a-z_][A-Za-z0-9_]*", Name),
            (words(_OPERATORS), Operator),
            (r"[{}(),.:@\]]", Punctuation),
            (r"…", Comment.Special),  # the documentation's elision (```policy blocks): not text
            (r".", Error),
        ],
        "citation": [
            (r"\]", Punctuation, "#pop"),
            (r"\n", Text, "#pop"),  # a citation cannot span lines: the text is broken here
            (r"[^\]\n]+", CITATION),
        ],
    }
