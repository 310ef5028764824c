"""What stands where in a policy text, read from the lexer's tokens rather than the parser's
tree, so that it works on text that does not parse (the text being typed): the definitions
(values, conditions, records, programmes, interpretations) with their extents, and the token and
dotted path at a position. Offsets index the text with `\\n` line ends."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pygments.token import Comment, Keyword, Name, Punctuation, String, Whitespace, _TokenType

from eligibility.editor.lexer import CITATION, PolicyLexer
from eligibility.frozen import frozen_record

DEFINITION_KINDS = ("values", "conditions", "records", "programme", "interpretation")


def within(kind: _TokenType, parent: _TokenType) -> bool:
    """`kind` is `parent` or one of its subtypes (Pygments' `in`, which mypy reads as a tuple's)."""
    return kind[: len(parent)] == parent


@frozen_record
class Token:
    offset: int
    kind: _TokenType
    text: str

    @property
    def end(self) -> int:
        return self.offset + len(self.text)

    @property
    def is_name(self) -> bool:
        return self.kind is Name or (within(self.kind, Keyword) and self.text == "year")

    @property
    def is_citation(self) -> bool:
        return self.kind is CITATION


@frozen_record
class Definition:
    kind: str  # one of DEFINITION_KINDS
    name: str
    name_offset: int
    label: str  # the quoted label, without quotes ("" when it has none)
    source: str  # records: the collection after `from`; values/interpretation: the members
    start: int  # the definition's keyword
    end: int  # where the next definition starts (or the end of the text)


@lru_cache(maxsize=8)
def tokens(text: str) -> tuple[Token, ...]:
    """Every token but whitespace and comments."""
    return tuple(
        Token(offset, kind, value)
        for offset, kind, value in PolicyLexer().get_tokens_unprocessed(text)
        if not within(kind, Whitespace) and not within(kind, Comment) and value.strip()
    )


def _depths(toks: Sequence[Token]) -> list[int]:
    depth, out = 0, []
    for token in toks:
        if token.kind is Punctuation and token.text == "}":
            depth = max(0, depth - 1)
        out.append(depth)
        if token.kind is Punctuation and token.text == "{":
            depth += 1
    return out


def _starts_definition(toks: Sequence[Token], index: int) -> bool:
    token = toks[index]
    if not within(token.kind, Keyword) or token.text not in DEFINITION_KINDS:
        return False
    if index + 1 >= len(toks) or toks[index + 1].kind is not Name:
        return False
    # `interpretation x is y` is a condition (at the top level inside `conditions c = …`)
    return token.text != "interpretation" or (
        index + 2 < len(toks) and within(toks[index + 2].kind, String)
    )


@lru_cache(maxsize=8)
def definitions(text: str) -> tuple[Definition, ...]:
    toks = tokens(text)
    depths = _depths(toks)
    starts = [i for i in range(len(toks)) if depths[i] == 0 and _starts_definition(toks, i)]
    out = []
    for number, index in enumerate(starts):
        stop = starts[number + 1] if number + 1 < len(starts) else len(toks)
        body = toks[index + 2 : stop]
        kind, name = toks[index].text, toks[index + 1]
        label = next((t.text.strip('"') for t in body[:2] if within(t.kind, String)), "")
        end = toks[stop].offset if stop < len(toks) else len(text)
        out.append(
            Definition(
                kind, name.text, name.offset, label, _source(kind, body), toks[index].offset, end
            )
        )
    return tuple(out)


def _source(kind: str, body: Sequence[Token]) -> str:
    if kind == "records":
        after = [t for t, before in zip(body[1:], body, strict=False) if before.text == "from"]
        return after[0].text if after and after[0].kind is Name else ""
    if kind in ("values", "interpretation"):
        inside, members = False, []
        for token in body:
            if token.text == "{":
                inside = True
            elif token.text == "}":
                break
            elif inside and token.kind is Name:
                members.append(token.text)
        return ", ".join(members)
    return ""


def enclosing(text: str, offset: int) -> Definition | None:
    return next((d for d in definitions(text) if d.start <= offset < d.end), None)


def defined(text: str, name: str) -> Definition | None:
    return next((d for d in definitions(text) if d.name == name), None)


def token_at(text: str, offset: int) -> tuple[int, Token] | None:
    """The token under the cursor: the one containing `offset`, else one ending at it (a cursor
    just after a word)."""
    toks = tokens(text)
    for index, token in enumerate(toks):
        if token.offset <= offset < token.end:
            return index, token
    for index, token in enumerate(toks):
        if token.end == offset and (token.is_name or token.is_citation):
            return index, token
    return None


def dotted_path(text: str, index: int) -> tuple[tuple[Token, ...], int]:
    """The dotted path (a.b.c) that the name token `index` is part of, and the position of that
    token within it."""
    toks = tokens(text)
    first = index
    while (
        first >= 2
        and toks[first - 1].text == "."
        and toks[first - 2].is_name
        and _joined(toks, first - 2)
    ):
        first -= 2
    last = index
    while (
        last + 2 < len(toks)
        and toks[last + 1].text == "."
        and toks[last + 2].is_name
        and _joined(toks, last)
    ):
        last += 2
    return tuple(toks[first : last + 1 : 2]), (index - first) // 2


def _joined(toks: Sequence[Token], index: int) -> bool:
    """No space between a name, its dot and the next name (`a.b`, not `a . b`)."""
    return (
        toks[index].end == toks[index + 1].offset and toks[index + 1].end == toks[index + 2].offset
    )


def previous(text: str, index: int) -> Token | None:
    return tokens(text)[index - 1] if index > 0 else None
