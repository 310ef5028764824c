"""Traversals of the IR shared by the compiler, the reference evaluator and the explainer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never

from eligibility.ir import nodes as ir


def child_conditions(cond: ir.Cond) -> tuple[ir.Cond, ...]:
    match cond:
        case ir.AllOf() | ir.AnyOf():
            return cond.children
        case ir.Not():
            return (cond.child,)
        case (
            ir.Compare()
            | ir.Test()
            | ir.Attested()
            | ir.Selected()
            | ir.Exists()
            | ir.Stated()
            | ir.InterpretationIs()
        ):
            return ()
        case _:
            assert_never(cond)


def walk_conditions(cond: ir.Cond) -> Iterator[ir.Cond]:
    """Pre-order: a node before its children, children in source order."""
    yield cond
    for child in child_conditions(cond):
        yield from walk_conditions(child)


def child_exprs(expr: ir.Expr) -> tuple[ir.Expr, ...]:
    match expr:
        case ir.Arith():
            return (expr.left, expr.right)
        case ir.SumOf():
            return (expr.expr,)
        case ir.IfThen():
            return (expr.then, expr.otherwise)
        case (
            ir.Const()
            | ir.FieldValue()
            | ir.ContextValue()
            | ir.YearOf()
            | ir.Count()
            | ir.Sum()
            | ir.StepRef()
            | ir.ApprovedAmount()
            | ir.AwardOf()
            | ir.CountDistinct()
            | ir.ItemCount()
        ):
            return ()  # ItemCount's `where` is a condition, not an expression
        case _:
            assert_never(expr)


def walk_expr(expr: ir.Expr) -> Iterator[ir.Expr]:
    yield expr
    for child in child_exprs(expr):
        yield from walk_expr(child)


def condition_exprs(cond: ir.Cond) -> tuple[ir.Expr, ...]:
    return (cond.left, cond.right) if isinstance(cond, ir.Compare) else ()


def programme_exprs(programme: ir.Programme) -> Iterator[ir.Expr]:
    """Every expression of a programme: in its conditions, then in its amount steps."""
    for cond in walk_conditions(programme.condition):
        for expr in condition_exprs(cond):
            yield from walk_expr(expr)
    if programme.amount:
        for step in programme.amount.steps:
            yield from walk_expr(step.expr)
        for cap in programme.amount.caps:
            yield from walk_expr(cap.limit)


def set_lineage(policy: ir.Policy, name: str) -> tuple[ir.RecordSet, ...]:
    """The set and its ancestors, root (the one reading the collection) first."""
    chain: list[ir.RecordSet] = []
    current: str | None = name
    while current is not None:
        record_set = policy.record_set(current)
        chain.append(record_set)
        current = record_set.parent
    return tuple(reversed(chain))


def facts_read(expr: ir.Expr) -> tuple[str, ...]:
    """The applicant facts an expression reads, by the names `missing` reports them under."""
    names: list[str] = []
    for node in walk_expr(expr):
        match node:
            case ir.FieldValue() | ir.YearOf() if node.field.scope == "applicant":
                names.append(node.field.path)
            case ir.ApprovedAmount():
                names.append(f"selection_result.{node.programme}.approved_amount")
    return tuple(dict.fromkeys(names))


def amount_sets(programme: ir.Programme) -> tuple[str, ...]:
    """The record sets a programme's amount counts or sums, in order of first use."""
    if programme.amount is None:
        return ()
    exprs = [e for step in programme.amount.steps for e in walk_expr(step.expr)]
    return tuple(dict.fromkeys(e.record_set for e in exprs if isinstance(e, ir.RecordAggregate)))
