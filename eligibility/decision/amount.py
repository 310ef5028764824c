"""The award as a computation an auditor can re-do: each step with its formula and values,
each cap applied or not, then one rounding half up to the fen (rule inventory R1–R3).
Every number is read from the Datalog model."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from eligibility.datalog.engine import Model
from eligibility.decision.display import show_const, show_value
from eligibility.decision.proof import AmountLine, AmountProof
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import format_money

FEN = Decimal("0.01")
_PRECEDENCE = {"+": 1, "-": 1, "×": 2}


def amount_proof(programme: ir.Programme, model: Model) -> AmountProof:
    amount = programme.amount
    assert amount is not None
    lines = [
        AmountLine(step.label, step.citation, _computation(step.expr, model))
        for step in amount.steps
    ]
    running = model.values.get(amount.steps[-1].expr.expr_id)
    for cap in amount.caps:
        capped = model.values.get(cap.cap_id)
        if running is not None and capped is not None:
            verb = "capped at" if capped < running else "within the cap of"
            lines.append(AmountLine(cap.label, cap.citation,
                                    f"{verb} {format_money(cap.limit)}: {format_money(capped)}"))
        running = capped
    if running is None:
        limits = [cap.limit for cap in amount.caps]
        missing = tuple(_missing(amount.steps[-1].expr))
        return AmountProof(tuple(lines), None, min(limits) if limits else None, missing)
    rounded = Decimal(running).quantize(FEN, rounding=ROUND_HALF_UP)
    lines.append(AmountLine("四舍五入到分 (R3)", "", f"{format_money(rounded)} 元"))
    return AmountProof(tuple(lines), rounded, None, ())


def _computation(expr: ir.Expr, model: Model) -> str:
    result = model.values.get(expr.expr_id)
    values = _show(expr, model, 0)
    if result is None:
        return f"{values} = unknown"
    total = show_value(result, ir.Dim.MONEY)
    return total if values == total else f"{values} = {total}"


def _show(expr: ir.Expr, model: Model, outer: int) -> str:
    match expr:
        case ir.Const():
            return show_const(expr)
        case ir.Arith() if expr.op in _PRECEDENCE:
            inner = _PRECEDENCE[expr.op]
            text = f"{_show(expr.left, model, inner)} {expr.op} {_show(expr.right, model, inner)}"
            return f"({text})" if inner < outer else text
        case ir.Arith():
            return f"{expr.op}({_show(expr.left, model, 0)}, {_show(expr.right, model, 0)})"
    value = model.values.get(expr.expr_id)
    shown = "?" if value is None else format_money(Decimal(value)) if expr.dim is ir.Dim.MONEY \
        else show_value(value, expr.dim)
    return shown


def _missing(expr: ir.Expr) -> list[str]:
    match expr:
        case ir.ApprovedAmount():
            return [f"selection_result.{expr.programme}.approved_amount"]
        case ir.FieldValue() | ir.YearOf():
            return [expr.field.path]
        case ir.Arith():
            return _missing(expr.left) + _missing(expr.right)
    return []
