"""W0401: a number in a label that disagrees with the value beside it. The label is the
document's own words ("给予5万元一次性奖励"); when it names an amount, a rate or a count and
the rule's value names none of the same kind that is equal (`= 50万元`), one of them is wrong."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from eligibility.checks.conditions import placed_conditions
from eligibility.diagnostics import Diagnostic
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import COUNTER_UNITS, MONEY_UNITS
from eligibility.ir.walk import walk_conditions, walk_expr
from eligibility.span import Span
from eligibility.syntax import ast

_QUANTITY = re.compile(
    r"([0-9]+(?:\.[0-9]+)?)\s*(亿元|万元|元|%|％|" + "|".join(COUNTER_UNITS) + ")"
)


def label_quantities(label: str) -> dict[ir.Dim, dict[Decimal, str]]:
    """The amounts, rates and counts a label names, by dimension: value → as written."""
    found: dict[ir.Dim, dict[Decimal, str]] = {}
    for match in _QUANTITY.finditer(label):
        number, unit = Decimal(match.group(1)), match.group(2)
        if unit in MONEY_UNITS:
            dim, value = ir.Dim.MONEY, number * MONEY_UNITS[unit]
        elif unit in {"%", "％"}:
            dim, value = ir.Dim.RATE, number / 100
        else:
            dim, value = ir.Dim.COUNT, number
        found.setdefault(dim, {})[value.normalize()] = match.group(0)
    return found


def _constants(exprs: Iterator[ir.Expr]) -> dict[ir.Dim, dict[Decimal, str]]:
    found: dict[ir.Dim, dict[Decimal, str]] = {}
    for expr in exprs:
        for node in walk_expr(expr):
            if (
                isinstance(node, ir.Const)
                and node.dim in (ir.Dim.MONEY, ir.Dim.RATE, ir.Dim.COUNT)
                and isinstance(node.value, Decimal | int)
                and not isinstance(node.value, bool)
            ):
                found.setdefault(node.dim, {})[Decimal(node.value).normalize()] = node.text
    return found


def _disagreement(label: str, exprs: Iterator[ir.Expr], span: Span) -> Diagnostic | None:
    said, written = label_quantities(label), _constants(exprs)
    for dim, in_label in said.items():
        values = written.get(dim, {})
        if values and not set(in_label) & set(values):
            label_text = "、".join(in_label.values())
            value_text = "、".join(values.values())
            return Diagnostic(
                "W0401",
                f"the label says {label_text}, the value is {value_text}",
                span,
                f"the value is {value_text}",
                (f'label: "{label}"',),
                "correct the value or the label, whichever disagrees with the document",
            )
    return None


def check(tree: ast.PolicyFile, policy: ir.Policy) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for programme in policy.programmes:
        if programme.amount is None:
            continue
        for step in programme.amount.steps:
            if step.label != step.name:
                found += _one(_disagreement(step.label, walk_expr(step.expr), step.span))
        for cap in programme.amount.caps:
            found += _one(_disagreement(cap.label, walk_expr(cap.limit), cap.span))
    for placed in placed_conditions(policy):
        for cond in walk_conditions(placed.cond):
            match cond:
                case ir.Compare():
                    exprs = iter((cond.left, cond.right))
                case ir.Test(test=ir.ComparesWith() as test) if isinstance(
                    test.value, Decimal | int
                ):
                    exprs = iter(())
                    found += _one(_test_disagreement(cond, test))
                    continue
                case _:
                    continue
            found += _one(_disagreement(cond.meta.label, exprs, cond.meta.span))
    return found


def _test_disagreement(cond: ir.Test, test: ir.ComparesWith) -> Diagnostic | None:
    unit = cond.field.unit
    dim = {"money": ir.Dim.MONEY}.get(cond.field.kind, ir.Dim.COUNT if unit else ir.Dim.NUMBER)
    const = ir.Const("", test.value, dim, test.text, unit)
    return _disagreement(cond.meta.label, iter((const,)), cond.meta.span)


def _one(diagnostic: Diagnostic | None) -> list[Diagnostic]:
    return [diagnostic] if diagnostic else []
