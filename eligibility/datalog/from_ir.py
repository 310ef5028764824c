"""Policy IR → Datalog program (plain data). Applicant-independent: compiled once per policy.

Each applicant-level condition node N compiles to two predicates in the style of s(CASP)'s
dual rules: h_N(A) "holds" and f_N(A) "fails". A test fails only on a known fact; all-of fails
when a child fails; any-of fails when every child fails; a node with neither is undetermined.
Record filters are two-valued: p_N(R) holds or the record is rejected, with the filter's id.
Expressions compile to v_E(A, Value); counts and sums have an explicit 0 for no records.
"""

from __future__ import annotations

from decimal import Decimal

from eligibility.datalog.program import (
    Aggregate, Assign, Atom, BodyLiteral, Clause, Comparison, Const, Negated, Program, Rule,
    Term, Var,
)  # fmt: skip
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import NEGATED
from eligibility.ir.walk import programme_exprs, walk_conditions, walk_expr

A, R, V, X, Y, Z = (Var(n) for n in ("A", "R", "V", "X", "Y", "Z"))
_OPS = {"=": "==", "!=": "!=", ">=": ">=", ">": ">", "<=": "<=", "<": "<"}


def pred(prefix: str, ident: str) -> str:
    return f"{prefix}_{ident.replace('.', '_')}"


def atom(predicate: str, *args: Term) -> Atom:
    return Atom(predicate, args)


def year_field(path: str) -> str:
    """The derived fact holding the year of a date field (see datalog.facts)."""
    return f"year:{path}"


def program_from_ir(policy: ir.Policy) -> Program:
    clauses: list[Clause] = []
    for record_set in policy.record_sets:
        clauses += _record_set(record_set)
    for programme in policy.programmes:
        for cond in walk_conditions(programme.condition):
            clauses += _applicant_node(cond)
        exprs = {e.expr_id: e for e in programme_exprs(programme)}
        for expr in exprs.values():
            clauses += _expr(expr, programme)
        if programme.amount:
            clauses += _amount(programme.amount)
    return Program(policy.policy_id, tuple(_dedupe(clauses)))


def _dedupe(clauses: list[Clause]) -> list[Clause]:
    seen: set[Clause] = set()
    return [c for c in clauses if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]


# ── applicant-level conditions (three-valued) ──────────────────────────────────────────────


def _verdict_exports(node_id: str) -> list[Clause]:
    h, f = pred("h", node_id), pred("f", node_id)
    return [
        Rule(atom("verdict", Const(node_id), A, Const("holds")), (atom(h, A),)),
        Rule(atom("verdict", Const(node_id), A, Const("fails")), (atom(f, A),)),
    ]


def _applicant_node(cond: ir.Cond) -> list[Clause]:
    node_id = cond.meta.node_id
    h, f = pred("h", node_id), pred("f", node_id)
    out = _verdict_exports(node_id)
    match cond:
        case ir.AllOf():
            out.append(Rule(atom(h, A), tuple(atom(pred("h", c.meta.node_id), A) for c in cond.children)))
            out += [Rule(atom(f, A), (atom(pred("f", c.meta.node_id), A),)) for c in cond.children]
        case ir.AnyOf():
            out += [Rule(atom(h, A), (atom(pred("h", c.meta.node_id), A),)) for c in cond.children]
            out.append(Rule(atom(f, A), tuple(atom(pred("f", c.meta.node_id), A) for c in cond.children)))
        case ir.Not():
            out.append(Rule(atom(h, A), (atom(pred("f", cond.child.meta.node_id), A),)))
            out.append(Rule(atom(f, A), (atom(pred("h", cond.child.meta.node_id), A),)))
        case ir.Compare():
            left, right = _operand(cond.left, X), _operand(cond.right, Y)
            bind = left[1] + right[1] or [atom("applicant", A)]
            for head, op in ((h, _OPS[cond.op]), (f, _OPS[NEGATED[cond.op]])):
                out.append(Rule(atom(head, A), (*bind, _compare(left[0], op, right[0]))))
        case ir.Test():
            out += _applicant_test(cond, h, f)
        case ir.Attested():
            key = Const(f"reviewer_attestations.{cond.criterion}")
            out.append(Rule(atom(h, A), (atom("attr", A, key, Const(True)),)))
            out.append(Rule(atom(f, A), (atom("attr", A, key, Const(False)),)))
        case ir.Selected():
            key = Const(f"selection_result.{cond.programme}.selected")
            out.append(Rule(atom(h, A), (atom("attr", A, key, Const(True)),)))
            out.append(Rule(atom(f, A), (atom("attr", A, key, Const(False)),)))
        case ir.Exists():
            out.append(Rule(atom(h, A), (atom(pred("in", cond.record_set), A, R),)))
            out.append(Rule(atom(f, A), (atom("applicant", A), Negated(atom(h, A)))))
    return out


def _compare(left: Term, op: str, right: Term) -> Comparison:
    if isinstance(left, Var):
        return Comparison(left, op, right)  # type: ignore[arg-type]
    flipped = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}.get(op, op)
    assert isinstance(right, Var), "a comparison of two constants is folded by the IR"
    return Comparison(right, flipped, left)  # type: ignore[arg-type]


def _operand(expr: ir.Expr, var: Var) -> tuple[Term, list[BodyLiteral]]:
    """A constant stays inline; anything else is bound from its value predicate."""
    if isinstance(expr, ir.Const):
        return Const(expr.value), []
    return var, [atom(pred("v", expr.expr_id), A, var)]


def _value_test(test: ir.ValueTest, value: Var, positive: bool) -> BodyLiteral:
    match test:
        case ir.OneOf():
            inside = positive != test.negated
            return Comparison(value, "in" if inside else "not in", Const(tuple(test.values)))
        case ir.WithinRegion():
            region = atom("within", value, Const(test.region))
            return region if positive else Negated(region)
        case ir.IsBool():
            return Comparison(value, "==", Const(test.expected if positive else not test.expected))


def _applicant_test(cond: ir.Test, h: str, f: str) -> list[Clause]:
    field = Const(cond.field.path)
    read = atom("attr", A, field, V)
    known = atom("present", A, field)
    match cond.quantifier:
        case "one":
            return [Rule(atom(h, A), (read, _value_test(cond.test, V, True))),
                    Rule(atom(f, A), (read, _value_test(cond.test, V, False)))]
        case "some":
            return [Rule(atom(h, A), (read, _value_test(cond.test, V, True))),
                    Rule(atom(f, A), (known, Negated(atom(h, A))))]
        case "every":
            return [Rule(atom(f, A), (read, _value_test(cond.test, V, False))),
                    Rule(atom(h, A), (known, Negated(atom(f, A))))]


# ── record sets (two-valued filters) ────────────────────────────────────────────────────────


def _record_set(record_set: ir.RecordSet) -> list[Clause]:
    member = pred("in", record_set.name)
    source = (atom(pred("in", record_set.parent), A, R) if record_set.parent
              else atom("record", Const(record_set.collection), A, R))
    out: list[Clause] = [
        Rule(atom(member, A, R),
             (source, *(atom(pred("p", f.meta.node_id), R) for f in record_set.filters))),
        Rule(atom("member", Const(record_set.name), A, R), (atom(member, A, R),)),
    ]
    for flt in record_set.filters:
        out.append(Rule(atom("rejected", Const(record_set.name), R, Const(flt.meta.node_id)),
                        (source, Negated(atom(pred("p", flt.meta.node_id), R)))))
        for cond in walk_conditions(flt):
            out += _record_node(cond)
    return out


def _record_node(cond: ir.Cond) -> list[Clause]:
    p = pred("p", cond.meta.node_id)
    any_record = atom("record", Var("C"), A, R)
    match cond:
        case ir.AllOf():
            return [Rule(atom(p, R), tuple(atom(pred("p", c.meta.node_id), R) for c in cond.children))]
        case ir.AnyOf():
            return [Rule(atom(p, R), (atom(pred("p", c.meta.node_id), R),)) for c in cond.children]
        case ir.Not():
            return [Rule(atom(p, R), (any_record, Negated(atom(pred("p", cond.child.meta.node_id), R))))]
        case ir.Test():
            return _record_test(cond, p)
        case ir.Attested():
            key = Const(f"reviewer_attestations.{cond.criterion}")
            return [Rule(atom(p, R), (atom("rattr", R, key, Const(True)),))]
        case ir.Compare():
            left, right = _record_operand(cond.left, X), _record_operand(cond.right, Y)
            body = (any_record, *left[1], *right[1], _compare(left[0], _OPS[cond.op], right[0]))
            return [Rule(atom(p, R), body)]
        case _:
            raise AssertionError(f"{type(cond).__name__} is rejected in record filters by ir")


def _record_test(cond: ir.Test, p: str) -> list[Clause]:
    field = Const(cond.field.path)
    read = atom("rattr", R, field, V)
    if cond.quantifier != "every":
        return [Rule(atom(p, R), (read, _value_test(cond.test, V, True)))]
    bad = pred("x", cond.meta.node_id)
    return [Rule(atom(bad, R), (read, _value_test(cond.test, V, False))),
            Rule(atom(p, R), (atom("rpresent", R, field), Negated(atom(bad, R))))]


def _record_operand(expr: ir.Expr, var: Var) -> tuple[Term, list[BodyLiteral]]:
    match expr:
        case ir.Const():
            return Const(expr.value), []
        case ir.FieldValue():
            return var, [atom("rattr", R, Const(expr.field.path), var)]
        case ir.YearOf():
            return var, [atom("rattr", R, Const(year_field(expr.field.path)), var)]
        case ir.ContextValue():
            return var, [atom("attr", A, Const(f"@{expr.name}"), var)]
        case _:
            raise AssertionError(f"{type(expr).__name__} is rejected in record filters by ir")


# ── expressions and amounts ────────────────────────────────────────────────────────────────


def _expr(expr: ir.Expr, programme: ir.Programme) -> list[Clause]:
    if isinstance(expr, ir.Const):
        return []  # constants are inlined where they are used
    v = pred("v", expr.expr_id)
    out: list[Clause] = [Rule(atom("value", Const(expr.expr_id), A, V), (atom(v, A, V),))]
    match expr:
        case ir.FieldValue():
            out.append(Rule(atom(v, A, V), (atom("attr", A, Const(expr.field.path), V),)))
        case ir.YearOf():
            out.append(Rule(atom(v, A, V), (atom("attr", A, Const(year_field(expr.field.path)), V),)))
        case ir.ContextValue():
            out.append(Rule(atom(v, A, V), (atom("attr", A, Const(f"@{expr.name}"), V),)))
        case ir.ApprovedAmount():
            key = Const(f"selection_result.{expr.programme}.approved_amount")
            out.append(Rule(atom(v, A, V), (atom("attr", A, key, V),)))
        case ir.Count():
            out += _aggregate(v, expr.record_set, "count", None)
        case ir.Sum():
            out += _aggregate(v, expr.record_set, "sum", expr.field.path)
        case ir.StepRef():
            step = next(s for s in programme.amount.steps if s.name == expr.step)  # type: ignore[union-attr]
            out.append(Rule(atom(v, A, V), (atom(pred("v", step.expr.expr_id), A, V),)))
        case ir.Arith():
            out += _arith(v, expr)
    return out


def _aggregate(v: str, record_set: str, kind: str, field: str | None) -> list[Clause]:
    member = atom(pred("in", record_set), A, R)
    body: tuple[BodyLiteral, ...] = (member,) if field is None else (
        member, atom("rattr", R, Const(field), V))
    relation, nonempty = f"{v}_agg", f"{v}_some"
    zero = Const(0 if kind == "count" else Decimal("0"))
    return [
        Aggregate(relation, kind, (A,), R if kind == "count" else V, R, body),  # type: ignore[arg-type]
        Rule(atom(nonempty, A), body),
        Rule(atom(v, A, V), (atom(relation, A, V),)),
        Rule(atom(v, A, zero), (atom("applicant", A), Negated(atom(nonempty, A)))),
    ]


def _arith(v: str, expr: ir.Arith) -> list[Clause]:
    left, right = _operand(expr.left, X), _operand(expr.right, Y)
    bind = (*left[1], *right[1])
    if expr.op in ("min", "max"):
        first = "<=" if expr.op == "min" else ">="
        second = ">" if expr.op == "min" else "<"
        return [Rule(atom(v, A, Z), (*bind, Assign(Z, "+", left[0], Const(0)), _compare(left[0], first, right[0]))),
                Rule(atom(v, A, Z), (*bind, Assign(Z, "+", right[0], Const(0)), _compare(left[0], second, right[0])))]
    op = {"+": "+", "-": "-", "×": "*"}[expr.op]
    return [Rule(atom(v, A, Z), (*bind, Assign(Z, op, left[0], right[0])))]  # type: ignore[arg-type]


def _amount(amount: ir.Amount) -> list[Clause]:
    """Caps in order (R2): each takes the smaller of the running amount and its limit."""
    out: list[Clause] = []
    previous = pred("v", amount.steps[-1].expr.expr_id)
    for cap in amount.caps:
        current, limit = pred("v", cap.cap_id), Const(cap.limit)
        out += [
            Rule(atom(current, A, V), (atom(previous, A, V), Comparison(V, "<=", limit))),
            Rule(atom(current, A, limit), (atom(previous, A, V), Comparison(V, ">", limit))),
            Rule(atom("value", Const(cap.cap_id), A, V), (atom(current, A, V),)),
        ]
        previous = current
    return out
