"""Quantities as legal text writes them (50万元, 3笔, 2%) → exact values with a dimension,
and the legal comparison words → operators (rule inventory §0.1, A-01)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, getcontext, localcontext

from eligibility.ir.nodes import CompareOp, Dim

MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
COUNTER_UNITS = frozenset({"笔", "次", "件", "人", "家", "项"})

# 以上/以下/以内/不少于/不低于/不超过 include the number; 超过/不满/低于 exclude it (民法典 1259).
COMPARISON_WORDS: dict[str, CompareOp] = {
    ">=": ">=", ">": ">", "<=": "<=", "<": "<", "=": "=", "!=": "!=",
    "不少于": ">=", "不低于": ">=", "达到": ">=", "以上": ">=",
    "不超过": "<=", "以下": "<=", "以内": "<=",
    "超过": ">", "低于": "<", "不满": "<", "等于": "=",
}  # fmt: skip

NEGATED: dict[CompareOp, CompareOp] = {
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "<": ">=",
    "=": "!=",
    "!=": "=",
}


def citation_prefix(document: str) -> str:
    """What every citation of a policy starts with: its document number and a space, or a
    title in 《》 with no space (渝知发〔2024〕22号 第九条（二） · 《…细则》第十九条)."""
    return document if document.endswith("》") else f"{document} "


def quantity_value(number: str, unit: str) -> tuple[Decimal | int, Dim] | str:
    """The exact value and dimension of a quantity, or a message saying why it is not one."""
    value = Decimal(number)
    if unit in MONEY_UNITS:
        return value * MONEY_UNITS[unit], Dim.MONEY
    if unit == "%":
        return value / 100, Dim.RATE
    if unit in COUNTER_UNITS or unit == "年":
        if value != value.to_integral_value():
            return f"a count in {unit} must be a whole number"
        return int(value), Dim.YEAR if unit == "年" else Dim.COUNT
    if value == value.to_integral_value():
        return int(value), Dim.NUMBER
    return value, Dim.NUMBER


_FEN = Decimal("0.01")


def to_fen(value: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """`value` to the fen. The default context keeps 28 digits, so quantizing 10^26 yuan or
    more would raise InvalidOperation; a local context holds every digit of the yuan."""
    value = Decimal(value)
    if value.adjusted() + 4 <= getcontext().prec:  # fits the context: no local one (~5 µs)
        return value.quantize(_FEN, rounding=rounding)
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + 4)
        return value.quantize(_FEN, rounding=rounding)


def format_money(value: Decimal) -> str:
    """Yuan with thousands separators and two decimals, as explanations show money. Rounded
    half up like the award itself (R3): format() alone would round half to even."""
    return f"{to_fen(value):,.2f}"


def format_exact(value: Decimal) -> str:
    """An intermediate amount as computed (R1: nothing is rounded before the end): two decimals
    when that is exact, else every digit, e.g. 3,200.005."""
    value = Decimal(value)
    fen = to_fen(value)
    if value == fen:
        return f"{fen:,.2f}"
    return f"{value.normalize():,f}"
