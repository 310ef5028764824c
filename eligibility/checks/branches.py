"""W0405, a branch that can never be taken, and W0406, two branches of an amount that both
apply to one case and give different amounts.

- W0405: a branch of an `any` the same as an earlier one (it never decides anything); an
  exclusion the same as a requirement of its programme (the programme can never qualify); an
  `if` whose condition the declared types settle (the other branch is dead); an `if` nested in
  the `else` of another that tests a case the outer one already took.
- W0406: `if c1 then a else if c2 then b …` where some value meets both c1 and c2 and a differs
  from b: the order of the branches silently decides, and the document rarely says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eligibility.checks.conditions import placed_conditions
from eligibility.checks.constant import condition_verdict
from eligibility.diagnostics import Diagnostic
from eligibility.ir import nodes as ir
from eligibility.ir.walk import programme_exprs, walk_conditions, walk_expr
from eligibility.syntax import ast


def shape(cond: ir.Cond) -> Any:
    """What a condition tests, without its id, label, citation or place: two conditions with
    one shape hold for the same applicants. None when this module does not compare it."""
    match cond:
        case ir.AllOf() | ir.AnyOf():
            children = tuple(shape(c) for c in cond.children)
            return None if None in children else (type(cond).__name__, children)
        case ir.Not():
            inner = shape(cond.child)
            return None if inner is None else ("not", inner)
        case ir.Test():
            return ("test", cond.field.path, cond.field.scope, cond.quantifier, _test(cond.test))
        case ir.Attested():
            return ("attested", cond.criterion, cond.scope)
        case ir.Exists():
            return ("exists", cond.record_set)
        case ir.Stated():
            return ("stated", cond.field.path, cond.field.scope)
        case ir.InterpretationIs():
            return ("interpretation", cond.name, cond.value)
        case ir.Selected():
            return ("selected", cond.programme)
    return None


def _test(test: ir.ValueTest) -> Any:
    if isinstance(test, ir.OneOf):
        return ("one_of", frozenset(test.values), test.negated)
    return test


def check(tree: ast.PolicyFile, policy: ir.Policy) -> list[Diagnostic]:
    found = list(_repeated_any_branches(policy))
    found += _exclusion_equals_requirement(policy)
    collections = {s.name: s.collection for s in policy.record_sets}
    for programme in policy.programmes:
        for expr in programme_exprs(programme):
            if isinstance(expr, ir.SumOf):
                for inner in walk_expr(expr.expr):
                    if isinstance(inner, ir.IfThen):
                        found += _if_branches(inner, collections.get(expr.record_set))
            elif isinstance(expr, ir.IfThen):
                found += _if_branches(expr, None)
    return found


def _repeated_any_branches(policy: ir.Policy) -> Iterator[Diagnostic]:
    for placed in placed_conditions(policy):
        for cond in walk_conditions(placed.cond):
            if not isinstance(cond, ir.AnyOf):
                continue
            seen: dict[Any, ir.Cond] = {}
            for child in cond.children:
                key = shape(child)
                if key is None:
                    continue
                if key in seen:
                    yield Diagnostic(
                        "W0405",
                        "this branch of `any` is the same as an earlier one: it never decides",
                        child.meta.span,
                        "unreachable",
                        (f"the same as line {seen[key].meta.span.line}",),
                        "delete it, or write the case the document meant",
                    )
                seen.setdefault(key, child)


def _exclusion_equals_requirement(policy: ir.Policy) -> Iterator[Diagnostic]:
    required: dict[tuple[str, Any], ir.Cond] = {}
    for placed in placed_conditions(policy):
        key = shape(placed.cond)
        if key is None:
            continue
        if placed.role == "requires":
            required[placed.owner, key] = placed.cond
        elif placed.role == "excluded" and (placed.owner, key) in required:
            yield Diagnostic(
                "W0405",
                "this exclusion is the same as a requirement: the programme can never qualify",
                placed.cond.meta.span,
                "excludes whoever meets the requirement",
                (f"the requirement is on line {required[placed.owner, key].meta.span.line}",),
                "one of the two has its sense inverted: keep the one the document states",
            )


def _if_branches(expr: ir.IfThen, collection: str | None) -> Iterator[Diagnostic]:
    verdict, why = condition_verdict(expr.condition, collection)
    if verdict is not None:
        dead = "else" if verdict else "then"
        yield Diagnostic(
            "W0405",
            f"this `if` is always {str(verdict).lower()}: its `{dead}` branch is never taken",
            expr.condition.meta.span,
            "settled by the declared types",
            (why,),
            "test what the document distinguishes, or write the amount without `if`",
        )
    inner = expr.otherwise
    if not isinstance(inner, ir.IfThen):
        return
    outer_values, inner_values = _one_of(expr.condition), _one_of(inner.condition)
    same = shape(expr.condition) is not None and shape(expr.condition) == shape(inner.condition)
    if same or (outer_values and inner_values and inner_values[1] <= outer_values[1]
                and inner_values[0] == outer_values[0]):  # fmt: skip
        yield Diagnostic(
            "W0405",
            "this `if` tests only cases the `if` before it already took: its `then` is never taken",
            inner.condition.meta.span,
            "unreachable",
            (f"the earlier test is on line {expr.condition.meta.span.line}",),
            "test a case the earlier branch leaves, or delete the branch",
        )
    elif outer_values and inner_values and outer_values[0] == inner_values[0]:
        both = outer_values[1] & inner_values[1]
        if both and shape_of_expr(expr.then) != shape_of_expr(inner.then):
            yield Diagnostic(
                "W0406",
                f"{_listed(both)} {'meets' if len(both) == 1 else 'meet'} both branches, "
                "which give different amounts",
                inner.condition.meta.span,
                "overlaps the branch before",
                (f"the earlier branch is on line {expr.condition.meta.span.line}; "
                 "the first branch that holds decides",),
                "make the branches disjoint, so that the text alone says which amount applies",
            )  # fmt: skip


def _one_of(cond: ir.Cond) -> tuple[str, frozenset[str]] | None:
    """(field, the values it is tested to be among) for a plain `field in {…}`."""
    if (
        isinstance(cond, ir.Test)
        and isinstance(cond.test, ir.OneOf)
        and not cond.test.negated
        and cond.quantifier == "one"
    ):
        return cond.field.path, frozenset(cond.test.values)
    return None


def shape_of_expr(expr: ir.Expr) -> Any:
    """An expression without its ids, to compare two branches' amounts."""
    parts: list[Any] = []
    for node in walk_expr(expr):
        values = tuple(
            getattr(node, name)
            for name in getattr(type(node), "__slots__", ())
            if name not in ("expr_id", "left", "right", "then", "otherwise", "expr", "where")
        )
        parts.append((type(node).__name__, values))
    return tuple(parts)


def _listed(values: frozenset[str]) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values))
