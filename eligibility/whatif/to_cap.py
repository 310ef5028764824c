"""For an award below its programme's cap: how much more of one summed input reaches the cap
("for an amount, what would raise it to the next cap", issue #11 item 3).

The award's steps are read as a linear function of the sums they add up (`40% × sum(a.x) +
20% × sum(b.y)`, then `× 2%`): each sum's coefficient is exact, so the input an award lacks is
(cap − award) ÷ coefficient, rounded up to the fen. An award that is not linear in its sums
(min, max, if, per-record formulas, counts, facts) gets no such figure.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

from eligibility.datalog.model import Model
from eligibility.decision.proof import Change
from eligibility.facts.model import ApplicantFacts
from eligibility.ir import nodes as ir
from eligibility.whatif.witness import Context, witness

FEN = Decimal("0.01")
Linear = dict[tuple[str, str], Decimal]  # (record set, summed field) → coefficient


def to_cap(
    policy: ir.Policy,
    programme: ir.Programme,
    model: Model,
    applicant: ApplicantFacts,
    readings: dict[str, str],
) -> tuple[Change, ...]:
    """One `raise` per summed input a new record can feed: what brings the award to its
    smallest constant cap; () when the award reaches it already or is not linear."""
    amount = programme.amount
    if amount is None or not amount.steps:
        return ()
    caps = [
        (Decimal(c.limit.value), c)
        for c in amount.caps
        if isinstance(c.limit, ir.Const) and isinstance(c.limit.value, int | Decimal)
    ]
    award = model.values.get(amount.steps[-1].expr.expr_id)
    if not caps or not isinstance(award, Decimal):
        return ()
    limit, cap = min(caps, key=lambda pair: pair[0])
    if award >= limit:
        return ()
    steps = {s.name: s for s in amount.steps}
    found = _linear(amount.steps[-1].expr, steps)
    if found is None:
        return ()
    ctx = applicant.context
    context = Context(readings, ctx.as_of, ctx.assessment_year)
    out = []
    for (set_name, field), coefficient in found[0].items():
        if coefficient <= 0 or witness(policy, set_name, context) is None:
            continue
        need = ((limit - award) / coefficient).quantize(FEN, rounding=ROUND_CEILING)
        record_set = policy.record_set(set_name)
        out.append(
            Change(
                "raise",
                field,
                (),
                need,
                limit,
                set_name,
                record_set.label,
                "元",
                False,
                cap.label,
                cap.citation,
                cap.cap_id,
            )
        )
    return tuple(out)


def _linear(expr: ir.Expr, steps: dict[str, ir.AmountStep]) -> tuple[Linear, Decimal] | None:
    """(coefficients, constant) of an expression linear in its sums; None otherwise."""
    match expr:
        case ir.Const():
            value: Any = expr.value
            return ({}, Decimal(value)) if isinstance(value, int | Decimal) else None
        case ir.Sum():
            return {(expr.record_set, expr.field.path): Decimal(1)}, Decimal(0)
        case ir.StepRef():
            step = steps.get(expr.step)
            return None if step is None else _linear(step.expr, steps)
        case ir.Arith():
            left, right = _linear(expr.left, steps), _linear(expr.right, steps)
            if left is None or right is None:
                return None
            return _combine(expr.op, left, right)
    return None


def _combine(
    op: str, left: tuple[Linear, Decimal], right: tuple[Linear, Decimal]
) -> tuple[Linear, Decimal] | None:
    (a, c), (b, d) = left, right
    match op:
        case "+" | "-":
            sign = Decimal(1 if op == "+" else -1)
            merged = dict(a)
            for key, value in b.items():
                merged[key] = merged.get(key, Decimal(0)) + sign * value
            return merged, c + sign * d
        case "×":
            if a and b:
                return None  # a product of two sums is not linear
            if not a:
                return {k: v * c for k, v in b.items()}, c * d
            return {k: v * d for k, v in a.items()}, c * d
    return None  # min, max
