"""E0311: a condition that the declared types make never true, or (for an exclusion) always
true. An enum tested against every one of its values, a count or an amount compared below
zero, a bool excluded on both its values: such a rule never decides anything, and the
programme or record set around it does not do what its text says."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from eligibility.checks.conditions import (
    Placed,
    bound_verdict,
    field_spec,
    minimum,
    placed_conditions,
)
from eligibility.diagnostics import Diagnostic
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from eligibility.syntax import ast

_COUNTS = (ir.Count, ir.CountDistinct, ir.ItemCount, ir.Sum)
_FLIPPED: dict[ir.CompareOp, ir.CompareOp] = {
    ">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "=", "!=": "!=",
}  # fmt: skip


def check(tree: ast.PolicyFile, policy: ir.Policy) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for placed in placed_conditions(policy):
        for cond in walk_conditions(placed.cond):
            verdict, why = condition_verdict(cond, placed.collection)
            root = cond is placed.cond
            if verdict is False:
                found.append(_diagnostic(cond, "can never be true", why, placed))
            elif verdict is True and root and placed.role == "excluded":
                found.append(_diagnostic(cond, "is always true", why, placed))
    found += _both_values_excluded(policy)
    return found


def _diagnostic(cond: ir.Cond, sense: str, why: str, placed: Placed) -> Diagnostic:
    what = {
        "excluded": "this exclusion",
        "filter": "this filter",
        "requires": "this condition",
        "gate": "this condition",
    }[placed.role]
    effect = {
        ("excluded", "can never be true"): "it never excludes anyone",
        ("excluded", "is always true"): "it excludes every applicant who states the fact",
        ("filter", "can never be true"): "the record set is always empty",
    }.get((placed.role, sense), "the programme can never qualify")
    return Diagnostic(
        "E0311",
        f"{what} {sense}: {effect}",
        cond.meta.span,
        "never true" if sense == "can never be true" else "always true",
        (why,),
        "check the values and the comparison word against the document's text",
    )


def condition_verdict(cond: ir.Cond, collection: str | None) -> tuple[bool | None, str]:
    """Whether the declared types make `cond` always true (when its fact is stated), never
    true, or neither (None); and why."""
    match cond:
        case ir.Test(test=ir.OneOf() as one_of) if cond.quantifier == "one":
            spec = field_spec(cond.field, collection)
            if spec is None or not spec.enum_values:
                return None, ""
            if set(spec.enum_values) <= set(one_of.values):
                why = f"`{cond.field.path}` has no value outside {{{', '.join(one_of.values)}}}"
                return (not one_of.negated), why
            return None, ""
        case ir.Test(test=ir.ComparesWith() as compares) if cond.quantifier == "one":
            least = minimum(field_spec(cond.field, collection))
            if least is None or not isinstance(compares.value, Decimal | int):
                return None, ""
            verdict = bound_verdict(compares.op, Decimal(compares.value), least)
            return verdict, f"`{cond.field.path}` is never below {least.normalize():f}"
        case ir.Compare():
            return _aggregate_verdict(cond)
    return None, ""


def _aggregate_verdict(cond: ir.Compare) -> tuple[bool | None, str]:
    """A count or a sum of amounts is never below zero."""
    op, left, right = cond.op, cond.left, cond.right
    if isinstance(left, ir.Const) and isinstance(right, _COUNTS):
        op, left, right = _FLIPPED[op], right, left
    if not (isinstance(left, _COUNTS) and isinstance(right, ir.Const)):
        return None, ""
    if not isinstance(right.value, Decimal | int) or isinstance(right.value, bool):
        return None, ""
    verdict = bound_verdict(op, Decimal(right.value), Decimal(0))
    kind = "an amount summed" if isinstance(left, ir.Sum) else "a count"
    return verdict, f"{kind} is never below 0"


def _both_values_excluded(policy: ir.Policy) -> Iterator[Diagnostic]:
    """`excluded when x is true` and `excluded when x is false` in one programme: every
    applicant who states x is excluded."""
    for placed_by_programme in _exclusions_by_programme(policy).values():
        seen: dict[str, ir.Test] = {}
        for cond in placed_by_programme:
            if not (isinstance(cond, ir.Test) and isinstance(cond.test, ir.IsBool)):
                continue
            if cond.quantifier != "one":
                continue
            other = seen.get(cond.field.path)
            if (
                other is not None
                and isinstance(other.test, ir.IsBool)
                and other.test.expected != cond.test.expected
            ):
                yield Diagnostic(
                        "E0311",
                        f"`{cond.field.path}` is excluded on both its values: the programme "
                        "can never qualify",
                        cond.meta.span,
                        "the other value",
                        (f"line {other.meta.span.line} excludes `{other.field.path} is "
                         f"{str(other.test.expected).lower()}`",),
                        "one of the two exclusions has its sense inverted: keep the one the "
                        "document states",
                    )  # fmt: skip
            seen[cond.field.path] = cond


def _exclusions_by_programme(policy: ir.Policy) -> dict[str, list[ir.Cond]]:
    out: dict[str, list[ir.Cond]] = {}
    for placed in placed_conditions(policy):
        if placed.role == "excluded":
            out.setdefault(placed.owner, []).append(placed.cond)
    return out
