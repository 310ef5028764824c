"""Reading an applicant file's bytes as JSON, exactly: nothing is rounded, dropped or guessed.

Numbers with a fraction or exponent become Decimal (never float); a bare NaN / Infinity token is
kept as `NonFinite` so that it can be reported where it stands; an object that repeats a key
(which `json` would silently resolve to the last value) becomes a `RepeatedKeys` dict that
remembers which keys were repeated, so the reader can report V-DUP at that object's path.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

from eligibility.collector import pausing
from eligibility.facts.model import InputError
from eligibility.facts.paths import child, quote


class NonFinite:
    """A bare NaN / Infinity / -Infinity token from the JSON text, kept so it can be reported."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return self.token


class RepeatedKeys(dict):  # type: ignore[type-arg]
    """A JSON object in which some key was written more than once (JSON keeps the last)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    repeated = RepeatedKeys(obj)
    # One count of every key: linear, so an object of 100k keys is judged in milliseconds.
    counts = Counter(key for key, _ in pairs)
    repeated.repeated = tuple(sorted(key for key, count in counts.items() if count > 1))
    return repeated


def repeated_key_errors(obj: object, path: str) -> list[InputError]:
    """V-DUP for each key written twice in the object at `path` (none for other values)."""
    if not isinstance(obj, RepeatedKeys):
        return []
    return [
        InputError(
            "V-DUP",
            child(path, key),
            f"key {quote(key)} is written more than once in this object; keep one",
        )
        for key in obj.repeated
    ]


@pausing
def parse_json(data: bytes) -> object | InputError:
    """The JSON document in `data` (UTF-8, a BOM allowed), or V-JSON with line and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return InputError(
            "V-JSON",
            "$",
            f"not UTF-8 text: byte {data[error.start]:#04x} at line {line}, column {column}",
        )
    try:
        doc: object = json.loads(
            text, parse_float=Decimal, parse_constant=NonFinite, object_pairs_hook=_object
        )
        return doc
    except json.JSONDecodeError as error:
        return InputError(
            "V-JSON",
            "$",
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
        )
    except RecursionError:
        return InputError("V-JSON", "$", "not usable JSON: nested too deeply")
    except ValueError as error:  # e.g. an integer with more than 4300 digits
        return InputError("V-JSON", "$", f"not usable JSON: {error}")
