"""How values read in an explanation: money in yuan to the fen with separators, counts with
their counter word (笔, 次), rates as percentages, lists in brackets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from eligibility.ir import nodes as ir
from eligibility.ir.quantities import format_money

SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "!=": "≠"}


_WHOLE = (ir.Dim.COUNT, ir.Dim.YEAR)
_NUMERIC = (ir.Dim.MONEY, ir.Dim.RATE, ir.Dim.COUNT, ir.Dim.YEAR, ir.Dim.NUMBER)


def show_value(value: Any, dim: ir.Dim | None = None, unit: str = "") -> str:
    # pyDatalog may answer a value equal to the one computed but of another type (0 + 0 came
    # back as Decimal('0.0'), and False == 0): a number is shown by its dimension, not its type
    if dim in _NUMERIC and isinstance(value, bool):
        value = int(value)
    if dim in _WHOLE and isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    match value:
        case bool():
            return "true" if value else "false"
        case Decimal() if dim is ir.Dim.RATE:
            return f"{(value * 100).normalize():f}%"
        case Decimal() | int() if dim is ir.Dim.MONEY:
            return f"{format_money(Decimal(value))} 元"
        case int() if unit:
            return f"{value} {unit}"
        case datetime.date():
            return value.isoformat()
        case _:
            return str(value)


def show_values(values: list[Any]) -> str:
    return "[" + ", ".join(show_value(v) for v in values) + "]"


def show_const(const: ir.Const, unit_hint: str = "") -> str:
    shown = show_value(const.value, const.dim, const.unit or unit_hint)
    if const.dim is ir.Dim.MONEY and const.unit != "元":
        return f"{shown}（{const.text}）"
    return shown
