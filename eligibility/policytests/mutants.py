"""The mutants of a policy text: each one a copy of the text with one token changed.

Sites come from the parser's tokens (`syntax.parser.lexemes`), never from a regex over the
text: a number with its unit, a comparison word, a date of the validity period or of an
expression, an `all`/`any` group of two or more nodes. The operators:

    ×10, ÷10      every number (amounts, caps, rates, counts, thresholds, numbers of applicants
                  a round admits); ÷10 of a count only when the result is a whole number
    +1, −1        money ±0.01元 (a fen); any other number ±1 in its last written place
                  (3笔 → 4笔, 2% → 3%, 0.5 → 0.6)
    ≥→>, ≤→<      the boundary moves out: 以上 → 超过, 不少于 → 超过, 以下 → 低于, 不超过 → 低于
    >→≥, <→≤      the boundary moves in: 超过 → 不少于, 低于/不满 → 不超过
    date ±1       a day later, a day earlier (in force from/until, date literals)
    all↔any       a group's kind

Each mutant is plain data: where the edit is, what it replaces, with what. `apply` makes its text.
A mutant inside a `let` step no other step or cap reads is marked `explanation_only`: such a
step is shown, not used, so no decision (and no test case) can tell the mutant from the
policy. A mutant of a funding pool, or of the number of applicants a round admits (`at most
10 applicants`, `about 8 applicants`), is marked `round_only`: no single decision reads it,
only the test file's funding rounds can tell it.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

from eligibility.ir.quantities import MONEY_UNITS
from eligibility.span import Span
from eligibility.syntax import ast
from eligibility.syntax.parser import Lexeme, lexemes, parse_policy

OPERATORS = ("×10", "÷10", "+1", "−1", "≥→>", "≤→<", ">→≥", "<→≤", "date+1", "date−1", "all↔any")

# A comparison word → the word whose boundary is one step over, and the operator's name. The
# replacement keeps the style of the word (ASCII symbols stay symbols, legal words stay words);
# = and != have no boundary to move.
_INFIX_SWAP = {
    ">=": (">", "≥→>"),
    ">": (">=", ">→≥"),
    "<=": ("<", "≤→<"),
    "<": ("<=", "<→≤"),
    "不少于": ("超过", "≥→>"),
    "不低于": ("超过", "≥→>"),
    "达到": ("超过", "≥→>"),
    "超过": ("不少于", ">→≥"),
    "不超过": ("低于", "≤→<"),
    "低于": ("不超过", "<→≤"),
    "不满": ("不超过", "<→≤"),
}
# `3笔以上` has no strict postfix word: the mutant moves the word before the quantity.
_POSTFIX_SWAP = {"以上": ("超过", "≥→>"), "以下": ("低于", "≤→<"), "以内": ("低于", "≤→<")}
_WHOLE_UNITS = {"笔", "次", "件", "人", "家", "项", "年"}
_APPLICANT_COUNT_RULES = {"at_most_applicants", "about_applicants"}  # checked by rounds
_DATE_RULES = {"in_force", "until", "date_literal"}  # `dated` is the document's date: no rule


@dataclass(frozen=True, slots=True)
class Mutant:
    """text[start:end] (`original`) replaced by `replacement`; `span` is where it stands."""

    operator: str
    start: int
    end: int
    original: str
    replacement: str
    span: Span
    explanation_only: bool = False
    round_only: bool = False

    @property
    def shown(self) -> str:
        """`50万元 → 5万元`, for reports."""
        return f"{self.original} → {self.replacement}"


def apply(text: str, mutant: Mutant) -> str:
    return text[: mutant.start] + mutant.replacement + text[mutant.end :]


def mutants(text: str, file: str) -> tuple[Mutant, ...]:
    """Every mutant of a policy text, in text order; raises DiagnosticError when the text does
    not parse."""
    tokens = lexemes(text, file)
    syntax = parse_policy(text, file)
    several = _groups_of_several(syntax)
    shown_only = _explanation_only(syntax)
    pools = _pools(syntax)
    out: list[Mutant] = []
    for index, token in enumerate(tokens):
        if token.rule == "quantity" and token.kind == "NUMBER":
            unit = tokens[index + 1] if index + 1 < len(tokens) else None
            out += _number_mutants(token, unit if unit and unit.rule == "unit" else None)
        elif token.rule == "compare_word" and token.text in _INFIX_SWAP:
            word, operator = _INFIX_SWAP[token.text]
            out.append(_replace(operator, token, word))
        elif token.rule == "postfix_word" and token.text in _POSTFIX_SWAP:
            out.append(_postfix_mutant(tokens, index))
        elif token.kind == "NUMBER" and token.rule in _APPLICANT_COUNT_RULES:
            out += _count_mutants(token)
        elif token.kind == "DATE" and token.rule in _DATE_RULES:
            out += _date_mutants(token)
        elif token.rule == "group_kind" and (token.span.line, token.span.column) in several:
            other = {"all": "any", "any": "all"}.get(token.text)
            if other:
                out.append(_replace("all↔any", token, other))
    return tuple(
        dataclasses.replace(
            m,
            explanation_only=_within(m.span, shown_only),
            round_only=m.round_only or _within(m.span, pools),
        )
        for m in out
    )


def _replace(operator: str, token: Lexeme, replacement: str) -> Mutant:
    return Mutant(operator, token.start, token.end, token.text, replacement, token.span)


def _number_mutants(number: Lexeme, unit: Lexeme | None) -> list[Mutant]:
    unit_text = unit.text if unit else ""
    last = unit or number
    written = number.text + unit_text
    value = Decimal(number.text)
    candidates: list[tuple[str, str]] = []
    if value != 0:  # ×10 and ÷10 of nothing is nothing
        candidates.append(("×10", _plain(value * 10) + unit_text))
        if unit_text not in _WHOLE_UNITS or (value / 10) == (value / 10).to_integral_value():
            candidates.append(("÷10", _plain(value / 10) + unit_text))
    if unit_text in MONEY_UNITS:  # a fen either way, written in 元
        yuan = value * MONEY_UNITS[unit_text]
        candidates += [("+1", _plain(yuan + Decimal("0.01")) + "元")]
        candidates += [("−1", _plain(yuan - Decimal("0.01")) + "元")]
    else:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int), "a number written in a policy is finite"
        step = Decimal(1).scaleb(exponent)  # 1 in the last written place
        candidates += [("+1", _plain(value + step) + unit_text)]
        candidates += [("−1", _plain(value - step) + unit_text)]
    return [
        Mutant(operator, number.start, last.end, written, replacement, number.span)
        for operator, replacement in candidates
        if replacement != written and not replacement.startswith("-")
    ]


def _count_mutants(number: Lexeme) -> list[Mutant]:
    """`at most 10 applicants` → 100, 1, 11, 9: a number of applicants stays whole."""
    value = int(number.text)
    found = [("×10", value * 10), ("÷10", value // 10 if value % 10 == 0 else None)]
    found += [("+1", value + 1), ("−1", value - 1)]
    return [
        dataclasses.replace(_replace(operator, number, str(count)), round_only=True)
        for operator, count in found
        if count is not None and count > 0
    ]


def _plain(value: Decimal) -> str:
    """A number as the grammar's NUMBER writes it: digits, an optional decimal part, no
    exponent, no trailing zeros after the point."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _postfix_mutant(tokens: tuple[Lexeme, ...], index: int) -> Mutant:
    """`3笔以上` → `超过 3笔`: the quantity's tokens stand just before the postfix word."""
    word = tokens[index]
    first = index - 1
    while first > 0 and tokens[first].rule == "unit":
        first -= 1
    quantity = tokens[first]
    strict, operator = _POSTFIX_SWAP[word.text]
    written = _between(tokens, first, index)
    moved = f"{strict} {_between(tokens, first, index - 1)}"
    return Mutant(operator, quantity.start, word.end, written, moved, quantity.span)


def _between(tokens: tuple[Lexeme, ...], first: int, last: int) -> str:
    """The tokens first..last as written, with a space wherever the text had one."""
    parts = [tokens[first].text]
    for before, after in zip(tokens[first:last], tokens[first + 1 : last + 1], strict=True):
        parts.append((" " if after.start > before.end else "") + after.text)
    return "".join(parts)


def _date_mutants(token: Lexeme) -> list[Mutant]:
    day = datetime.date.fromisoformat(token.text)
    one = datetime.timedelta(days=1)
    return [
        _replace("date+1", token, (day + one).isoformat()),
        _replace("date−1", token, (day - one).isoformat()),
    ]


def _nodes(root: object) -> list[object]:
    """Every node of a syntax tree under `root`, wherever it stands."""
    found: list[object] = []
    pending: list[object] = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, tuple):
            pending += node
        elif dataclasses.is_dataclass(node) and not isinstance(node, Span):
            found.append(node)
            pending += [getattr(node, f.name) for f in dataclasses.fields(node)]
    return found


def _pools(policy: ast.PolicyFile) -> tuple[Span, ...]:
    amounts = (n for n in _nodes(policy.definitions) if isinstance(n, ast.Amount))
    return tuple(amount.pool.span for amount in amounts if amount.pool)


def _explanation_only(policy: ast.PolicyFile) -> tuple[Span, ...]:
    """The `let` steps that no other step or cap of their amount reads."""
    out: list[Span] = []
    for amount in (n for n in _nodes(policy.definitions) if isinstance(n, ast.Amount)):
        for step in amount.steps:
            others = [s for s in amount.steps if s is not step] + list(amount.caps)
            read = {n.path.parts[0] for n in _nodes(tuple(others)) if isinstance(n, ast.Ref)}
            if step.kind == "let" and step.name not in read:
                out.append(step.span)
    return tuple(out)


def _within(span: Span, regions: tuple[Span, ...]) -> bool:
    return any(
        (r.line, r.column) <= (span.line, span.column) <= (r.end_line, r.end_column)
        for r in regions
    )


def _groups_of_several(policy: ast.PolicyFile) -> frozenset[tuple[int, int]]:
    """Where each group of two or more nodes starts: swapping all/any of a group of one
    changes nothing, so it is no site."""
    return frozenset(
        (node.span.line, node.span.column)
        for node in _nodes(policy.definitions)  # a group in a `where` of a count too
        if isinstance(node, ast.Group) and len(node.children) > 1
    )
