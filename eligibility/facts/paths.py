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


# Characters that can change how a terminal shows the text around them, or hide text: the
# Unicode categories Cc (C0 controls, DEL, C1 controls with NEL U+0085 and CSI U+009B), Cf
# (format characters, among them the bidi embeddings, overrides and isolates U+202A-U+202E and
# U+2066-U+2069, and zero-width ones), Zl and Zp (U+2028, U+2029) and Cs (lone surrogates), as
# of Unicode 14. Written out rather than computed from unicodedata, which would cost ~0.3 s at
# start-up and vary with the Python version.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every control, format, line/paragraph separator or surrogate character
    written as an escape (ESC → `\\x1b`, U+202E → `\\u202e`), the rest unchanged: for text output,
    where an applicant's string must not move the cursor, clear the screen or reorder a line."""
    if _INVISIBLE.search(text) is None:
        return text
    return _INVISIBLE.sub(_escape, text)


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
