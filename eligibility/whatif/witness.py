"""A record that passes every filter of a record set (and of the sets it is drawn from): the
record a proposal "add k records to this set" adds, built from the filters themselves.

A witness is a mapping field → values (dotted names as the reader flattens them: "items.ip_type",
"transferor.registered_region"); a field mapped to `()` must stay absent (a `stated` test that
must fail). None when the filters cannot be met by a new record: a reading not in force, a test
against the applicant's other records or facts, a date computed from another.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, assert_never

from eligibility.facts import vocabulary
from eligibility.facts.vocabulary import FieldKind
from eligibility.ir import nodes as ir
from eligibility.ir.walk import set_lineage

Witness = dict[str, tuple[Any, ...]]
NEGATE: dict[str, ir.CompareOp] = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "=": "!=", "!=": "="}
FLIP: dict[str, ir.CompareOp] = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "=", "!=": "!="}
ONE_DAY = datetime.timedelta(days=1)


class Context:
    """What a witness may read besides its own fields: the readings in force and the dates."""

    def __init__(self, readings: Mapping[str, str], as_of: datetime.date, year: int) -> None:
        self.readings, self.as_of, self.year = readings, as_of, year


def witness(policy: ir.Policy, set_name: str, context: Context) -> Witness | None:
    """Fields for a new record of `set_name`'s collection that pass all its lineage's filters:
    the first solution of a search that backtracks over the branches of `any`."""
    lineage = set_lineage(policy, set_name)
    collection = lineage[0].collection
    filters = tuple(f for s in lineage for f in s.filters)
    for found in _all(filters, True, {}, collection, context):
        return {
            path: ((default_value(_kind(collection, path), _enum_values(collection, path), context),)
                   if values == _STATED else values)
            for path, values in found.items()
        }  # fmt: skip
    return None


_STATED: tuple[Any, ...] = ("<stated>",)  # stated, any value: one a later filter asks for wins


def _kind(collection: str, path: str) -> str:
    spec = vocabulary.record_field(collection, path)
    return spec.kind if spec is not None else FieldKind.STRING


def default_value(kind: str, enum_values: tuple[str, ...], context: Context) -> Any:
    """Some value of a field's kind, for a fact that need only be stated."""
    match FieldKind(kind):
        case FieldKind.BOOL:
            return True
        case FieldKind.INT:
            return 1
        case FieldKind.MONEY:
            return Decimal("1.00")
        case FieldKind.DATE:
            return context.as_of
        case FieldKind.YEAR:
            return context.year
        case FieldKind.REGION:
            return "110000"
        case FieldKind.ENUM:
            return enum_values[0] if enum_values else "other"
        case FieldKind.STRING:
            return "W"
        case _ as never:
            assert_never(never)


def boundary(op: str, bound: Any, kind: str) -> Any | None:
    """The value nearest `bound` that stands in relation `op` to it (None for `!=`)."""
    step: Any
    if isinstance(bound, datetime.date):
        step = ONE_DAY
    elif isinstance(bound, Decimal) or kind == FieldKind.MONEY:
        step = Decimal("0.01")
    else:
        step = 1
    match op:
        case ">=" | "<=" | "=":
            return bound
        case ">":
            return bound + step
        case "<":
            return bound - step
    return None


def _enum_values(collection: str, path: str) -> tuple[str, ...]:
    spec = vocabulary.record_field(collection, path)
    return spec.enum_values if spec is not None else ()


def _put(out: Witness, path: str, values: tuple[Any, ...]) -> Witness | None:
    """`out` with the field set, unless it is already set otherwise (the filters disagree)."""
    seen = out.get(path)
    if seen is not None and seen != values and not (seen == _STATED and values):
        return None
    return {**out, path: values}


def _all(
    conds: tuple[ir.Cond, ...], want: bool, out: Witness, collection: str, context: Context
) -> Iterator[Witness]:
    """Every extension of `out` meeting each condition in turn (all hold, or all fail)."""
    if not conds:
        yield out
        return
    for first in _meet(conds[0], want, out, collection, context):
        yield from _all(conds[1:], want, first, collection, context)


def _meet(
    cond: ir.Cond, want: bool, out: Witness, collection: str, context: Context
) -> Iterator[Witness]:
    """The extensions of `out` on which `cond` holds (`want`) or fails."""
    found: Witness | None = None
    match cond:
        case ir.AllOf() | ir.AnyOf():
            if isinstance(cond, ir.AllOf) == want:  # every child must hold, or every one fail
                yield from _all(cond.children, want, out, collection, context)
            else:
                for child in cond.children:
                    yield from _meet(child, want, out, collection, context)
            return
        case ir.Not():
            yield from _meet(cond.child, not want, out, collection, context)
            return
        case ir.Test():
            found = _test(cond, want, out, collection)
        case ir.Compare():
            found = _compare(cond, want, out, context)
        case ir.Stated():
            if cond.field.scope == "record":
                found = _put(out, cond.field.path, _STATED if want else ())
        case ir.Attested():
            if cond.scope != "applicant":
                found = _put(out, f"{vocabulary.ATTESTATIONS}.{cond.criterion}", (want,))
        case ir.InterpretationIs():
            found = out if (context.readings.get(cond.name) == cond.value) == want else None
        case ir.Selected() | ir.Exists():
            found = None
        case _:
            assert_never(cond)
    if found is not None:
        yield found


def _test(cond: ir.Test, want: bool, out: Witness, collection: str) -> Witness | None:
    if cond.field.scope != "record":
        return None
    test = cond.test
    match test:
        case ir.OneOf():
            inside = want != test.negated
            choices = (
                test.values
                if inside
                else tuple(
                    v for v in _enum_values(collection, cond.field.path) if v not in test.values
                )
            )
            current = out.get(cond.field.path)
            if current is not None and current != _STATED:
                fits = bool(current) and all((v in test.values) == inside for v in current)
                return out if fits else None
            return _put(out, cond.field.path, choices[:1]) if choices else None
        case ir.IsBool():
            return _put(out, cond.field.path, (test.expected == want,))
        case ir.WithinRegion():
            return _put(out, cond.field.path, (test.region,)) if want else None
        case ir.ComparesWith():
            value = boundary(test.op if want else NEGATE[test.op], test.value, cond.field.kind)
            return None if value is None else _put(out, cond.field.path, (value,))
        case ir.InCollection():
            return None
        case _:
            assert_never(test)


def _compare(cond: ir.Compare, want: bool, out: Witness, context: Context) -> Witness | None:
    left, op, right = cond.left, cond.op, cond.right
    if not isinstance(left, ir.FieldValue | ir.YearOf):
        left, right, op = right, left, FLIP[op]
    if not want:
        op = NEGATE[op]
    bound = _constant(right, context)
    if bound is None or not isinstance(left, ir.FieldValue | ir.YearOf):
        return None
    if left.field.scope != "record":
        return None
    value = boundary(op, bound, left.field.kind)
    if value is None:
        return None
    if isinstance(left, ir.YearOf):
        if not isinstance(value, int):
            return None
        value = datetime.date(value, 6, 30)
    return _put(out, left.field.path, (value,))


def _constant(expr: ir.Expr, context: Context) -> Any | None:
    match expr:
        case ir.Const():
            return expr.value
        case ir.ContextValue():
            return context.as_of if expr.name == "as_of" else context.year
    return None
