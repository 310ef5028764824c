"""Policy text → the same text in the canonical layout (`eligibility fmt`, docs/tools.md).

The layout is the one the shipped policies were written in. Only whitespace between tokens
changes (and ASCII spaces just inside a citation's brackets, which the compiler strips), so a
formatted policy compiles to the same program, and comments and Chinese text (labels,
citations, units) are copied as they are. The text is parsed by a parser of its own that keeps
every token (the syntax tree drops punctuation); comments, which the grammar ignores, are read
from the stretches between tokens, which hold only whitespace and comments. The rules:

- one statement per line: each header line, definition, condition node, clause, amount step,
  cap and pool starts a line; a block's `{` ends its line and its `}` stands on its own line
  (a group the author wrote on one line with one condition and no comment, such as
  `none { exists x }`, stays on one line);
- indentation by two spaces: a block's statements two deeper than the line where the block's
  rule starts, its `}` level with that line, header lines two deep;
- a labelled condition (`"label": condition [article]`) is one line when it fits in 100 display
  cells, else it breaks after the label's `:`;
- the author's other line breaks are kept (labels are long and cannot be broken); a
  continuation line is two deeper than its statement, four in a block's head (`records … "…"`
  then `from … {`, so the head does not read as the block's first statement); inside parentheses
  or a value set the author's alignment relative to the statement is kept (at least two deep);
- one space between tokens, except none inside `( )`, `{a, b}` and `[第九条]`, before `,`,
  `:` and `)`, around `.`, after `@`, between a function's name and `(` (`count(`, `year(`) and
  within a quantity (`50万元以上`, `40%`);
- a blank line between definitions (not between two `values` lines), above the comments that
  stand over a definition; elsewhere at most one blank line in a row, none just inside a
  block's braces or at the start or end of the file;
- a comment on its own line takes the indentation of the code that follows it; a comment after
  code stays on that line, two spaces after it; trailing spaces go; the file ends with one newline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile
from typing import Any
from unicodedata import east_asian_width

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from eligibility.diagnostics import DiagnosticError
from eligibility.resources import GRAMMAR_FILE
from eligibility.syntax.parser import _syntax_diagnostic

# Rules whose `{ … }` holds statements, one a line. The facts blocks are those of branch `vocab`
# (`facts { … }`, `applicant { … }`, `collection … { … }`): named here so that its merge lays
# them out as blocks; a rule missing here is laid out as a bracket, its line breaks kept.
_BLOCKS = frozenset(
    {
        "records_def", "programme", "amount", "group",
        "facts_block", "applicant_facts", "context_facts", "collection_decl",
    }
)  # fmt: skip
_CALLS = frozenset({"COUNT", "DISTINCT", "SUM", "MIN", "MAX", "AWARD"})
_UNITS = frozenset({"亿元", "万元", "元", "%", "笔", "次", "件", "人", "家", "项", "年"})
_POSTFIX = frozenset({"以上", "以下", "以内"})
_HEADER_ITEMS = frozenset(
    {
        "document_number",
        "issuer",
        "dated",
        "in_force",
        "applicant_kind",
        "jurisdiction",
        "cite_as",
        "uses",
    }
)
_COMMENT = re.compile(r"#[^\n]*")
INDENT = 2
WIDTH = 100  # a labelled condition longer than this breaks after its label's `:`


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    line: int  # in the original text
    end_line: int
    kind: str  # the terminal, or COMMENT
    statement: str = ""  # the rule of the statement this token starts, if it starts one
    block_open: bool = False  # the `{` of a block (not of a value set)
    block_close: bool = False
    owner: int = 0  # for a block's `{`: where the block's rule starts (`records`, `all` …)
    leaf_end: int = 0  # for the `:` after a leaf's label: where the leaf ends
    group: bool = False  # for a block's `{`: the block is a group (`all`, `any`, `none`)
    blank_before: bool = False  # a blank line goes before this token (between definitions)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        keep_all_tokens=True,
    )


def format_policy(text: str, file: str) -> str:
    """The text in the canonical layout; raises DiagnosticError (E01xx) on a syntax error."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise DiagnosticError((_syntax_diagnostic(error, text, file),), {file: text}) from None
    return _Printer(_tokens(tree, text), text).print()


def _first_token(node: Tree[Any]) -> Token | None:
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            return item
        stack.extend(reversed(item.children))
    return None


def _all_tokens(tree: Tree[Any]) -> list[Token]:
    """Every token of the tree, found with an explicit stack (lark's `scan_values` recurses,
    and groups may nest thousands deep before the compiler refuses them)."""
    out: list[Token] = []
    stack: list[Any] = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            out.append(item)
        else:
            stack.extend(item.children)
    return out


def _last_token(node: Tree[Any]) -> Token | None:
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            return item
        stack.extend(item.children)
    return None


def _tokens(tree: Tree[Any], text: str) -> list[_Token]:
    """Every token of the text in order, comments included, with its role in the layout."""
    roles: dict[int, str] = {}
    tops: set[int] = set()  # where the header and each definition start
    groups: set[int] = set()
    opens: dict[int, int] = {}
    leaves: dict[int, int] = {}  # the `:` of a labelled leaf → the end of the leaf
    closes: set[int] = set()
    stack: list[Tree[Any]] = [tree]
    while stack:  # an explicit stack: nesting is bounded by the parser's limits only later
        node = stack.pop()
        rule = str(node.data)
        inside = rule in ("start", "header")
        if rule == "leaf" and len(node.children) > 2 and isinstance(node.children[1], Token):
            last = _last_token(node)
            leaves[node.children[1].start_pos or 0] = (last.end_pos or 0) if last else 0
        for child in node.children:
            if isinstance(child, Token):
                if rule in _BLOCKS and child.type == "LBRACE":
                    owner = _first_token(node)
                    opens[child.start_pos or 0] = (owner.start_pos or 0) if owner else 0
                    if rule == "group":
                        groups.add(child.start_pos or 0)
                    inside = True
                elif rule in _BLOCKS and child.type == "RBRACE":
                    closes.add(child.start_pos or 0)
                    inside = False
                continue
            stack.append(child)
            first = _first_token(child)
            if inside and first is not None:
                roles[first.start_pos or 0] = str(child.data)
                if rule == "start":
                    tops.add(first.start_pos or 0)
    lexed = sorted(_all_tokens(tree), key=lambda t: t.start_pos or 0)
    out: list[_Token] = []
    position = 0
    for token in lexed:
        start = token.start_pos or 0
        out += _comments(text, position, start)
        out.append(
            _Token(
                str(token), start, token.end_pos or 0, token.line or 0, token.end_line or 0,
                token.type,
                roles.get(start, ""), start in opens, start in closes, opens.get(start, 0),
                leaves.get(start, 0), start in groups,
            )
        )  # fmt: skip
        position = token.end_pos or 0
    out += _comments(text, position, len(text))
    _separate_definitions(out, tops)
    return out


def _separate_definitions(tokens: list[_Token], tops: set[int]) -> None:
    """A blank line between two definitions (and after the header), except between two
    `values` lines; it goes above the comments that stand on their own lines over a definition."""
    previous = ""
    for index, token in enumerate(tokens):
        if token.start not in tops or token.kind == "COMMENT":
            continue
        if previous and not (previous == token.statement == "values_def"):
            lead = index
            while (
                lead > 1
                and tokens[lead - 1].kind == "COMMENT"
                and tokens[lead - 1].line > tokens[lead - 2].end_line
            ):
                lead -= 1
            tokens[lead].blank_before = True
        previous = token.statement


def _comments(text: str, start: int, end: int) -> list[_Token]:
    """The comments in a stretch between two tokens (it holds only whitespace and comments)."""
    out: list[_Token] = []
    for match in _COMMENT.finditer(text, start, end):
        line = text.count("\n", 0, match.start()) + 1
        out.append(
            _Token(match.group().rstrip(), match.start(), match.end(), line, line, "COMMENT")
        )
    return out


def _spelling(token: _Token) -> str:
    if token.kind == "ARTICLE":  # `[ 第九条 ]`: the compiler strips the spaces too
        return token.text.strip(" \t") or token.text
    if token.kind == "_YEAR_CALL":
        return "year("
    return token.text


def _joined(before: _Token, tokens: list[_Token]) -> str:
    """The tokens on one line, as they would follow `before`."""
    out = []
    for token in tokens:
        out += [_space(before, token), _spelling(token)]
        before = token
    return "".join(out)


def _cells(text: str) -> int:
    """Display width: a CJK (wide or full-width) character takes two cells."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _space(before: _Token, after: _Token) -> str:
    """The space between two tokens on one line."""
    a, b = before.kind, after.kind
    if b == "COMMENT":
        return "  "
    if a in ("LPAR", "LSQB", "DOT", "_YEAR_CALL") or b in ("RPAR", "RSQB", "DOT", "COMMA"):
        return ""
    if a == "LSQB" or b == "ARTICLE":
        return ""
    if b == "COLON" or (before.text == "@" and b == "NAME"):
        return ""
    if b == "LPAR" and a in _CALLS:
        return ""
    if a == "LBRACE" and not before.block_open:
        return ""
    if b == "RBRACE" and not after.block_close:
        return ""
    if a == "NUMBER" and after.text in _UNITS:
        return ""
    if after.text in _POSTFIX and before.text in _UNITS:
        return ""
    return " "


class _Printer:
    def __init__(self, tokens: list[_Token], text: str) -> None:
        self.tokens, self.text = tokens, text
        self.lines: list[str] = []
        self.inline_blocks = self._inline_blocks()
        # per open bracket: (is a block, the indent of the line it opened on, written inline)
        self.brackets: list[tuple[bool, int, bool]] = []
        self.statement_indent = 0  # the new indent of the current statement's first line
        self.statement_original = 0  # its indent in the original text
        self.head_open = False  # a block statement whose `{` has not come yet
        self.line: list[str] = []
        self.line_indent = 0
        self.previous: _Token | None = None
        self.indents: dict[int, int] = {}  # the indent of the line each token was printed on
        self.joined_until = 0  # a labelled condition that fits: no break before this offset
        self.break_next = False  # one that does not: a break after its label's `:`

    def _inline_blocks(self) -> set[int]:
        """The `{` of blocks written on one line, with one statement and no comment."""
        kept: set[int] = set()
        open_at: list[int] = []
        for index, token in enumerate(self.tokens):
            if token.block_open:
                open_at.append(index)
            elif token.block_close:
                first = open_at.pop()
                inner = self.tokens[first + 1 : index]
                if (
                    self.tokens[first].group
                    and self.tokens[first].line == token.line
                    and sum(1 for t in inner if t.statement) == 1
                    and not any(t.kind == "COMMENT" or t.block_open for t in inner)
                ):
                    kept.add(first)
        return kept

    def print(self) -> str:
        for index, token in enumerate(self.tokens):
            if self.previous is None or self._starts_line(index, token):
                if self.previous is not None:
                    self._end(self.line, self.line_indent, token, self.previous)
                self.line = []
                self.line_indent = self._indent(
                    token, index, self.brackets, (self.statement_indent, self.statement_original,
                                                  self.head_open),
                )  # fmt: skip
                if token.statement:
                    self.statement_indent = self.line_indent
                    self.statement_original = self._original_indent(token)
                    self.head_open = token.statement in _BLOCKS
            else:
                self.line.append(_space(self.previous, token))
            self.line.append(_spelling(token))
            self._after(index, token)
        self._end(self.line, self.line_indent, None, self.previous)
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines) + "\n"

    def _starts_line(self, index: int, token: _Token) -> bool:
        previous = self.previous
        assert previous is not None
        if token.kind == "COMMENT":  # a comment stays where it was: after code, or on its own
            self.break_next = self.break_next and token.line == previous.end_line
            return token.line != previous.end_line or previous.kind == "COMMENT"
        break_next, self.break_next = self.break_next, False
        if break_next:
            return True
        inline = bool(self.brackets) and self.brackets[-1][2]
        if not inline and (
            token.statement != ""
            or token.block_close
            or (previous.block_open and index - 1 not in self.inline_blocks)
        ):
            return True
        return (
            token.line != previous.end_line or previous.kind == "COMMENT"
        ) and token.start >= self.joined_until

    def _after(self, index: int, token: _Token) -> None:
        """What a token opens or closes: a block, brackets, a labelled condition."""
        inline = bool(self.brackets) and self.brackets[-1][2]
        self.indents[token.start] = self.line_indent
        if token.leaf_end and not inline:  # one line if it fits, else a break after the `:`
            rest = list(takewhile(lambda t: t.start < token.leaf_end, self.tokens[index + 1 :]))
            width = self.line_indent + _cells("".join(self.line)) + _cells(_joined(token, rest))
            if width <= WIDTH and not any(t.kind == "COMMENT" for t in rest):
                self.joined_until = token.leaf_end
            else:
                self.break_next = True
        if token.block_open:  # its body two deeper than the line where its rule starts
            self.head_open = False
            self.brackets.append((True, self.indents[token.owner], index in self.inline_blocks))
        elif token.kind in ("LPAR", "LBRACE", "_YEAR_CALL"):
            self.brackets.append((False, self.line_indent, False))
        elif token.kind in ("RPAR", "RBRACE") and self.brackets:
            self.brackets.pop()
        self.previous = token

    def _original_indent(self, token: _Token) -> int:
        start = self.text.rfind("\n", 0, token.start) + 1
        prefix = self.text[start : token.start]
        return len(prefix) - len(prefix.lstrip(" ")) if not prefix.strip() else 0

    def _indent(
        self,
        token: _Token,
        index: int,
        brackets: list[tuple[bool, int, bool]],
        statement: tuple[int, int, bool],
    ) -> int:
        """The indent of a line starting with `token`; `statement` is the current statement's
        new indent, its original indent, and whether it is a block's head."""
        block_body = next((i + INDENT for block, i, _ in reversed(brackets) if block), 0)
        if token.kind == "COMMENT":  # as the code that follows it; a `}` as the block's body
            following = next((t for t in self.tokens[index + 1 :] if t.kind != "COMMENT"), None)
            if following is None or following.block_close:
                return block_body
            token = following
        if token.kind in ("RPAR", "RBRACE") and brackets:
            return brackets[-1][1]
        if token.statement in _HEADER_ITEMS:
            return INDENT
        if token.statement:
            return block_body
        indent, original, head = statement
        if brackets and not brackets[-1][0]:
            offset = self._original_indent(token) - original
            return indent + max(INDENT, offset)
        return indent + (2 * INDENT if head else INDENT)

    def _end(
        self, line: list[str], indent: int, following: _Token | None, last: _Token | None
    ) -> None:
        """Close the current line; keep one blank line where the author left one or more,
        except after a block's `{`, before a `}` and at the start of the file."""
        if line:
            self.lines.append((" " * indent + "".join(line)).rstrip())
        if following is None or last is None:
            return
        gap = self.text[last.end : following.start]
        if following.blank_before or (
            gap.count("\n") >= 2 and not last.block_open and not following.block_close
        ):
            self.lines.append("")
