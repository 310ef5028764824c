"""The words of the policy language, read from grammar/policy.lark, so that the highlighter and
the completion list cannot drift from the parser.

Every quoted literal of the grammar is one of: an ASCII keyword (`programme`, `requires`, …), a
unit (the literals of the `unit` rule: 万元, 笔, %, …), a Chinese comparison word (以上, 不超过,
…) or a symbol (`{`, `>=`, `×`, …).
"""

from __future__ import annotations

import re
from functools import cache

from eligibility.frozen import frozen_record
from eligibility.resources import GRAMMAR_FILE

_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)+)"')
_RULE = re.compile(r"^[!?]?(\w+)\s*:", re.MULTILINE)
_TERMINAL = re.compile(r"^_?[A-Z][A-Z_]*(\.\d+)?\s*:")
_KEYWORD = re.compile(r"[a-z]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@frozen_record
class Words:
    keywords: tuple[str, ...]
    units: tuple[str, ...]
    comparison_words: tuple[str, ...]
    symbols: tuple[str, ...]


def _rule_bodies(grammar: str) -> dict[str, str]:
    """Each rule's text up to the next rule (comments included; literals are all we read)."""
    matches = list(_RULE.finditer(grammar))
    bodies: dict[str, str] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(grammar)
        bodies[match.group(1)] = _without_comments(grammar[match.end() : end])
    return bodies


def _without_comments(text: str) -> str:
    """Comments and terminal definitions (regular expressions, not words) left out."""
    lines = (line.split("//", 1)[0] for line in text.split("\n"))
    return "\n".join(line for line in lines if not _TERMINAL.match(line))


def _ordered(words: set[str]) -> tuple[str, ...]:
    """Longest first, so that a regular expression alternation prefers 不超过 to 超过."""
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@cache
def grammar_words() -> Words:
    grammar = GRAMMAR_FILE.read_text(encoding="utf-8")
    literals = set(_LITERAL.findall(_without_comments(grammar)))
    units = set(_LITERAL.findall(_rule_bodies(grammar)["unit"]))
    keywords = {w for w in literals if _KEYWORD.fullmatch(w)}
    comparison = {w for w in literals - units if _CJK.search(w)}
    symbols = literals - units - keywords - comparison
    return Words(_ordered(keywords), _ordered(units), _ordered(comparison), _ordered(symbols))
