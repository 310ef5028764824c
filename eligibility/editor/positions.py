"""Positions in a text: characters (what spans and Python strings count) versus the code units
an LSP client counts (UTF-16 by default: a CJK character is 1 unit, a character outside the
Basic Multilingual Plane such as 𠮷 is 2; UTF-8 and UTF-32 when the client and server agree on
them). Lines are 0-based here, as in LSP."""

from __future__ import annotations

from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]


def _units(character: str, encoding: Encoding) -> int:
    point = ord(character)
    if encoding == "utf-32":
        return 1
    if encoding == "utf-16":
        return 2 if point > 0xFFFF else 1
    return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4


def lines_of(text: str) -> list[str]:
    """The lines as LSP counts them: \\r\\n, \\r and \\n all end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def to_units(line: str, column: int, encoding: Encoding = "utf-16") -> int:
    """A 0-based character column of `line` as code units."""
    return sum(_units(c, encoding) for c in line[:column])


def from_units(line: str, units: int, encoding: Encoding = "utf-16") -> int:
    """A column in code units as a 0-based character column of `line` (a position inside a
    surrogate pair, or past the end of the line, goes to the character's end, or the line's)."""
    count = 0
    for index, character in enumerate(line):
        if count >= units:
            return index
        count += _units(character, encoding)
    return len(line)


def offset_of(lines: list[str], line: int, column: int) -> int:
    """A 0-based (line, character column) as an index into "\\n".join(lines)."""
    line = max(0, min(line, len(lines) - 1))
    return sum(len(text) + 1 for text in lines[:line]) + min(column, len(lines[line]))


def position_of(lines: list[str], offset: int) -> tuple[int, int]:
    """An index into "\\n".join(lines) as a 0-based (line, character column)."""
    for number, text in enumerate(lines):
        if offset <= len(text):
            return number, offset
        offset -= len(text) + 1
    return len(lines) - 1, len(lines[-1])
