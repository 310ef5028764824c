"""The award as a computation an auditor can re-do: each step with its formula and values,
each cap applied or not, then one rounding half up to the fen (rule inventory R1–R3).
Every number is read from the Datalog model."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import assert_never

from eligibility.datalog.model import Model
from eligibility.decision.display import show_const, show_value
from eligibility.decision.proof import AmountLine, AmountProof
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import format_exact, format_money
from eligibility.ir.walk import facts_read, walk_expr

FEN = Decimal("0.01")
_PRECEDENCE = {"+": 1, "-": 1, "×": 2}


def amount_proof(programme: ir.Programme, model: Model) -> AmountProof:
    amount = programme.amount
    assert amount is not None
    lines = [_step_line(step, model) for step in amount.steps]
    lines += [
        AmountLine(
            f"{step.label} · by record",
            step.citation,
            f"{record_set}: {shown or 'no records'}",
            "by_record" if shown else "by_record_none",
            (step.label, record_set, shown),
        )
        for step in amount.steps
        for record_set, shown in _per_record(step.expr, model)
    ]
    running = model.values.get(amount.steps[-1].expr.expr_id)
    for cap in amount.caps:
        capped, limit = model.values.get(cap.cap_id), _limit(cap, model)
        if running is not None and capped is not None and limit is not None:
            verb = "capped at" if capped < running else "within the cap of"
            shown = format_exact(limit)
            if not isinstance(cap.limit, ir.Const):
                shown = f"{_show(cap.limit, model, 0)} = {shown}"
            key = "capped" if capped < running else "within_cap"
            lines.append(
                AmountLine(
                    cap.label,
                    cap.citation,
                    f"{verb} {shown}: {format_exact(capped)}",
                    key,
                    (cap.label, shown, format_exact(capped)),
                )
            )
        running = capped
    if amount.pool is not None:
        pool = amount.pool
        lines.append(
            AmountLine(
                pool.label,
                pool.citation,
                f"a total of {format_money(pool.limit)} for all applicants "
                "together: not computed for one applicant; when the year's "
                "entitlements exceed it, each is pro-rated (R4"
                + (
                    f", as {pool.prorata} orders)"
                    if pool.prorata  # the text gives the rule; else A-23 fills its silence
                    else "; the text gives no rule: the default of A-23, unless a funding "
                    "round sets pool_overflow_rule = review)"
                ),
                "pool_prorata" if pool.prorata else "pool_default",
                (pool.label, format_money(pool.limit), pool.prorata),
            )
        )
    if running is None:
        missing = facts_read(amount.steps[-1].expr)
        return AmountProof(tuple(lines), None, _smallest_known_cap(amount, model), missing)
    high = model.upper.get(amount.result_id)
    if high != running:  # records an amount sums are undecided: only a range is known
        confirmed = max(Decimal(running), Decimal(0)).quantize(FEN, rounding=ROUND_HALF_UP)
        if high is None:  # an amount or a collection not stated: only a cap bounds it
            top = _smallest_known_cap(amount, model)
            shown = f"at least {format_exact(running)}; no upper bound known"
            key, args = "at_least", (format_exact(running), "")
            if top is not None:
                shown += f" beyond the cap of {format_money(top)}"
                key, args = "at_least_capped", (format_exact(running), format_money(top))
        else:
            top = max(Decimal(high), Decimal(0)).quantize(FEN, rounding=ROUND_HALF_UP)
            shown = f"between {format_exact(running)} and {format_exact(high)}"
            key, args = "between", (format_exact(running), format_exact(high))
        lines.append(AmountLine("records undecided", "", shown, key, args))
        up_to = f"; up to {format_money(top)} 元" if top is not None else ""
        lines.append(
            AmountLine(
                "四舍五入到分 (R3)",
                "",
                f"{format_money(confirmed)} 元 confirmed{up_to}",
                "confirmed_up_to" if top is not None else "confirmed",
                (format_money(confirmed), format_money(top) if top is not None else ""),
            )
        )
        return AmountProof(tuple(lines), confirmed, top, (), partial=True)
    rounded = Decimal(running).quantize(FEN, rounding=ROUND_HALF_UP)
    if rounded < 0:  # a formula net of prior awards can go below zero; nobody pays back here
        lines.append(
            AmountLine(
                "an award is never negative",
                "",
                f"{format_money(rounded)} → 0.00",
                "never_negative",
                (format_money(rounded),),
            )
        )
        rounded = Decimal("0.00")
    lines.append(AmountLine("四舍五入到分 (R3)", "", f"{format_money(rounded)} 元"))
    return AmountProof(tuple(lines), rounded, None, ())


def _smallest_known_cap(amount: ir.Amount, model: Model) -> Decimal | None:
    """The least cap whose limit is known, a constant or the upper bound the engine derived
    for a limit net of prior awards (`at most max(0元, 100万元 - sum(prior.amount))`): the
    award never exceeds it, whatever its own missing facts."""
    limits = [
        Decimal(cap.limit.value)  # type: ignore[arg-type]
        if isinstance(cap.limit, ir.Const)
        else model.upper.get(cap.limit.expr_id)
        for cap in amount.caps
    ]
    known = [max(Decimal(limit), Decimal(0)) for limit in limits if limit is not None]
    return min(known).quantize(FEN, rounding=ROUND_HALF_UP) if known else None


def _limit(cap: ir.Cap, model: Model) -> Decimal | None:
    if isinstance(cap.limit, ir.Const):
        return Decimal(cap.limit.value)  # type: ignore[arg-type]
    return model.values.get(cap.limit.expr_id)


def _per_record(expr: ir.Expr, model: Model) -> list[tuple[str, str]]:
    """For each Σ over records in `expr`: the set, and what each record contributed ("" when
    no record is in it)."""
    out = []
    for sub in walk_expr(expr):
        if isinstance(sub, ir.SumOf):
            members = set(model.members.get(sub.record_set, ()))  # a bank has 10,000 pledges
            keys = sorted(
                k for (eid, k) in model.record_values if eid == sub.expr.expr_id and k in members
            )
            shown = "; ".join(
                f"{key.split('/', 1)[1]}: {_record_computation(sub.expr, model, key)}"
                for key in keys
            )
            out.append((sub.record_set, shown))
    return out


def _record_computation(expr: ir.Expr, model: Model, key: str) -> str:
    """One record's share, as computed: the branch a rate took and the one it did not
    (从高不重复: the higher rate is kept, the other shown as dropped)."""
    total = format_exact(Decimal(model.record_values[(expr.expr_id, key)]))
    shown = _show_record(expr, model, key, 0)
    return total if shown == total else f"{shown} = {total}"


def _show_record(expr: ir.Expr, model: Model, key: str, outer: int) -> str:
    value = model.record_values.get((expr.expr_id, key))
    match expr:
        case ir.Const():
            return show_const(expr)
        case ir.ItemCount():
            return f"{value} 件"
        case ir.Arith() if expr.op in _PRECEDENCE:
            inner = _PRECEDENCE[expr.op]
            text = (
                f"{_show_record(expr.left, model, key, inner)} {expr.op} "
                f"{_show_record(expr.right, model, key, inner)}"
            )
            return f"({text})" if inner < outer else text
        case ir.IfThen():  # the branch the record took
            then = model.record_values.get((expr.then.expr_id, key))
            taken = expr.then if value == then else expr.otherwise
            return _show_record(taken, model, key, outer)
        case ir.Arith() if expr.op in ("min", "max"):  # 从高: both rates, the kept one is the value
            return (
                f"{expr.op}({_show_record(expr.left, model, key, 0)}, "
                f"{_show_record(expr.right, model, key, 0)})"
            )
        case (
            ir.Arith()
            | ir.FieldValue()
            | ir.ContextValue()
            | ir.YearOf()
            | ir.Count()
            | ir.Sum()
            | ir.StepRef()
            | ir.ApprovedAmount()
            | ir.AwardOf()
            | ir.CountDistinct()
            | ir.SumOf()
        ):
            pass  # read from the model, below
        case _:
            assert_never(expr)
    return (
        "?"
        if value is None
        else format_exact(Decimal(value))
        if expr.dim is ir.Dim.MONEY
        else show_value(value, expr.dim)
    )


def _step_line(step: ir.AmountStep, model: Model) -> AmountLine:
    computation = _computation(step.expr, model)
    if model.values.get(step.expr.expr_id) is None:  # "= unknown" is words: keyed
        values = (step.label, _show(step.expr, model, 0))
        return AmountLine(step.label, step.citation, computation, "unknown", values)
    return AmountLine(step.label, step.citation, computation)


def _computation(expr: ir.Expr, model: Model) -> str:
    result = model.values.get(expr.expr_id)
    values = _show(expr, model, 0)
    if result is None:
        return f"{values} = unknown"
    total = f"{format_exact(result)} 元"
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
        case ir.SumOf():
            return f"Σ {expr.record_set}"
        case (
            ir.FieldValue()
            | ir.ContextValue()
            | ir.YearOf()
            | ir.Count()
            | ir.Sum()
            | ir.StepRef()
            | ir.ApprovedAmount()
            | ir.AwardOf()
            | ir.CountDistinct()
            | ir.ItemCount()
            | ir.IfThen()
        ):
            pass  # read from the model, below
        case _:
            assert_never(expr)
    value = model.values.get(expr.expr_id)
    return (
        "?"
        if value is None
        else format_exact(Decimal(value))
        if expr.dim is ir.Dim.MONEY
        else show_value(value, expr.dim)
    )
