"""JSON paths (`$.applicant.ip_contracts[1].registered_contract_amount`) and safe value display.

Everything an applicant wrote is data: keys and strings shown in a path or a message are quoted,
and every character that is not printable (controls, bidi overrides, lone surrogates) is escaped,
so a hostile value cannot forge lines or colours in the output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

Token = str | int

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\]')
_MAX_SHOWN = 80
_MAX_CACHED = 4096
_SEGMENTS: dict[str, str] = {}


def quote(text: str) -> str:
    """`text` in double quotes, with quotes, backslashes and non-printable characters escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def child(path: str, token: Token) -> str:
    """The path of member `token` of the value at `path`: `.key`, `[3]`, or `["odd key"]`."""
    if isinstance(token, int):
        return f"{path}[{token}]"
    segment = _SEGMENTS.get(token)
    if segment is None:
        segment = f".{token}" if _IDENT.fullmatch(token) else f"[{quote(token)}]"
        if len(_SEGMENTS) < _MAX_CACHED:
            _SEGMENTS[token] = segment
    return path + segment


def render(tokens: Sequence[Token]) -> str:
    """The JSON path of `tokens`, from the document root `$`."""
    path = "$"
    for token in tokens:
        path = child(path, token)
    return path


def sort_key(path: str) -> tuple[tuple[int, int, str], ...]:
    """Orders paths naturally: `[2]` before `[10]`, and a path before the paths inside it."""
    key: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(path, 1):
        name, index, quoted = match.groups()
        if index is not None:
            key.append((0, int(index), ""))
        else:
            key.append((1, 0, name if name is not None else quoted))
    return tuple(key)


def show(value: object) -> str:
    """A received value as the message shows it: JSON-like, escaped, cut short if long."""
    match value:
        case None:
            return "null"
        case bool():
            return "true" if value else "false"
        case int() | Decimal():
            text = str(value)
            return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"
        case str():
            return quote(value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…")
        case dict():
            return "an object"
        case list():
            return "a list"
    return str(value)
