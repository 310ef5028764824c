"""Policy IR → Datalog program (plain data). Applicant-independent: compiled once per policy.

Each applicant-level condition node N compiles to two predicates in the style of s(CASP)'s
dual rules: h_N(A) "holds" and f_N(A) "fails". A test fails only on a known fact; all-of fails
when a child fails; any-of fails when every child fails; a node with neither is undetermined.
Record filters are two-valued: p_N(R) passes, or the record is rejected. Expressions compile
to v_E(A, V) (per record: rv_E(R, V)); counts and sums have an explicit 0 for no records.
Every node, set and expression also copies its facts into result/4, which the engine reads
with one query.
"""

from __future__ import annotations

import operator
from decimal import Decimal

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
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import NEGATED
from eligibility.ir.walk import condition_exprs, programme_exprs, walk_conditions, walk_expr

A, R, V, X, Y, Z = (Var(n) for n in ("A", "R", "V", "X", "Y", "Z"))
_OPS = {"=": "==", "!=": "!=", ">=": ">=", ">": ">", "<=": "<=", "<": "<"}
_PY_OPS = {"=": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt,
           "<=": operator.le, "<": operator.lt}


def pred(prefix: str, ident: str) -> str:
    """One predicate per node, set or expression: a subgoal then meets only its own clauses.
    (A shared holds(NodeId, A) made every subgoal scan every node's clauses: quadratic.)"""
    return f"{prefix}_{ident.replace('.', '__')}"


def read_out(kind: str, ident: str, key: Term, payload: Term, body: Atom) -> Rule:
    """result(Kind, Id, Key, Payload): every derived fact the explainer reads, in one relation,
    so that one query reads them all (pyDatalog's memo tables live for one query)."""
    return Rule(atom("result", Const(kind), Const(ident), key, payload), (body,))


def atom(predicate: str, *args: Term) -> Atom:
    return Atom(predicate, args)


def holds(node_id: str) -> Atom:
    return atom(pred("h", node_id), A)


def fails(node_id: str) -> Atom:
    return atom(pred("f", node_id), A)


def passes(node_id: str, record: Var = R) -> Atom:
    return atom(pred("p", node_id), record)


def value(expr_id: str, var: Term) -> Atom:
    return atom(pred("v", expr_id), A, var)


def rvalue(expr_id: str, var: Term) -> Atom:
    """The value of a per-record expression for record R."""
    return atom(pred("rv", expr_id), R, var)


def member(set_name: str) -> Atom:
    return atom(pred("in", set_name), A, R)


def year_field(path: str) -> str:
    """The derived fact holding the year of a date field (see datalog.facts)."""
    return f"year:{path}"


def program_from_ir(policy: ir.Policy) -> Program:
    clauses: list[Clause] = _interpretations(policy) if policy.interpretations else []
    for record_set in policy.record_sets:
        clauses += _record_set(record_set)
    for programme in policy.programmes:
        for cond in walk_conditions(programme.condition):
            clauses += _applicant_node(cond)
        exprs = {e.expr_id: e for e in programme_exprs(programme)}
        per_record = {e.expr_id: s.record_set for s in exprs.values() if isinstance(s, ir.SumOf)
                      for e in walk_expr(s.expr)}
        for expr in exprs.values():
            if expr.expr_id in per_record:
                clauses += _record_expr(expr, member(per_record[expr.expr_id]))
            else:
                clauses += _expr(expr, programme)
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
                    clauses += [c for e in walk_expr(expr) for c in _expr(e, programme)]
    return Program(f"{policy.policy_id}.gates", tuple(_dedupe(clauses)))


def _dedupe(clauses: list[Clause]) -> list[Clause]:
    seen: set[Clause] = set()
    return [c for c in clauses if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]


# ── applicant-level conditions (three-valued) ──────────────────────────────────────────────


def _applicant_node(cond: ir.Cond) -> list[Clause]:
    node_id = cond.meta.node_id
    h, f = holds(node_id), fails(node_id)
    out: list[Clause] = [read_out("holds", node_id, A, Const(""), h),
                         read_out("fails", node_id, A, Const(""), f)]
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
            truth = _PY_OPS[cond.op](cond.left.value, cond.right.value)  # folded here, once
            out.append(Rule(h if truth else f, (atom("applicant", A),)))
        case ir.Compare():
            left, right = _operand(cond.left, X), _operand(cond.right, Y)
            bind = left[1] + right[1] or [atom("applicant", A)]
            for head, op in ((h, _OPS[cond.op]), (f, _OPS[NEGATED[cond.op]])):
                out.append(Rule(head, (*bind, _compare(left[0], op, right[0]))))
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
        case ir.Exists():
            out.append(Rule(h, (member(cond.record_set),)))
            out.append(Rule(f, (atom("applicant", A), Negated(h))))
        case ir.Stated():
            out.append(Rule(h, (atom("present", A, Const(cond.field.path)),)))
            out.append(Rule(f, (atom("applicant", A), Negated(h))))
        case ir.InterpretationIs():
            read = atom("reading", A, Const(cond.name), V)
            out.append(Rule(h, (read, Comparison(V, "==", Const(cond.value)))))
            out.append(Rule(f, (read, Comparison(V, "!=", Const(cond.value)))))
    return out


def _interpretations(policy: ir.Policy) -> list[Clause]:
    """reading(A, Switch, Value): the applicant file's choice (chosen/3), else the default."""
    name, value = Var("N"), Var("W")
    out: list[Clause] = [
        Rule(atom("reading", A, name, value), (atom("chosen", A, name, value),)),
        Rule(atom("chose", A, name), (atom("chosen", A, name, value),)),
    ]
    for switch in policy.interpretations:
        out.append(Rule(atom("reading", A, Const(switch.name), Const(switch.default)),
                        (atom("applicant", A), Negated(atom("chose", A, Const(switch.name))))))
    return out


def _compare(left: Term, op: str, right: Term) -> Comparison:
    if isinstance(left, Var):
        return Comparison(left, op, right)  # type: ignore[arg-type]
    flipped = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}.get(op, op)
    assert isinstance(right, Var), "a comparison of two constants is folded by the compiler"
    return Comparison(right, flipped, left)  # type: ignore[arg-type]


def _operand(expr: ir.Expr, var: Var) -> tuple[Term, list[BodyLiteral]]:
    """A constant stays inline; anything else is bound from its value."""
    if isinstance(expr, ir.Const):
        return Const(expr.value), []
    return var, [value(expr.expr_id, var)]


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
        case ir.InCollection():
            raise AssertionError("`in <collection>.<field>` is only allowed in record filters")
        case ir.ComparesWith():
            op = _OPS[test.op if positive else NEGATED[test.op]]
            return Comparison(value, op, Const(test.value))  # type: ignore[arg-type]


def _applicant_test(cond: ir.Test, h: Atom, f: Atom) -> list[Clause]:
    field = Const(cond.field.path)
    read = atom("attr", A, field, V)
    known = atom("present", A, field)
    match cond.quantifier:
        case "one":
            return [Rule(h, (read, _value_test(cond.test, V, True))),
                    Rule(f, (read, _value_test(cond.test, V, False)))]
        case "some":
            return [Rule(h, (read, _value_test(cond.test, V, True))),
                    Rule(f, (known, Negated(h)))]
        case "every":
            return [Rule(f, (read, _value_test(cond.test, V, False))),
                    Rule(h, (known, Negated(f)))]


# ── record sets (two-valued filters) ────────────────────────────────────────────────────────


def _record_set(record_set: ir.RecordSet) -> list[Clause]:
    source = (member(record_set.parent) if record_set.parent
              else atom("record", Const(record_set.collection), A, R))
    out: list[Clause] = [
        Rule(member(record_set.name),
             (source, *(passes(f.meta.node_id) for f in record_set.filters))),
        read_out("member", record_set.name, A, R, member(record_set.name)),
    ]
    for flt in record_set.filters:
        out.append(Rule(atom("result", Const("rejected"), Const(record_set.name), R,
                             Const(flt.meta.node_id)),
                        (source, Negated(passes(flt.meta.node_id)))))
        for cond in walk_conditions(flt):
            out += _record_node(cond)
    return out


def _record_node(cond: ir.Cond) -> list[Clause]:
    p = passes(cond.meta.node_id)
    any_record = atom("record", Var("C"), A, R)
    match cond:
        case ir.AllOf():
            return [Rule(p, tuple(passes(c.meta.node_id) for c in cond.children))]
        case ir.AnyOf():
            return [Rule(p, (passes(c.meta.node_id),)) for c in cond.children]
        case ir.Not():
            return [Rule(p, (any_record, Negated(passes(cond.child.meta.node_id))))]
        case ir.Test():
            return _record_test(cond, p)
        case ir.Attested():
            key = Const(f"reviewer_attestations.{cond.criterion}")
            return [Rule(p, (atom("rattr", R, key, Const(True)),))]
        case ir.Stated():
            return [Rule(p, (atom("rpresent", R, Const(cond.field.path)),))]
        case ir.InterpretationIs():
            read = atom("reading", A, Const(cond.name), Const(cond.value))
            return [Rule(p, (any_record, read))]
        case ir.Compare():
            left, right = _record_operand(cond.left, X), _record_operand(cond.right, Y)
            body = (any_record, *left[1], *right[1], _compare(left[0], _OPS[cond.op], right[0]))
            return [Rule(p, body)]
        case _:
            raise AssertionError(f"{type(cond).__name__} is rejected in record filters by ir")


def _record_test(cond: ir.Test, p: Atom) -> list[Clause]:
    field = Const(cond.field.path)
    read = atom("rattr", R, field, V)
    if isinstance(cond.test, ir.InCollection):
        listed = atom(pred("listed", cond.meta.node_id), R)
        other = Var("S")
        body = (atom("record", Var("C"), A, R), read, atom("record", Const(cond.test.collection), A, other),
                atom("rattr", other, Const(cond.test.field), V))
        if cond.test.negated:
            return [Rule(listed, body), Rule(p, (atom("record", Var("C"), A, R), Negated(listed)))]
        return [Rule(p, body)]
    if cond.quantifier != "every":
        return [Rule(p, (read, _value_test(cond.test, V, True)))]
    bad = atom(pred("violates", cond.meta.node_id), R)
    return [Rule(bad, (read, _value_test(cond.test, V, False))),
            Rule(p, (atom("rpresent", R, field), Negated(bad)))]


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
    v = value(expr.expr_id, V)
    out: list[Clause] = [read_out("value", expr.expr_id, A, V, v)]
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
        case ir.Count():
            out += _aggregate(expr.expr_id, (member(expr.record_set),), "count", R)
        case ir.Sum():
            body = (member(expr.record_set), atom("rattr", R, Const(expr.field.path), V))
            out += _aggregate(expr.expr_id, body, "sum", R)
        case ir.CountDistinct() if expr.where is not None and expr.sub is not None:
            item = Var("S")
            items: tuple[BodyLiteral, ...] = (
                member(expr.record_set), atom("subrecord", R, Const(expr.sub), item),
                passes(expr.where.meta.node_id, item),
                atom("rattr", item, Const(expr.field.path), V))
            out += _aggregate(expr.expr_id, items, "count", V)
            out += [c for node in walk_conditions(expr.where) for c in _record_node(node)]
        case ir.CountDistinct():
            body = (member(expr.record_set), atom("rattr", R, Const(expr.field.path), V))
            out += _aggregate(expr.expr_id, body, "count", V)
        case ir.SumOf():
            body = (member(expr.record_set), rvalue(expr.expr.expr_id, V))
            out += _aggregate(expr.expr_id, body, "sum", R)
        case ir.StepRef():
            step = next(s for s in programme.amount.steps if s.name == expr.step)  # type: ignore[union-attr]
            out.append(Rule(v, (value(step.expr.expr_id, V),)))
        case ir.Arith():
            out += _arith(expr)
    return out


def _aggregate(expr_id: str, body: tuple[BodyLiteral, ...], kind: str,
               for_each: Var) -> list[Clause]:
    """count (of distinct `for_each`) or sum (of V over distinct `for_each`) per applicant,
    with the explicit 0 when nothing matches (pyDatalog trap 10)."""
    relation, nonempty = pred("agg", expr_id), atom(pred("nonempty", expr_id), A)
    zero = Const(0 if kind == "count" else Decimal(0))
    result = Var("N")
    return [
        Aggregate(relation, kind, (A,), for_each if kind == "count" else V, for_each, body),  # type: ignore[arg-type]
        Rule(nonempty, body),
        Rule(value(expr_id, result), (atom(relation, A, result),)),
        Rule(value(expr_id, zero), (atom("applicant", A), Negated(nonempty))),
    ]


def _record_expr(expr: ir.Expr, domain: Atom) -> list[Clause]:
    """rvalue(E, R, V): an expression computed for each record R of `domain` (the members of
    the set the Σ runs over); an unstated amount is 0."""
    any_record = domain
    v = rvalue(expr.expr_id, Z)
    if isinstance(expr, ir.Const):
        return []
    return [read_out("rvalue", expr.expr_id, R, V, rvalue(expr.expr_id, V)),
            *_record_expr_rules(expr, domain, any_record, v)]


def _record_expr_rules(expr: ir.Expr, domain: Atom, any_record: Atom, v: Atom) -> list[Clause]:
    match expr:
        case ir.FieldValue():
            field = Const(expr.field.path)
            return [Rule(rvalue(expr.expr_id, V), (domain, atom("rattr", R, field, V))),
                    Rule(rvalue(expr.expr_id, Const(0)),
                         (any_record, Negated(atom("rpresent", R, field))))]
        case ir.YearOf():
            return [Rule(rvalue(expr.expr_id, V),
                         (domain, atom("rattr", R, Const(year_field(expr.field.path)), V)))]
        case ir.ItemCount():
            items = atom("subrecord", R, Const(expr.sub), Var("S"))
            body: tuple[BodyLiteral, ...] = (domain, items) if expr.where is None else (
                domain, items, passes(expr.where.meta.node_id, Var("S")))
            relation, nonempty = pred("agg", expr.expr_id), atom(pred("nonempty", expr.expr_id), R)
            out: list[Clause] = [
                Aggregate(relation, "count", (R,), Var("S"), Var("S"), body),
                Rule(nonempty, body),
                Rule(rvalue(expr.expr_id, V), (atom(relation, R, V),)),
                Rule(rvalue(expr.expr_id, Const(0)), (any_record, Negated(nonempty))),
            ]
            if expr.where is not None:
                out += [c for node in walk_conditions(expr.where) for c in _item_node(node)]
            return out
        case ir.IfThen():
            then, otherwise = _record_operand_value(expr.then, X), _record_operand_value(expr.otherwise, Y)
            test = passes(expr.condition.meta.node_id)
            out = [c for node in walk_conditions(expr.condition) for c in _record_node(node)]
            return out + [
                Rule(v, (test, *then[1], Assign(Z, "+", then[0], Const(0)))),
                Rule(v, (any_record, Negated(test), *otherwise[1],
                         Assign(Z, "+", otherwise[0], Const(0)))),
            ]
        case ir.Arith():
            left, right = _record_operand_value(expr.left, X), _record_operand_value(expr.right, Y)
            return _arith_rules(expr.op, v, left, right, (any_record,))
    raise AssertionError(f"{type(expr).__name__} is rejected inside records by ir")


def _record_operand_value(expr: ir.Expr, var: Var) -> tuple[Term, list[BodyLiteral]]:
    if isinstance(expr, ir.Const):
        return Const(expr.value), []
    return var, [rvalue(expr.expr_id, var)]


def _item_node(cond: ir.Cond) -> list[Clause]:
    """Sub-record filters are record filters over the sub-records (which are records too)."""
    return _record_node(cond)


def _arith(expr: ir.Arith) -> list[Clause]:
    left, right = _operand(expr.left, X), _operand(expr.right, Y)
    return _arith_rules(expr.op, value(expr.expr_id, Z), left, right, ())


Operand = tuple[Term, list[BodyLiteral]]


def _arith_rules(op: str, head: Atom, left: Operand, right: Operand,
                 domain: tuple[BodyLiteral, ...]) -> list[Clause]:
    """head's Z = left op right, computed in the body (trap 5); min/max as two guarded rules.
    Shared by applicant-level values and per-record values (which add their `domain`)."""
    bind = (*domain, *left[1], *right[1]) or (atom("applicant", A),)  # constants alone
    if op in ("min", "max"):
        first, second = ("<=", ">") if op == "min" else (">=", "<")
        return [Rule(head, (*bind, Assign(Z, "+", left[0], Const(0)),
                            _compare(left[0], first, right[0]))),
                Rule(head, (*bind, Assign(Z, "+", right[0], Const(0)),
                            _compare(left[0], second, right[0])))]
    operator = {"+": "+", "-": "-", "×": "*"}[op]
    return [Rule(head, (*bind, Assign(Z, operator, left[0], right[0])))]  # type: ignore[arg-type]


def _amount(amount: ir.Amount) -> list[Clause]:
    """Caps in order (R2): each takes the smaller of the running amount and its limit."""
    out: list[Clause] = []
    for step in amount.steps:  # a fixed sum (一次性给予30万元) is a constant, inlined elsewhere
        if isinstance(step.expr, ir.Const):
            fixed = value(step.expr.expr_id, V)
            out += [Rule(value(step.expr.expr_id, Const(step.expr.value)), (atom("applicant", A),)),
                    read_out("value", step.expr.expr_id, A, V, fixed)]
    previous = amount.steps[-1].expr.expr_id
    for cap in amount.caps:
        limit, bind = _operand(cap.limit, Y)
        out += [
            read_out("value", cap.cap_id, A, V, value(cap.cap_id, V)),
            Rule(value(cap.cap_id, V), (value(previous, V), *bind, _compare(V, "<=", limit))),
            Rule(value(cap.cap_id, Z), (value(previous, V), *bind, _compare(V, ">", limit),
                                        Assign(Z, "+", limit, Const(0)))),
        ]
        previous = cap.cap_id
    return out
