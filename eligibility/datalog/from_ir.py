"""Policy IR → Datalog program (plain data). Applicant-independent: compiled once per policy.

Each applicant-level condition node N compiles to two predicates in the style of s(CASP)'s
dual rules: h_N(A) "holds" and f_N(A) "fails". A test fails only on a known fact; all-of fails
when a child fails; any-of fails when every child fails; a node with neither is undetermined.
Record filters are three-valued too (datalog.records): passes, refused, or undecided. Expressions compile
to v_E(A, V) (per record: rv_E(R, V)); counts and sums have an explicit 0 for no records.
Every node, set and expression also copies its facts into result/4, which the engine reads
with one query.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from eligibility.datalog.program import (
    Aggregate,
    Assign,
    Atom,
    BodyLiteral,
    Clause,
    Comparison,
    Const,
    Negated,
    Program,
    Rule,
    Term,
    Var,
)  # fmt: skip
from eligibility.datalog.records import record_expr_rules, record_node_rules, record_set_rules
from eligibility.datalog.terms import (
    OPS,
    PY_OPS,
    A,
    R,
    V,
    X,
    Y,
    Z,
    arith_rules,
    atom,
    compare,
    fails,
    holds,
    literal_stated,
    member,
    passes,
    possible,
    pred,
    read_out,
    rvalue,
    upper,
    value,
    value_test,
    year_field,
)  # fmt: skip
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import NEGATED
from eligibility.ir.walk import condition_exprs, programme_exprs, walk_conditions, walk_expr


def program_from_ir(policy: ir.Policy) -> Program:
    clauses: list[Clause] = _interpretations(policy) if policy.interpretations else []
    for record_set in policy.record_sets:
        clauses += record_set_rules(record_set)
    for programme in policy.programmes:
        literal = literal_stated(programme.condition)
        for cond in walk_conditions(programme.condition):
            clauses += _applicant_node(cond, literal)
        exprs = {e.expr_id: e for e in programme_exprs(programme)}
        per_record = {
            e.expr_id: s.record_set
            for s in exprs.values()
            if isinstance(s, ir.SumOf)
            for e in walk_expr(s.expr)
        }
        shares = {s.expr.expr_id for s in exprs.values() if isinstance(s, ir.SumOf)}
        for expr in exprs.values():
            if isinstance(expr, ir.Const) and expr.expr_id not in shares:
                continue  # a constant inside a per-record expression is written inline
            if expr.expr_id in per_record:
                clauses += record_expr_rules(expr, possible(per_record[expr.expr_id]))
            else:
                clauses += _expr(expr, programme, policy)
        if programme.amount:
            clauses += _amount(programme.amount)
    return Program(policy.policy_id, tuple(_dedupe(clauses)))


def gate_program_from_ir(policy: ir.Policy) -> Program:
    """Only the document's gates (validity period, applicant kind, jurisdiction) of every
    programme: evaluated first, so a document that does not apply costs a few clauses."""
    clauses: list[Clause] = []
    for programme in policy.programmes:
        gate_ids = {node_id for node_id, _ in programme.gates}
        for gate in (c for c in programme.condition.children if c.meta.node_id in gate_ids):
            for cond in walk_conditions(gate):
                clauses += _applicant_node(cond)
                for expr in condition_exprs(cond):
                    clauses += [c for e in walk_expr(expr) for c in _expr(e, programme, policy)]
    return Program(f"{policy.policy_id}.gates", tuple(_dedupe(clauses)))


def _dedupe(clauses: list[Clause]) -> list[Clause]:
    seen: set[Clause] = set()
    return [c for c in clauses if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]


# ── applicant-level conditions (three-valued) ──────────────────────────────────────────────


def _applicant_node(cond: ir.Cond, literal: frozenset[str] = frozenset()) -> list[Clause]:
    """`literal`: the `stated` nodes under a negation, which ask whether the file states a
    fact; a required `stated` holds or is undetermined, naming the fact."""
    node_id = cond.meta.node_id
    h, f = holds(node_id), fails(node_id)
    out: list[Clause] = [
        read_out("holds", node_id, A, Const(""), h),
        read_out("fails", node_id, A, Const(""), f),
    ]
    match cond:
        case ir.AllOf():
            out.append(Rule(h, tuple(holds(c.meta.node_id) for c in cond.children)))
            out += [Rule(f, (fails(c.meta.node_id),)) for c in cond.children]
        case ir.AnyOf():
            out += [Rule(h, (holds(c.meta.node_id),)) for c in cond.children]
            out.append(Rule(f, tuple(fails(c.meta.node_id) for c in cond.children)))
        case ir.Not():
            out.append(Rule(h, (fails(cond.child.meta.node_id),)))
            out.append(Rule(f, (holds(cond.child.meta.node_id),)))
        case ir.Compare() if isinstance(cond.left, ir.Const) and isinstance(cond.right, ir.Const):
            truth = PY_OPS[cond.op](cond.left.value, cond.right.value)  # folded here, once
            out.append(Rule(h if truth else f, (atom("applicant", A),)))
        case ir.Compare() if _bounded(cond.left) or _bounded(cond.right):
            out += _bounded_compare(cond, h, f)
        case ir.Compare():
            left, right = _operand(cond.left, X), _operand(cond.right, Y)
            bind = left[1] + right[1] or [atom("applicant", A)]
            for head, op in ((h, OPS[cond.op]), (f, OPS[NEGATED[cond.op]])):
                out.append(Rule(head, (*bind, compare(left[0], op, right[0]))))
        case ir.Test():
            out += _applicant_test(cond, h, f)
        case ir.Attested():
            key = Const(f"reviewer_attestations.{cond.criterion}")
            out.append(Rule(h, (atom("attr", A, key, Const(True)),)))
            out.append(Rule(f, (atom("attr", A, key, Const(False)),)))
        case ir.Selected():
            key = Const(f"selection_result.{cond.programme}.selected")
            out.append(Rule(h, (atom("attr", A, key, Const(True)),)))
            out.append(Rule(f, (atom("attr", A, key, Const(False)),)))
        case ir.Exists():  # fails only when the collection is given and no record may be one
            maybe = atom(pred("any", cond.record_set), A)
            out.append(Rule(h, (member(cond.record_set),)))
            out.append(Rule(maybe, (possible(cond.record_set),)))
            out.append(Rule(f, (atom(pred("known", cond.record_set), A), Negated(maybe))))
        case ir.Stated():
            out.append(Rule(h, (atom("present", A, Const(cond.field.path)),)))
            if node_id in literal:
                out.append(Rule(f, (atom("applicant", A), Negated(h))))
        case ir.InterpretationIs():
            read = atom("reading", A, Const(cond.name), V)
            out.append(Rule(h, (read, Comparison(V, "==", Const(cond.value)))))
            out.append(Rule(f, (read, Comparison(V, "!=", Const(cond.value)))))
        case _:
            assert_never(cond)
    return out


def _interpretations(policy: ir.Policy) -> list[Clause]:
    """reading(A, Switch, Value): the applicant file's choice (chosen/3), else the default."""
    name, value = Var("N"), Var("W")
    out: list[Clause] = [
        Rule(atom("reading", A, name, value), (atom("chosen", A, name, value),)),
        Rule(atom("chose", A, name), (atom("chosen", A, name, value),)),
    ]
    for switch in policy.interpretations:
        out.append(
            Rule(
                atom("reading", A, Const(switch.name), Const(switch.default)),
                (atom("applicant", A), Negated(atom("chose", A, Const(switch.name)))),
            )
        )
    return out


def _operand(expr: ir.Expr, var: Var, high: bool = False) -> tuple[Term, list[BodyLiteral]]:
    """A constant stays inline; anything else is bound from its value (or upper bound)."""
    if isinstance(expr, ir.Const):
        return Const(expr.value), []
    return var, [(upper if high else value)(expr.expr_id, var)]


# a step or another programme's award may be an amount summed over records: it has a range
_AGGREGATES = ir.RecordAggregate | ir.StepRef | ir.AwardOf


def _bounded(expr: ir.Expr) -> bool:
    """Whether the expression counts or sums records, so undecided records give it a range."""
    return any(isinstance(e, _AGGREGATES) for e in walk_expr(expr))


def _bounded_compare(cond: ir.Compare, h: Atom, f: Atom) -> list[Clause]:
    """A comparison over a range: it holds if it holds for every value in the ranges, fails
    if it fails for every one, and is undetermined otherwise (records undecided)."""
    low_l, high_l = _operand(cond.left, X), _operand(cond.left, Var("X2"), high=True)
    low_r, high_r = _operand(cond.right, Y), _operand(cond.right, Var("Y2"), high=True)
    binding = dict((low_l, high_l, low_r, high_r))

    def rule(head: Atom, *tests: Comparison) -> Rule:
        """Binds only the bounds the tests read: a sum with no upper bound (an amount not
        stated) can still hold on its lower bound."""
        used = dict.fromkeys(t for test in tests for t in (test.left, test.right))
        return Rule(head, (*(lit for t in used for lit in binding.get(t, [])), *tests))

    op, negated = OPS[cond.op], OPS[NEGATED[cond.op]]
    match cond.op:
        case ">=" | ">":  # least left against greatest right, and the reverse
            return [
                rule(h, compare(low_l[0], op, high_r[0])),
                rule(f, compare(high_l[0], negated, low_r[0])),
            ]
        case "<=" | "<":
            return [
                rule(h, compare(high_l[0], op, low_r[0])),
                rule(f, compare(low_l[0], negated, high_r[0])),
            ]
    exact = (
        compare(low_l[0], "==", high_l[0]),
        compare(low_r[0], "==", high_r[0]),
        compare(low_l[0], "==", low_r[0]),
    )
    apart = (compare(high_l[0], "<", low_r[0]), compare(low_l[0], ">", high_r[0]))
    same, different = (h, f) if cond.op == "=" else (f, h)
    return [rule(same, *exact), rule(different, apart[0]), rule(different, apart[1])]


def _applicant_test(cond: ir.Test, h: Atom, f: Atom) -> list[Clause]:
    field = Const(cond.field.path)
    read = atom("attr", A, field, V)
    known = atom("present", A, field)
    match cond.quantifier:
        case "one":
            return [
                Rule(h, (read, value_test(cond.test, V, True))),
                Rule(f, (read, value_test(cond.test, V, False))),
            ]
        case "some":
            return [Rule(h, (read, value_test(cond.test, V, True))), Rule(f, (known, Negated(h)))]
        case "every":
            return [Rule(f, (read, value_test(cond.test, V, False))), Rule(h, (known, Negated(f)))]


# ── expressions: lower bound v_<expr> (members), upper bound u_<expr> (and undecided) ──────


def _expr(expr: ir.Expr, programme: ir.Programme, policy: ir.Policy) -> list[Clause]:
    if isinstance(expr, ir.Const):
        return []  # constants are inlined where they are used
    v = value(expr.expr_id, V)
    out: list[Clause] = [
        read_out("value", expr.expr_id, A, V, v),
        read_out("upper", expr.expr_id, A, V, upper(expr.expr_id, V)),
        *_upper(expr, programme, policy),
    ]
    match expr:
        case ir.FieldValue():
            out.append(Rule(v, (atom("attr", A, Const(expr.field.path), V),)))
        case ir.YearOf():
            out.append(Rule(v, (atom("attr", A, Const(year_field(expr.field.path)), V),)))
        case ir.ContextValue():
            out.append(Rule(v, (atom("attr", A, Const(f"@{expr.name}"), V),)))
        case ir.ApprovedAmount():
            key = Const(f"selection_result.{expr.programme}.approved_amount")
            out.append(Rule(v, (atom("attr", A, key, V),)))
        case ir.Count() | ir.Sum() | ir.CountDistinct() | ir.SumOf():
            out += _aggregate(expr.expr_id, *_aggregate_of(expr, member(expr.record_set)))
            if isinstance(expr, ir.CountDistinct) and expr.where is not None:
                out += [c for node in walk_conditions(expr.where) for c in record_node_rules(node)]
        case ir.StepRef():
            step = next(s for s in programme.amount.steps if s.name == expr.step)  # type: ignore[union-attr]
            out.append(Rule(v, (value(step.expr.expr_id, V),)))
        case ir.AwardOf():
            out.append(Rule(v, (value(_award_id(expr, policy), V),)))
        case ir.Arith():
            out += _arith(expr)
        case ir.ItemCount() | ir.IfThen():
            raise AssertionError(f"{type(expr).__name__} is rejected outside records by ir")
        case _:
            assert_never(expr)
    return out


def _aggregate(
    expr_id: str,
    body: tuple[BodyLiteral, ...],
    kind: str,
    for_each: Var,
    high: ir.Count | ir.Sum | ir.CountDistinct | ir.SumOf | None = None,
) -> list[Clause]:
    """count (of distinct `for_each`) or sum (of V over distinct `for_each`) per applicant,
    with the explicit 0 when nothing matches (pyDatalog trap 10). `high`: the upper bound,
    where the body reads possible_<set> instead of in_<set>. It exists only when the file
    gives the collection and, for a sum of a field, every possible record states it: an
    absent collection or amount has no upper bound (never read as empty or 0)."""
    tag = "u" if high else ""
    relation, nonempty = pred(f"agg{tag}", expr_id), atom(pred(f"nonempty{tag}", expr_id), A)
    zero = Const(0 if kind == "count" else Decimal(0))
    result = Var("N")
    if high is None:
        return [
            Aggregate(relation, kind, (A,), for_each if kind == "count" else V, for_each, body),  # type: ignore[arg-type]
            Rule(nonempty, body),
            Rule(value(expr_id, result), (atom(relation, A, result),)),
            Rule(value(expr_id, zero), (atom("applicant", A), Negated(nonempty))),
        ]
    gap = atom(pred("gapu", expr_id), A)
    # a possible record without the amount, or whose share cannot be computed: no upper bound
    missing_amount = isinstance(high, (ir.Sum, ir.SumOf))
    out: list[Clause] = [
        Aggregate(relation, kind, (A,), for_each if kind == "count" else V, for_each, body),  # type: ignore[arg-type]
        Rule(nonempty, body),
        Rule(
            upper(expr_id, result),
            (atom(relation, A, result), *((Negated(gap),) if missing_amount else ())),
        ),
        # Nothing summed is 0 only when no possible record lacks the amount either: when every
        # possible record lacks it, the body is empty too, and 0 would be a confident bound.
        Rule(
            upper(expr_id, zero),
            (
                atom(pred("known", high.record_set), A),
                Negated(nonempty),
                *((Negated(gap),) if missing_amount else ()),
            ),
        ),
    ]
    if isinstance(high, ir.Sum):
        stated = atom("rpresent", R, Const(high.field.path))
        out.append(Rule(gap, (possible(high.record_set), Negated(stated))))
    if isinstance(high, ir.SumOf):  # a share not computed: a field it reads is not stated
        computed = atom(pred("rvk", high.expr.expr_id), R)
        out += [
            Rule(computed, (rvalue(high.expr.expr_id, V),)),
            Rule(gap, (possible(high.record_set), Negated(computed))),
        ]
    return out


AggregateOf = tuple[tuple[BodyLiteral, ...], str, Var]


def _aggregate_of(expr: ir.RecordAggregate, domain: Atom) -> AggregateOf:
    """What a count or sum runs over (body, kind, what is counted or summed per), for the
    records of `domain`: the set's members (the value) or its possible records (the bound)."""
    match expr:
        case ir.Count():
            return (domain,), "count", R
        case ir.Sum():
            return (domain, atom("rattr", R, Const(expr.field.path), V)), "sum", R
        case ir.CountDistinct() if expr.where is not None and expr.sub is not None:
            item = Var("S")
            return (
                (
                    domain,
                    atom("subrecord", R, Const(expr.sub), item),
                    passes(expr.where.meta.node_id, item),
                    atom("rattr", item, Const(expr.field.path), V),
                ),
                "count",
                V,
            )
        case ir.CountDistinct():
            return (domain, atom("rattr", R, Const(expr.field.path), V)), "count", V
        case ir.SumOf():  # rv is defined for possible records, so both bounds can read it
            return (domain, rvalue(expr.expr.expr_id, V)), "sum", R
        case _:
            assert_never(expr)


def _upper(expr: ir.Expr, programme: ir.Programme, policy: ir.Policy) -> list[Clause]:
    """u_<expr>: the upper bound. Counts and sums run over possible records; arithmetic takes
    the bounds that make it greatest (amounts and rates are never negative); anything else
    is its value."""
    u = upper(expr.expr_id, V)
    match expr:
        case ir.Count() | ir.Sum() | ir.CountDistinct() | ir.SumOf():
            return _aggregate(
                expr.expr_id, *_aggregate_of(expr, possible(expr.record_set)), high=expr
            )
        case ir.StepRef():
            step = next(s for s in programme.amount.steps if s.name == expr.step)  # type: ignore[union-attr]
            return [Rule(u, (_upper_of(step.expr, V),))]
        case ir.AwardOf():
            return [Rule(u, (upper(_award_id(expr, policy), V),))]
        case ir.Arith():
            left = _operand(expr.left, X, high=True)
            right = _operand(expr.right, Y, high=expr.op != "-")  # minus: the least subtracted
            return arith_rules(expr.op, upper(expr.expr_id, Z), left, right, ())
        case (
            ir.Const()
            | ir.FieldValue()
            | ir.ContextValue()
            | ir.YearOf()
            | ir.ApprovedAmount()
            | ir.ItemCount()
            | ir.IfThen()
        ):
            return [Rule(u, (value(expr.expr_id, V),))]  # no records to be undecided about
        case _:
            assert_never(expr)


def _award_id(expr: ir.AwardOf, policy: ir.Policy) -> str:
    amount = policy.programme(expr.programme).amount
    assert amount is not None, "ir refuses award(p) of a programme without an amount"
    return amount.result_id


def _upper_of(expr: ir.Expr, var: Var) -> Atom:
    return upper(expr.expr_id, var)


def _arith(expr: ir.Arith) -> list[Clause]:
    """The lower bound: minus subtracts the greatest (20万元 - prior awards, some undecided)."""
    left, right = _operand(expr.left, X), _operand(expr.right, Y, high=expr.op == "-")
    return arith_rules(expr.op, value(expr.expr_id, Z), left, right, ())


def _amount(amount: ir.Amount) -> list[Clause]:
    """Caps in order (R2): each takes the smaller of the running amount and its limit."""
    out: list[Clause] = []
    for step in amount.steps:  # a fixed sum (一次性给予30万元) is a constant, inlined elsewhere
        if isinstance(step.expr, ir.Const):
            fixed = value(step.expr.expr_id, V)
            out += [
                Rule(value(step.expr.expr_id, Const(step.expr.value)), (atom("applicant", A),)),
                Rule(upper(step.expr.expr_id, V), (fixed,)),
                read_out("value", step.expr.expr_id, A, V, fixed),
                read_out("upper", step.expr.expr_id, A, V, upper(step.expr.expr_id, V)),
            ]
    previous = amount.steps[-1].expr.expr_id
    for cap in amount.caps:
        limit, bind = _operand(cap.limit, Y)
        high_limit, high_bind = _operand(cap.limit, Y, high=True)
        for head, before, lim, lim_bind in (
            (value, value, limit, bind),
            (upper, upper, high_limit, high_bind),
        ):
            out += [
                Rule(head(cap.cap_id, V), (before(previous, V), *lim_bind, compare(V, "<=", lim))),
                Rule(
                    head(cap.cap_id, Z),
                    (
                        before(previous, V),
                        *lim_bind,
                        compare(V, ">", lim),
                        Assign(Z, "+", lim, Const(0)),
                    ),
                ),
            ]
        out += [
            read_out("value", cap.cap_id, A, V, value(cap.cap_id, V)),
            read_out("upper", cap.cap_id, A, V, upper(cap.cap_id, V)),
        ]
        previous = cap.cap_id
    return out
