"""Policy text → syntax tree (`syntax.ast`). With `syntax/layout.py` (fmt), the only module that
imports lark.

Syntax errors become E01xx diagnostics with file:line:column; the parse is LALR, so the
first error stops it (there is no sensible recovery inside a legal clause).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.util import find_spec
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)  # fmt: skip

from eligibility.diagnostics import Diagnostic, DiagnosticError
from eligibility.ir.quantities import MONEY_UNITS
from eligibility.resources import GRAMMAR_FILE
from eligibility.syntax import ast
from eligibility.syntax.hints import hint
from eligibility.syntax.limits import (
    MAX_EXPRESSION_DEPTH,
    MAX_FRACTION_DIGITS,
    MAX_GROUP_DEPTH,
    MAX_INTEGER_DIGITS,
    MAX_MONEY_YUAN,
    MAX_RATE_PERCENT,
)

_TOKEN_NAMES = {
    "NAME": "a name (lower-case ASCII, e.g. credit_good)",
    "STRING": 'a "quoted label"',
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "REGION_CODE": "a 6-digit region code",
    "ARTICLE": "an article (e.g. 第九条（二）)",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'[' (a citation)",
    "COLON": "':'",
}


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        strict=STRICT,
        start=["start", "facts_file"],
    )


# The grammar has no shift/reduce conflict and no terminal collision, so lark's strict mode
# accepts it (tests/unit/syntax/test_grammar_strict.py). Strict mode needs `interegular` to look
# for collisions; it is a test dependency, and without it the same grammar builds unchecked.
STRICT = find_spec("interegular") is not None


def grammar_text() -> str:
    return GRAMMAR_FILE.read_text(encoding="utf-8")


class _Refused(Exception):
    """A construct the grammar accepts but a limit of the language refuses (E0310)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _HeaderRepeated(Exception):
    def __init__(self, lines: str, span: ast.Span) -> None:
        super().__init__(lines)
        self.lines, self.span = lines, span


def parse_policy(text: str, file: str) -> ast.PolicyFile:
    """Parse one policy file; raise DiagnosticError (E01xx) on a syntax error."""
    try:
        tree = _parser().parse(text, start="start")
    except UnexpectedInput as error:
        raise DiagnosticError((_syntax_diagnostic(error, text, file),), {file: text}) from None
    too_deep = _too_deep(tree, file)  # before the transformer recurses over the tree
    if too_deep is not None:
        raise DiagnosticError((too_deep,), {file: text})
    try:
        header, *definitions = _ToAst(file).transform(tree).children
    except VisitError as error:
        if isinstance(error.orig_exc, _Refused):
            raise DiagnosticError((error.orig_exc.diagnostic,), {file: text}) from None
        if not isinstance(error.orig_exc, _HeaderRepeated):
            raise
        repeated = error.orig_exc
        diagnostic = Diagnostic(
            "E0102",
            f"the header says `{repeated.lines}` twice",
            _second_header_line(text, repeated),
            "repeated header line",
            help="keep one line for each of document, issuer, dated, …",
        )
        raise DiagnosticError((diagnostic,), {file: text}) from None
    return ast.PolicyFile(file, text, header, tuple(definitions))


def _second_header_line(text: str, repeated: _HeaderRepeated) -> ast.Span:
    """The line that repeats a header line (the second `issuer …`), or the header's span."""
    span, first_word = repeated.span, repeated.lines.split(",")[0].replace("_", " ")
    keyword = {"in force": "in", "cite as": "cite"}.get(first_word, first_word)
    seen = 0
    for number, line in enumerate(_lines(text)[span.line - 1 : span.end_line], start=span.line):
        stripped = line.lstrip(" ")
        if re.match(rf"{re.escape(keyword)}\b", stripped):
            seen += 1
            if seen == 2:
                column = len(line) - len(stripped) + 1
                return ast.Span(span.file, number, column, number, len(line.rstrip()) + 1)
    return span


def parse_facts(text: str, file: str) -> ast.FactsFile:
    """Parse one vocabulary file (`*.facts`); raise DiagnosticError (E01xx) on a syntax error."""
    try:
        tree = _parser().parse(text, start="facts_file")
    except UnexpectedInput as error:
        raise DiagnosticError((_syntax_diagnostic(error, text, file),), {file: text}) from None
    try:
        items = _ToAst(file).transform(tree).children
    except VisitError as error:
        if isinstance(error.orig_exc, _Refused):
            raise DiagnosticError((error.orig_exc.diagnostic,), {file: text}) from None
        raise
    return ast.FactsFile(file, text, tuple(items))


# The scalar types of a declared fact (ast.FactKind without enum), and the units they carry.
_SCALAR_TYPES = ("bool", "integer", "money", "date", "year", "text", "region")
_SCALAR_UNITS = {"money": "元", "year": "年"}

_EXPRESSION_RULES = frozenset({"add", "sub", "mul", "min", "max", "if_expr"})


def _too_deep(tree: Tree[Any], file: str) -> Diagnostic | None:
    """E0309 at the first group or operation nested beyond the limits (syntax.limits), found
    with an explicit stack: the parse itself is iterative, everything after it recurses."""
    stack: list[tuple[Tree[Any], int, int]] = [(tree, 0, 0)]
    while stack:
        node, groups, operations = stack.pop()
        groups += node.data == "group"
        operations += node.data in _EXPRESSION_RULES
        if groups > MAX_GROUP_DEPTH:
            return _depth_diagnostic(
                file, node, f"groups are nested more than {MAX_GROUP_DEPTH} deep",
                "flatten the groups: `all` inside `all` is one `all`",
            )  # fmt: skip
        if operations > MAX_EXPRESSION_DEPTH:
            return _depth_diagnostic(
                file, node, f"this expression nests more than {MAX_EXPRESSION_DEPTH} operations",
                "a sum of n terms nests n - 1: add parts up in `let` steps",
            )  # fmt: skip
        stack.extend(
            (child, groups, operations)
            for child in reversed(node.children)
            if isinstance(child, Tree)
        )
    return None


def _depth_diagnostic(file: str, node: Tree[Any], message: str, help: str) -> Diagnostic:
    meta = node.meta
    span = ast.Span(file, meta.line, meta.column, meta.line, meta.column + 1)
    return Diagnostic("E0309", message, span, "nested too deep", help=help)


def _number_diagnostic(number: Token, unit: str, span: ast.Span) -> Diagnostic | None:
    """E0310 for a number outside the documented limits (syntax.limits)."""
    whole, _, fraction = str(number).partition(".")
    problem = ""
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        problem = (
            f"a number has at most {MAX_INTEGER_DIGITS} digits before the decimal point "
            f"and {MAX_FRACTION_DIGITS} after it"
        )
    elif unit in MONEY_UNITS and Decimal(str(number)) * MONEY_UNITS[unit] >= MAX_MONEY_YUAN:
        problem = "an amount in a policy is below 1万亿元 (10^12 元)"
    elif unit == "%" and Decimal(str(number)) > MAX_RATE_PERCENT:
        problem = f"a rate in a policy is at most {MAX_RATE_PERCENT}%"
    if not problem:
        return None
    return Diagnostic(
        "E0310", f"`{number}{unit}` is out of range", span, "out of range", help=problem
    )


def _syntax_diagnostic(error: UnexpectedInput, text: str, file: str) -> Diagnostic:
    line, column = max(error.line, 1), max(error.column, 1)
    width = 1
    expected: set[str] = set()
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        found, expected = "end of file", set(error.accepts or error.expected)
        lines = _lines(text)  # lark gives the last token's place: point past it
        line, column = len(lines), len(lines[-1]) + 1
    elif isinstance(error, UnexpectedToken):
        expected = set(error.accepts or error.expected)
        word = str(error.token)
        if error.token.type == "ARTICLE" and "ARTICLE" not in expected:
            # the lexer's fallback swallowed the rest of the line as an article: name the word
            word = re.split(r"[\s\[\]]", word.strip())[0] or word
        found, width = f"`{word}`", max(1, len(word))
    elif isinstance(error, UnexpectedCharacters):
        found = f"character `{text[error.pos_in_stream or 0]}`"
        expected = set(error.allowed or ())
    elif isinstance(error, UnexpectedEOF):
        found, expected = "end of file", set(error.expected)
        lines = _lines(text)
        line, column = len(lines), len(lines[-1]) + 1
    else:  # pragma: no cover - lark has no other kinds
        found = "input"
    # words (is, in, within, 以上 …) first: they say what may follow; punctuation last
    wanted = sorted(
        (_TOKEN_NAMES.get(name, _literal(name)) for name in expected),
        key=lambda w: (not any(ch.isalpha() for ch in w), w),
    )
    lines = _lines(text)
    at_end = found == "end of file"
    offending = "" if at_end else _offending_text(error, text, lines, line, column, width)
    known = hint(lines, line, column, offending, frozenset(_words(expected)), at_end)
    if known is not None:
        return Diagnostic(
            known.code,
            known.message,
            ast.Span(file, known.line, known.column, known.line, known.column + known.width),
            known.label,
            help=known.help,
        )
    span = ast.Span(file, line, column, line, column + width)
    return Diagnostic(
        "E0101",
        f"unexpected {found}",
        span,
        "not expected here",
        help=("expected " + ", ".join(wanted[:12]) + (" …" if len(wanted) > 12 else ""))
        if wanted
        else "",
    )


def _offending_text(
    error: UnexpectedInput, text: str, lines: list[str], line: int, column: int, width: int
) -> str:
    """What stands where the parse stopped: the token, or the rest of the line for a
    character the lexer refused."""
    if isinstance(error, UnexpectedToken):
        return str(error.token) if error.token.type != "ARTICLE" else lines[line - 1][column - 1 :]
    return lines[line - 1][column - 1 :] if 0 < line <= len(lines) else ""


def _words(expected: set[str]) -> set[str]:
    """The literal words among the expected terminals (`excluded`, `requires` …), and the
    terminal names of the others (NAME, NUMBER …)."""
    out: set[str] = set()
    for name in expected:
        literal = _literal(name)
        out.add(literal[1:-1] if literal.startswith("'") else name)
    return out


def _lines(text: str) -> list[str]:
    """Lines as lark counts them, by "\n" only: str.splitlines() also breaks at \f, \x1c,
    U+2028 …, which may stand in labels and comments, and would point past the real line."""
    lines = text.split("\n")
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def _literal(terminal: str) -> str:
    try:
        pattern = _parser().get_terminal(terminal).pattern
    except KeyError:
        return terminal
    return f"'{pattern.value}'" if pattern.type == "str" else terminal.lower()


def _span(file: str, meta: Any) -> ast.Span:
    return ast.Span(file, meta.line, meta.column, meta.end_line, meta.end_column)


def _token_span(file: str, token: Token) -> ast.Span:
    return ast.Span(
        file, token.line or 0, token.column or 0, token.end_line or 0, token.end_column or 0
    )


def _unquote(token: Token) -> str:
    return str(token)[1:-1]


@v_args(meta=True)
class _ToAst(Transformer):  # type: ignore[type-arg]
    """One method per grammar rule; each returns the AST node for that rule."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def _s(self, meta: Any) -> ast.Span:
        return _span(self.file, meta)

    # header
    def header(self, meta: Any, children: list[Any]) -> ast.Header:
        name, title, *items = children
        uses = tuple(item for key, item in items if key == "uses")
        items = [item for item in items if item[0] != "uses"]
        fields: dict[str, Any] = dict(items)
        if len(fields) < len(items):  # the same header line twice: the second is not dropped
            repeated = sorted({k for k, _ in items if [i[0] for i in items].count(k) > 1})
            raise _HeaderRepeated(", ".join(repeated), self._s(meta))
        return ast.Header(
            str(name), _unquote(title), fields.get("document"), fields.get("issuer"),
            fields.get("dated"), *fields.get("in_force", (None, None, None)),
            *fields.get("applicant", (None, None)), fields.get("cite_as"),
            fields.get("jurisdiction"), self._s(meta), uses,
        )  # type: ignore[call-arg]  # fmt: skip

    def uses(self, meta: Any, c: list[Token]) -> tuple[str, ast.Uses]:
        return "uses", ast.Uses(_unquote(c[0]), self._s(meta))

    def document_number(self, meta: Any, c: list[Token]) -> tuple[str, str]:
        return "document", _unquote(c[0])

    def issuer(self, meta: Any, c: list[Token]) -> tuple[str, str]:
        return "issuer", _unquote(c[0])

    def dated(self, meta: Any, c: list[Token]) -> tuple[str, str]:
        return "dated", str(c[0])

    def cite_as(self, meta: Any, c: list[Token]) -> tuple[str, str]:
        return "cite_as", _unquote(c[0])

    def jurisdiction(self, meta: Any, c: list[Any]) -> tuple[str, ast.Leaf]:
        return "jurisdiction", c[0]

    def applicant_kind(self, meta: Any, c: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return "applicant", (str(c[0]), c[1] if len(c) > 1 else None)

    def in_force(self, meta: Any, c: list[Any]) -> tuple[str, tuple[Any, ...]]:
        until = next((x for x in c[1:] if isinstance(x, str) and not isinstance(x, Token)), None)
        citation = next((x for x in c if isinstance(x, ast.Citation)), None)
        return "in_force", (str(c[0]), until, citation)

    def until(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def citation(self, meta: Any, c: list[Token]) -> ast.Citation:
        return ast.Citation(str(c[0]).strip(), self._s(meta))

    # definitions
    def values_def(self, meta: Any, c: list[Any]) -> ast.ValuesDef:
        label = _unquote(c[1]) if len(c) == 3 else None
        return ast.ValuesDef(str(c[0]), label, c[-1], self._s(meta))

    def value_set(self, meta: Any, c: list[Token]) -> ast.ValueSet:
        return ast.ValueSet(tuple(str(t) for t in c), self._s(meta))

    def named_set(self, meta: Any, c: list[Token]) -> ast.NamedSet:
        return ast.NamedSet(str(c[0]), self._s(meta))

    def conditions_def(self, meta: Any, c: list[Any]) -> ast.ConditionsDef:
        return ast.ConditionsDef(str(c[0]), c[1], self._s(meta))

    def shared_node(self, meta: Any, c: list[Token]) -> ast.SharedNode:
        return ast.SharedNode(str(c[0]), self._s(meta))

    def collection_values(self, meta: Any, c: list[Any]) -> ast.CollectionValues:
        return ast.CollectionValues(str(c[0]), c[1], self._s(meta))

    def interpretation_def(self, meta: Any, c: list[Any]) -> ast.InterpretationDef:
        name, label, default, values, *rest = c
        return ast.InterpretationDef(
            str(name),
            _unquote(label),
            str(default),
            values,
            rest[0] if rest else None,
            self._s(meta),
        )

    def interpretation_is(self, meta: Any, c: list[Token]) -> ast.InterpretationIs:
        return ast.InterpretationIs(str(c[0]), str(c[1]), self._s(meta))

    def records_def(self, meta: Any, c: list[Any]) -> ast.RecordsDef:
        name, label, source, *rest = c
        citation = rest[0] if rest and isinstance(rest[0], ast.Citation) else None
        nodes = tuple(x for x in rest if not isinstance(x, ast.Citation))
        return ast.RecordsDef(
            str(name), _unquote(label), str(source), citation, nodes, self._s(meta)
        )

    def programme(self, meta: Any, c: list[Any]) -> ast.Programme:
        name, title, *rest = c
        citation = rest[0] if rest and isinstance(rest[0], ast.Citation) else None
        clauses = tuple(x for x in rest if isinstance(x, ast.Clause))
        amounts = tuple(x for x in rest if isinstance(x, ast.Amount))
        limits = tuple(x for x in rest if isinstance(x, ast.ApplicantLimit))
        return ast.Programme(
            str(name), _unquote(title), citation, clauses, amounts, self._s(meta), limits
        )

    def at_most_applicants(self, meta: Any, c: list[Any]) -> ast.ApplicantLimit:
        return self._applicant_limit(True, c, meta)

    def about_applicants(self, meta: Any, c: list[Any]) -> ast.ApplicantLimit:
        return self._applicant_limit(False, c, meta)

    def _applicant_limit(self, hard: bool, c: list[Any], meta: Any) -> ast.ApplicantLimit:
        number, *rest = c
        per = next((x[1] for x in rest if isinstance(x, tuple) and x[0] == "per"), None)
        unless = next((x for x in rest if isinstance(x, tuple) and x[0] == "unless"), None)
        among = next((x[1] for x in rest if isinstance(x, tuple) and x[0] == "among"), None)
        label = next((_unquote(x) for x in rest if isinstance(x, Token)), None)
        citation = next((x for x in rest if isinstance(x, ast.Citation)), None)
        return ast.ApplicantLimit(
            str(number), hard, per, unless[1] if unless else None, unless[2] if unless else None,
            label, citation, self._s(meta), among,
        )  # fmt: skip

    def limit_per(self, meta: Any, c: list[Any]) -> tuple[str, ast.Path]:
        return ("per", c[0])

    def limit_unless(self, meta: Any, c: list[Any]) -> tuple[str, ast.Path, Any]:
        return ("unless", c[0], c[1])

    def limit_among(self, meta: Any, c: list[Any]) -> tuple[str, ast.Path]:
        return ("among", c[0])

    def requires(self, meta: Any, c: list[Any]) -> ast.Clause:
        return ast.Clause("requires", c[0], self._s(meta))

    def excluded_when(self, meta: Any, c: list[Any]) -> ast.Clause:
        return ast.Clause("excluded_when", c[0], self._s(meta))

    # condition nodes
    def group(self, meta: Any, c: list[Any]) -> ast.Group:
        kind, *rest = c
        label = _unquote(rest.pop(0)) if rest and isinstance(rest[0], Token) else None
        citation = rest.pop(0) if rest and isinstance(rest[0], ast.Citation) else None
        return ast.Group(kind, label, citation, tuple(rest), self._s(meta))

    def group_kind(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def leaf(self, meta: Any, c: list[Any]) -> ast.Leaf:
        label = _unquote(c.pop(0)) if isinstance(c[0], Token) else None
        citation = c[1] if len(c) > 1 else None
        return ast.Leaf(label, c[0], citation, self._s(meta))

    def compare(self, meta: Any, c: list[Any]) -> ast.Compare:
        return ast.Compare(c[0], c[1], c[2], self._s(meta))

    def compare_postfix(self, meta: Any, c: list[Any]) -> ast.Compare:
        return ast.Compare(c[0], c[2], c[1], self._s(meta))

    def compare_word(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    postfix_word = compare_word

    def _quantified(self, c: list[Any]) -> tuple[str, list[Any]]:
        if isinstance(c[0], str) and c[0] in ("some", "every"):
            return c[0], c[1:]
        return "one", c

    def quantifier(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def in_set(self, meta: Any, c: list[Any]) -> ast.InSet:
        q, (subject, values) = self._quantified(c)
        return ast.InSet(q, subject, values, False, self._s(meta))  # type: ignore[arg-type]

    def not_in_set(self, meta: Any, c: list[Any]) -> ast.InSet:
        q, (subject, values) = self._quantified(c)
        return ast.InSet(q, subject, values, True, self._s(meta))  # type: ignore[arg-type]

    def within(self, meta: Any, c: list[Any]) -> ast.Within:
        q, (subject, region) = self._quantified(c)
        return ast.Within(q, subject, str(region), self._s(meta))  # type: ignore[arg-type]

    def is_bool(self, meta: Any, c: list[Any]) -> ast.IsBool:
        q, (subject, expected) = self._quantified(c)
        return ast.IsBool(q, subject, expected, self._s(meta))  # type: ignore[arg-type]

    def quantified_compare(self, meta: Any, c: list[Any]) -> ast.QuantifiedCompare:
        return ast.QuantifiedCompare(c[0], c[1], c[2], c[3], self._s(meta))

    def bool(self, meta: Any, c: list[Token]) -> bool:
        return str(c[0]) == "true"

    def attested(self, meta: Any, c: list[Token]) -> ast.Attested:
        return ast.Attested(str(c[0]), self._s(meta))

    def attested_else_application(self, meta: Any, c: list[Token]) -> ast.Attested:
        return ast.Attested(str(c[0]), self._s(meta), else_application=True)

    def selected(self, meta: Any, c: list[Any]) -> ast.Selected:
        return ast.Selected(self._s(meta))

    def exists(self, meta: Any, c: list[Token]) -> ast.Exists:
        return ast.Exists(str(c[0]), self._s(meta))

    def stated(self, meta: Any, c: list[Any]) -> ast.Stated:
        return ast.Stated(c[0], self._s(meta))

    # amounts
    def amount(self, meta: Any, c: list[Any]) -> ast.Amount:
        citation = c[0] if c and isinstance(c[0], ast.Citation) else None
        steps = tuple(x for x in c if isinstance(x, ast.Step))
        caps = tuple(x for x in c if isinstance(x, ast.Cap))
        pools = [x for x in c if isinstance(x, ast.Pool)]
        return ast.Amount(citation, steps, caps, pools[0] if pools else None, self._s(meta))

    def pool(self, meta: Any, c: list[Any]) -> ast.Pool:
        limit, *rest = c
        label = _unquote(rest.pop(0)) if rest and isinstance(rest[0], Token) else None
        pro_rata = rest.pop()[0] if rest and isinstance(rest[-1], tuple) else None
        return ast.Pool(limit, label, rest[0] if rest else None, self._s(meta), pro_rata)

    def pro_rata(self, meta: Any, c: list[Any]) -> tuple[ast.Citation]:
        return (c[0],)

    def let_step(self, meta: Any, c: list[Any]) -> ast.Step:
        return self._step("let", str(c[0]), c[1:], meta)

    def award_step(self, meta: Any, c: list[Any]) -> ast.Step:
        return self._step("award", "award", c, meta)

    def _step(self, kind: Any, name: str, c: list[Any], meta: Any) -> ast.Step:
        label = _unquote(c.pop(0)) if isinstance(c[0], Token) else None
        citation = c[1] if len(c) > 1 else None
        return ast.Step(kind, name, label, c[0], citation, self._s(meta))

    def cap(self, meta: Any, c: list[Any]) -> ast.Cap:
        limit, *rest = c
        label = _unquote(rest.pop(0)) if rest and isinstance(rest[0], Token) else None
        return ast.Cap(limit, label, rest[0] if rest else None, self._s(meta))

    # expressions
    def quantity(self, meta: Any, c: list[Any]) -> ast.Quantity:
        unit = str(c[1]) if len(c) > 1 else ""
        refused = _number_diagnostic(c[0], unit, self._s(meta))
        if refused is not None:
            raise _Refused(refused)
        return ast.Quantity(str(c[0]), unit, self._s(meta))

    def unit(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    times = unit

    def path(self, meta: Any, c: list[Token]) -> ast.Path:
        return ast.Path(tuple(str(t) for t in c), self._s(meta))

    def year_name(self, meta: Any, c: list[Any]) -> str:
        return "year"

    def ref(self, meta: Any, c: list[Any]) -> ast.Ref:
        return ast.Ref(c[0], self._s(meta))

    def count(self, meta: Any, c: list[Any]) -> ast.Count:
        return ast.Count(c[0], c[1] if len(c) > 1 else None, self._s(meta))

    def count_distinct(self, meta: Any, c: list[Any]) -> ast.CountDistinct:
        return ast.CountDistinct(str(c[0]), c[1], c[2] if len(c) > 2 else None, self._s(meta))

    def sum_of(self, meta: Any, c: list[Any]) -> ast.SumOf:
        return ast.SumOf(str(c[0]), c[1], self._s(meta))

    def if_expr(self, meta: Any, c: list[Any]) -> ast.IfThen:
        return ast.IfThen(c[0], c[1], c[2], self._s(meta))

    def date_literal(self, meta: Any, c: list[Token]) -> ast.DateLiteral:
        return ast.DateLiteral(str(c[0]), self._s(meta))

    def sum(self, meta: Any, c: list[Any]) -> ast.Sum:
        return ast.Sum(str(c[0]), c[1], self._s(meta))

    def year(self, meta: Any, c: list[Any]) -> ast.Year:
        return ast.Year(c[0], self._s(meta))

    def award_of(self, meta: Any, c: list[Token]) -> ast.AwardOf:
        return ast.AwardOf(str(c[0]), self._s(meta))

    def _binary(self, op: Any, c: list[Any], meta: Any) -> ast.Binary:
        return ast.Binary(op, c[0], c[-1], self._s(meta))

    def add(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("+", c, meta)

    def sub(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("-", c, meta)

    def mul(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("×", c, meta)

    def min(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("min", c, meta)

    def max(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("max", c, meta)

    def start(self, meta: Any, c: list[Any]) -> Tree[Any]:
        return Tree("start", c)

    # facts (the vocabulary)
    def facts_file(self, meta: Any, c: list[Any]) -> Tree[Any]:
        return Tree("facts_file", c)

    def facts_block(self, meta: Any, c: list[Any]) -> ast.FactsBlock:
        return ast.FactsBlock(tuple(c), self._s(meta))

    def enum_decl(self, meta: Any, c: list[Any]) -> ast.EnumDecl:
        return ast.EnumDecl(str(c[0]), tuple(c[1:]), self._s(meta))

    def enum_value(self, meta: Any, c: list[Token]) -> ast.EnumValue:
        return ast.EnumValue(str(c[0]), _unquote(c[1]) if len(c) > 1 else None, self._s(meta))

    def group_decl(self, meta: Any, c: list[Any]) -> ast.GroupDecl:
        options: dict[str, Any] = dict(c[2:])
        return ast.GroupDecl(
            str(c[0]), _unquote(c[1]), "list" in options, options.get("min", 0),
            options.get("required", ()), self._s(meta),
        )  # fmt: skip

    def group_list(self, meta: Any, c: list[Token]) -> tuple[str, object]:
        return "list", True

    def group_min(self, meta: Any, c: list[Token]) -> tuple[str, int]:
        return "min", int(str(c[0]).split(".")[0])

    def group_required(self, meta: Any, c: list[Token]) -> tuple[str, tuple[str, ...]]:
        return "required", tuple(str(t) for t in c)

    def applicant_facts(self, meta: Any, c: list[Any]) -> ast.EntityDecl:
        return ast.EntityDecl(
            "applicant", "applicant", "申请主体", None, None, tuple(c), self._s(meta)
        )

    def context_facts(self, meta: Any, c: list[Any]) -> ast.EntityDecl:
        return ast.EntityDecl("context", "context", "评估情境", None, None, tuple(c), self._s(meta))

    def collection_decl(self, meta: Any, c: list[Any]) -> ast.EntityDecl:
        keys = {str(k[0]): str(k[1]) for k in c[2:] if isinstance(k, list)}
        facts = tuple(f for f in c[2:] if isinstance(f, ast.FactDecl))
        return ast.EntityDecl(
            "collection", str(c[0]), _unquote(c[1]), keys.get("id"), keys.get("named"), facts,
            self._s(meta),
        )  # fmt: skip

    def collection_key(self, meta: Any, c: list[Token]) -> list[Token]:
        return c

    def fact_decl(self, meta: Any, c: list[Any]) -> ast.FactDecl:
        many = isinstance(c[1], str) and c[1] == "list of"
        kind: ast.FactType = c[2] if many else c[1]
        kind = ast.FactType(kind.kind, many, kind.unit, kind.enum_name, kind.enum_values, kind.span)
        options = tuple(o for o in c if isinstance(o, ast.FactOption))
        return ast.FactDecl(c[0], kind, options, _unquote(c[-1]), self._s(meta))

    def fact_list(self, meta: Any, c: list[Any]) -> str:
        return "list of"

    def _type(self, kind: ast.FactKind, meta: Any, unit: str = "", name: str | None = None,
              values: tuple[ast.EnumValue, ...] = ()) -> ast.FactType:  # fmt: skip
        return ast.FactType(kind, False, unit, name, values, self._s(meta))

    def scalar_type(self, meta: Any, c: list[Any]) -> ast.FactType:
        name, unit = str(c[0]), str(c[1]) if len(c) > 1 else ""
        if name not in _SCALAR_TYPES:
            close = difflib.get_close_matches(name, _SCALAR_TYPES, n=1)
            raise _Refused(
                Diagnostic(
                    "E0218",
                    f"`{name}` is not a type of fact",
                    _token_span(self.file, c[0]),
                    "unknown type",
                    help=(f"did you mean `{close[0]}`? " if close else "")
                    + "the types are "
                    + ", ".join(_SCALAR_TYPES)
                    + ", enum and list of …",
                )
            )
        if unit and name != "integer":
            raise _Refused(
                Diagnostic(
                    "E0212",
                    f"a unit is for an integer, not a {name}",
                    self._s(meta),
                    "unit not allowed",
                    help="money is in 元 and a year in 年 already",
                )
            )
        return self._type(name, meta, unit=_SCALAR_UNITS.get(name, unit))  # type: ignore[arg-type]

    def named_enum_type(self, meta: Any, c: list[Token]) -> ast.FactType:
        return self._type("enum", meta, name=str(c[0]))

    def enum_type(self, meta: Any, c: list[ast.EnumValue]) -> ast.FactType:
        return self._type("enum", meta, values=tuple(c))

    def fact_option(self, meta: Any, c: list[Token]) -> ast.FactOption:
        number = int(str(c[1])) if len(c) > 1 and str(c[1]).isdigit() else None
        if len(c) > 1 and number is None:
            raise _Refused(
                Diagnostic(
                    "E0310",
                    f"`{c[0]} {c[1]}` needs a whole number",
                    self._s(meta),
                    "not a whole number",
                )
            )
        return ast.FactOption(str(c[0]), number, self._s(meta))

    def criterion_decl(self, meta: Any, c: list[Any]) -> ast.CriterionDecl:
        citation = c[2] if len(c) > 2 else None
        return ast.CriterionDecl(str(c[0]), _unquote(c[1]), citation, self._s(meta))


# ── the tokens of a policy text, for tools that edit it token by token ─────────────────────


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One token of a policy text, with the grammar rule it stands in (`quantity`, `unit`,
    `compare_word`, `postfix_word`, `group_kind`, `date_literal`, `in_force`, `until`, …).
    `start` and `end` are character offsets into the text: text[start:end] is the token."""

    rule: str
    kind: str  # the terminal: NUMBER, DATE, NAME, … (anonymous words: __ANON_n)
    text: str
    start: int
    end: int
    span: ast.Span


def lexemes(text: str, file: str) -> tuple[Lexeme, ...]:
    """Every token of a policy text in text order (policytests.mutate finds its mutation
    sites here: a number with its unit, a date, a comparison word, never a regex over the
    text); raises DiagnosticError (E01xx) on a syntax error, as parse_policy does."""
    try:
        tree = _parser().parse(text, start="start")
    except UnexpectedInput as error:
        raise DiagnosticError((_syntax_diagnostic(error, text, file),), {file: text}) from None
    out: list[Lexeme] = []
    pending: list[Tree] = [tree]  # type: ignore[type-arg]
    while pending:  # depth first, children in order: an explicit stack, no recursion limit
        node = pending.pop()
        for child in reversed(node.children):
            if isinstance(child, Tree):
                pending.append(child)
        for child in node.children:
            if isinstance(child, Token):
                out.append(
                    Lexeme(
                        str(node.data),
                        child.type,
                        str(child),
                        child.start_pos or 0,
                        child.end_pos or 0,
                        _token_span(file, child),
                    )
                )
    return tuple(sorted(out, key=lambda lexeme: lexeme.start))
