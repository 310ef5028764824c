"""The tagged representation of Datalog values in SQL (see `datalog.sql`): each logical column
has up to three typed slots and a value fills one. Constants, Python's equality and ordering,
and arithmetic and sums with Python's Decimal results, as sqlglot expressions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, assert_never

from sqlglot import exp

from eligibility.datalog.model import EngineError
from eligibility.datalog.program import Value

Slot = Literal["num", "s", "d"]
TEXT: frozenset[Slot] = frozenset({"s"})
ANY: frozenset[Slot] = frozenset({"num", "s", "d"})
SCALE = 10
NUMBER_TYPE = f"DECIMAL(38, {SCALE})"
T_BOOL, T_INT = 1000, 1001  # the tag of a num slot; below 1000 it is a Decimal's scale


@dataclass(frozen=True, slots=True)
class Tagged:
    """A value as SQL: one expression per slot it may fill (num: tag and number)."""

    t: exp.Expr | None = None
    n: exp.Expr | None = None
    s: exp.Expr | None = None
    d: exp.Expr | None = None

    @property
    def slots(self) -> frozenset[Slot]:
        found: set[Slot] = set()
        if self.n is not None:
            found.add("num")
        if self.s is not None:
            found.add("s")
        if self.d is not None:
            found.add("d")
        return frozenset(found)


TYPES = {kind: exp.DataType.build(kind) for kind in ("SMALLINT", NUMBER_TYPE, "VARCHAR", "DATE")}


def cast(value: exp.Expr, kind: str) -> exp.Cast:
    """sqlglot's own cast() parses the type name every time: a third of the planning time."""
    return exp.Cast(this=value, to=TYPES[kind].copy())


def constant(value: Value) -> Tagged:
    """A constant in the tagged representation (a tuple only appears on the right of `in`)."""
    match value:
        case bool():
            return Tagged(exp.Literal.number(T_BOOL), number(int(value)))
        case int():
            return Tagged(exp.Literal.number(T_INT), number(value))
        case Decimal():
            return Tagged(exp.Literal.number(decimal_scale(value)), number(value))
        case str():
            return Tagged(s=exp.Literal.string(value))
        case datetime.date():
            return Tagged(d=cast(exp.Literal.string(value.isoformat()), "DATE"))
        case tuple():
            raise EngineError(f"a tuple {value!r} outside `in`")
        case _:
            assert_never(value)


def decimal_scale(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise EngineError(f"{value} is not a finite amount")
    if -exponent > SCALE:
        raise EngineError(f"{value} has more than {SCALE} decimal places")
    return -exponent


def number(value: int | Decimal) -> exp.Expr:
    return cast(exp.Literal.string(str(value)), NUMBER_TYPE)


def equal(x: Tagged, y: Tagged) -> exp.Expr:
    """Python's equality on tagged values: the same slot filled with the same value."""
    if x.slots == y.slots == TEXT:
        assert x.s is not None and y.s is not None
        return exp.EQ(this=x.s, expression=y.s)
    terms: list[exp.Expr] = []
    for left, right in ((x.n, y.n), (x.s, y.s), (x.d, y.d)):
        if left is not None and right is not None:
            terms.append(exp.NullSafeEQ(this=left, expression=right))
        elif left is not None or right is not None:
            terms.append(exp.Is(this=left if left is not None else right, expression=exp.Null()))
    return exp.and_(*terms, copy=False) if terms else exp.true()


ORDER = {">=": exp.GTE, ">": exp.GT, "<=": exp.LTE, "<": exp.LT}


def compare(x: Tagged, op: str, y: Tagged | tuple[Value, ...]) -> exp.Expr:
    """x op y as Python compares (`in` and `not in` against a tuple of constants)."""
    if isinstance(y, tuple):
        inside = exp.or_(*(equal(fresh(x), constant(v)) for v in y), copy=False) if y else None
        found = inside if inside is not None else exp.false()
        if op == "in":
            return found
        if op == "not in":
            return exp.not_(exp.paren(found, copy=False), copy=False)
        raise EngineError(f"a tuple compared with {op}")
    if op == "==":
        return equal(x, y)
    if op == "!=":
        return exp.not_(exp.paren(equal(x, y), copy=False), copy=False)
    node = ORDER.get(op)
    if node is None:
        raise EngineError(f"`{op}` needs a tuple on its right")
    pairs = [
        (a, b) for a, b in ((x.n, y.n), (x.s, y.s), (x.d, y.d)) if a is not None and b is not None
    ]
    if not pairs:
        return exp.false()
    return exp.Coalesce(
        this=node(this=pairs[0][0], expression=pairs[0][1]),
        expressions=[*(node(this=a, expression=b) for a, b in pairs[1:]), exp.false()],
    )


def scale_of(value: Tagged) -> exp.Expr:
    assert value.t is not None
    return exp.If(
        this=exp.GTE(this=value.t.copy(), expression=exp.Literal.number(T_BOOL)),
        true=exp.Literal.number(0),
        false=value.t.copy(),
    )


def arithmetic(op: str, left: Tagged, right: Tagged) -> Tagged:
    """Z = left op right with Python's result: int op int an int, else a Decimal whose scale is
    the larger (+, −) or the sum (×) of the operands' (an int's is 0)."""
    if left.n is None or right.n is None or left.t is None or right.t is None:
        raise EngineError(f"arithmetic {op} on a value that cannot be a number")
    both_int = exp.and_(
        exp.GTE(this=left.t, expression=exp.Literal.number(T_BOOL)),
        exp.GTE(this=right.t, expression=exp.Literal.number(T_BOOL)),
    )
    if op == "*":
        scale: exp.Expr = exp.Add(this=scale_of(left), expression=scale_of(right))
        number: exp.Expr = exp.Mul(this=left.n, expression=right.n)
    elif op in ("+", "-"):
        scale = exp.Greatest(this=scale_of(left), expressions=[scale_of(right)])
        node = exp.Add if op == "+" else exp.Sub
        number = node(this=left.n, expression=right.n)
    else:
        raise EngineError(f"unknown operator {op}")
    tag = exp.If(this=both_int, true=exp.Literal.number(T_INT), false=scale)
    # the number stays as DuckDB computes it (a product has the sum of the scales) until it is
    # stored: a comparison in the same rule sees it unrounded
    return Tagged(cast(tag, "SMALLINT"), exp.paren(number, copy=False))


def fresh(value: Tagged) -> Tagged:
    """A copy for one more use: a sqlglot node belongs to one parent."""
    return Tagged(
        *(e.copy() if e is not None else None for e in (value.t, value.n, value.s, value.d))
    )


def sum_of(value: Tagged) -> Tagged:
    if value.n is None or value.t is None:
        raise EngineError("a sum over a value that cannot be a number")
    all_int = exp.GTE(this=exp.Min(this=value.t), expression=exp.Literal.number(T_BOOL))
    scale = exp.Greatest(this=exp.Literal.number(0), expressions=[exp.Max(this=scale_of(value))])
    tag = exp.If(this=all_int, true=exp.Literal.number(T_INT), false=scale)
    return Tagged(cast(tag, "SMALLINT"), cast(exp.Sum(this=value.n), NUMBER_TYPE))
