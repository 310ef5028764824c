"""Turning one JSON scalar into a typed fact value, or into the InputError that explains why not.

One function per field kind. The published schema expresses the same rules as patterns; these
functions give each violation its rule-inventory §9 code and a message that says what was
received and what is allowed. Money becomes Decimal (never float), dates datetime.date, counts
int (never bool).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

from eligibility.facts.jsontext import NonFinite
from eligibility.facts.limits import MAX_COUNT, MAX_MONEY_DIGITS, MAX_STRING_CHARS, V_LIMIT
from eligibility.facts.model import FactValue, InputError
from eligibility.facts.paths import show
from eligibility.facts.vocabulary import FieldKind, FieldSpec

MONEY_PATTERN = rf"^[0-9]{{1,{MAX_MONEY_DIGITS}}}(\.[0-9]{{1,2}})?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PROVINCE_PREFIXES = (
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
)
REGION_PATTERN = r"^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])[0-9]{4}$"
PROVINCE_RANGES = "11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82"

_MONEY_RE = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_SIGNED_DECIMAL_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REGION_RE = re.compile(r"[0-9]{6}")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_UNIT_RE = re.compile(r"[万亿元圆块角分¥￥]|yuan|rmb|cny", re.IGNORECASE)
NULL_MESSAGE = "null is not allowed: leave the field out when its value is unknown"


Outcome = FactValue | InputError


def _shown(value: object) -> str:
    return value.token if isinstance(value, NonFinite) else show(value)


def _bool(spec: FieldSpec, value: object, path: str) -> Outcome:
    if isinstance(value, bool):
        return value
    return InputError("V-TYPE", path, f"expected true or false: got {_shown(value)}")


def _string(spec: FieldSpec, value: object, path: str) -> Outcome:
    if not isinstance(value, str):
        return InputError("V-TYPE", path, f"expected a string: got {_shown(value)}")
    if not value:
        return InputError("V-TYPE", path, 'expected a non-empty string: got ""')
    if len(value) > MAX_STRING_CHARS:
        return InputError(
            V_LIMIT,
            path,
            f"text may have at most {MAX_STRING_CHARS:,} characters: got {len(value):,}",
        )
    if _SURROGATE_RE.search(value):
        return InputError("V-TYPE", path, f"text contains an unpaired surrogate: got {show(value)}")
    return value


def _enum(spec: FieldSpec, value: object, path: str) -> Outcome:
    if isinstance(value, str) and value in spec.enum_values:
        return value
    allowed = ", ".join(spec.enum_values)
    return InputError(
        "V-ENUM", path, f"{_shown(value)} is not allowed: allowed values are {allowed}"
    )


def _integer(spec: FieldSpec, value: object, path: str) -> Outcome:
    what = "a year" if spec.kind is FieldKind.YEAR else "a whole number"
    if not isinstance(value, int) or isinstance(value, bool):
        return InputError("V-INT", path, f"expected {what}: got {_shown(value)}")
    if value < 0:
        return InputError("V-INT", path, f"expected {what}, 0 or more: got {show(value)}")
    if value > MAX_COUNT:
        return InputError(V_LIMIT, path, f"expected {what} below 10^15: got {show(value)}")
    low, high = spec.minimum, spec.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        return InputError("V-RANGE", path, f"expected {what} {bounds}: got {value}")
    return value


def _money(spec: FieldSpec, value: object, path: str) -> Outcome:
    if isinstance(value, str):
        return _money_text(value, path)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        if value < 0:
            return InputError("V-MONEY-NEG", path, f"money must not be negative: got {value}")
        example = f'"{value}"' if _MONEY_RE.fullmatch(str(value)) else '"250000.00"'
        return InputError(
            "V-MONEY-FMT",
            path,
            f"write money as a string such as {example}: got the number {value}",
        )
    if isinstance(value, NonFinite):
        return InputError("V-MONEY-FMT", path, f"{value.token} is not a finite amount of money")
    return InputError(
        "V-TYPE", path, f'expected money as a string such as "250000.00": got {show(value)}'
    )


def _money_text(text: str, path: str) -> Outcome:
    if _MONEY_RE.fullmatch(text):
        if len(text.partition(".")[0]) > MAX_MONEY_DIGITS:
            return InputError(
                V_LIMIT,
                path,
                f"{show(text)} is too large: money is at most {MAX_MONEY_DIGITS} digits of yuan "
                "(below 10^15 yuan)",
            )
        return Decimal(text)
    shown = show(text)
    if _SIGNED_DECIMAL_RE.fullmatch(text):
        if Decimal(text) < 0:
            return InputError("V-MONEY-NEG", path, f"money must not be negative: got {shown}")
        if text.startswith("-"):
            return InputError("V-MONEY-FMT", path, f'{shown} is not a money amount: write "0.00"')
        return InputError(
            "V-MONEY-FMT",
            path,
            f"{shown} has more than 2 decimal places: money is yuan to the fen (0.01)",
        )
    advice = (
        'write yuan as a decimal string such as "500000.00"'
        if _UNIT_RE.search(text)
        else 'write yuan as digits with at most 2 decimals, e.g. "250000.00"'
    )
    return InputError("V-MONEY-FMT", path, f"{shown} is not a money amount: {advice}")


def _date(spec: FieldSpec, value: object, path: str) -> Outcome:
    if not isinstance(value, str):
        return InputError(
            "V-DATE", path, f'expected a date string "YYYY-MM-DD": got {_shown(value)}'
        )
    if not _DATE_RE.fullmatch(value):
        return InputError(
            "V-DATE", path, f'{show(value)} is not an ISO date: write YYYY-MM-DD, e.g. "2024-06-01"'
        )
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return InputError("V-DATE", path, f"{value} is not a calendar date")


def _region(spec: FieldSpec, value: object, path: str) -> Outcome:
    if not isinstance(value, str) or not _REGION_RE.fullmatch(value):
        return InputError(
            "V-REGION",
            path,
            f"{_shown(value)} is not a region code: write the 6-digit "
            'GB/T 2260 code as a string, e.g. "500112"',
        )
    if value[:2] not in PROVINCE_PREFIXES:
        return InputError(
            "V-REGION",
            path,
            f'"{value}" is not a GB/T 2260 region code: it must start with a '
            f"province code ({PROVINCE_RANGES})",
        )
    return value


_CONVERTERS: dict[FieldKind, Callable[[FieldSpec, object, str], Outcome]] = {
    FieldKind.BOOL: _bool,
    FieldKind.STRING: _string,
    FieldKind.ENUM: _enum,
    FieldKind.INT: _integer,
    FieldKind.YEAR: _integer,
    FieldKind.MONEY: _money,
    FieldKind.DATE: _date,
    FieldKind.REGION: _region,
}

_EXPECTED = {
    FieldKind.BOOL: "true or false",
    FieldKind.STRING: "a string",
    FieldKind.ENUM: "a string",
    FieldKind.INT: "a whole number",
    FieldKind.YEAR: "a year",
    FieldKind.MONEY: "a money string",
    FieldKind.DATE: "a date string",
    FieldKind.REGION: "a region code string",
}


def convert(spec: FieldSpec, value: object, path: str) -> Outcome:
    """The typed value of one scalar of `spec` (one element, for a many-valued field)."""
    if value is None:
        return InputError("V-TYPE", path, NULL_MESSAGE)
    if isinstance(value, (dict, list)):
        return InputError("V-TYPE", path, f"expected {_EXPECTED[spec.kind]}: got {show(value)}")
    return _CONVERTERS[spec.kind](spec, value, path)


def container_error(expected: str, value: object, path: str) -> InputError:
    """A list or object was expected and something else came."""
    if value is None:
        return InputError("V-TYPE", path, NULL_MESSAGE)
    return InputError("V-TYPE", path, f"expected {expected}: got {_shown(value)}")


def kind_code(kind: FieldKind) -> str:
    """The error code for a value of `kind` that breaks its format."""
    return _FORMAT_CODES.get(kind, "V-TYPE")


_FORMAT_CODES = {
    FieldKind.MONEY: "V-MONEY-FMT",
    FieldKind.DATE: "V-DATE",
    FieldKind.REGION: "V-REGION",
    FieldKind.ENUM: "V-ENUM",
    FieldKind.INT: "V-INT",
    FieldKind.YEAR: "V-INT",
}
