"""Record sets → Datalog: three-valued filters (p_<node>(R) passes, r_<node>(R) refused on a
known fact, neither: undecided), membership in_<set>(A, R) and und_<set>(A, R), and per-record
values rv_<expr>(R, V) for the Σ over records of an amount."""

from __future__ import annotations

from typing import assert_never

from eligibility.datalog.program import (
    Aggregate,
    Assign,
    Atom,
    BodyLiteral,
    Clause,
    Const,
    Negated,
    Rule,
    Term,
    Var,
)
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
    every_stated,
    known,
    literal_stated,
    member,
    passes,
    possible,
    pred,
    read_out,
    refused,
    rvalue,
    undecided,
    value_test,
    year_field,
)  # fmt: skip
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import NEGATED
from eligibility.ir.walk import walk_conditions


def record_set_rules(record_set: ir.RecordSet) -> list[Clause]:
    """in_<set>: every filter passes; und_<set>: none refuses, but one cannot decide (a fact it
    reads is missing); a record some filter refuses is rejected, with that filter's id."""
    name = record_set.name
    if record_set.parent:
        sources = [member(record_set.parent), undecided(record_set.parent)]
    else:
        sources = [atom("record", Const(record_set.collection), A, R)]
    some_refusal = atom(pred("refused", name), R)
    out: list[Clause] = [
        Rule(member(name), (sources[0], *(passes(f.meta.node_id) for f in record_set.filters))),
        read_out("member", name, A, R, member(name)),
        Rule(possible(name), (member(name),)),
        Rule(possible(name), (undecided(name),)),
        read_out("undecided", name, A, R, undecided(name)),
        Rule(atom(pred("known", name), A), (known(record_set.collection),)),
    ]
    # with no filter nothing can refuse a record: refused_<set> would have no rule at all, and
    # the engine refuses to negate an undefined predicate (the set is its whole source)
    unrefused = (Negated(some_refusal),) if record_set.filters else ()
    for source in sources:
        out.append(Rule(undecided(name), (source, *unrefused, Negated(member(name)))))
    for flt in record_set.filters:
        for source in sources:
            out.append(Rule(some_refusal, (source, refused(flt.meta.node_id))))
            out.append(
                Rule(
                    atom("result", Const("rejected"), Const(name), R, Const(flt.meta.node_id)),
                    (source, refused(flt.meta.node_id)),
                )
            )
            out.append(
                Rule(
                    atom("result", Const("passes"), Const(name), R, Const(flt.meta.node_id)),
                    (source, passes(flt.meta.node_id)),
                )
            )
        literal = literal_stated(flt)
        for cond in walk_conditions(flt):
            out += record_node_rules(cond, literal)
    return out


def record_node_rules(cond: ir.Cond, literal: frozenset[str] = frozenset()) -> list[Clause]:
    """passes and refused for one filter node: three-valued, like holds and fails.
    `literal`: the `stated` nodes that ask whether the file states a fact (two-valued); any
    other `stated` passes when the fact is given and is undecided when it is not."""
    node_id = cond.meta.node_id
    p, r = passes(node_id), refused(node_id)
    any_record = atom("record", Var("C"), A, R)
    match cond:
        case ir.AllOf():
            return [
                Rule(p, tuple(passes(c.meta.node_id) for c in cond.children)),
                *(Rule(r, (refused(c.meta.node_id),)) for c in cond.children),
            ]
        case ir.AnyOf():
            return [
                *(Rule(p, (passes(c.meta.node_id),)) for c in cond.children),
                Rule(r, tuple(refused(c.meta.node_id) for c in cond.children)),
            ]
        case ir.Not():
            child = cond.child.meta.node_id
            return [Rule(p, (refused(child),)), Rule(r, (passes(child),))]
        case ir.Test():
            return _record_test(cond, p, r)
        case ir.Attested():
            return _record_attested(cond, p, r)
        case ir.Stated():
            present = atom("rpresent", R, Const(cond.field.path))
            if node_id not in literal:
                return [Rule(p, (present,))]
            return [Rule(p, (present,)), Rule(r, (any_record, Negated(present)))]
        case ir.InterpretationIs():
            read = atom("reading", A, Const(cond.name), V)
            return [
                Rule(p, (any_record, read, compare(V, "==", Const(cond.value)))),
                Rule(r, (any_record, read, compare(V, "!=", Const(cond.value)))),
            ]
        case ir.Compare() if isinstance(cond.left, ir.Const) and isinstance(cond.right, ir.Const):
            truth = PY_OPS[cond.op](cond.left.value, cond.right.value)  # folded here, once
            return [Rule(p if truth else r, (any_record,))]
        case ir.Compare():
            left, right = _record_operand(cond.left, X), _record_operand(cond.right, Y)
            bind = (any_record, *left[1], *right[1])
            return [
                Rule(p, (*bind, compare(left[0], OPS[cond.op], right[0]))),
                Rule(r, (*bind, compare(left[0], OPS[NEGATED[cond.op]], right[0]))),
            ]
        case ir.Selected() | ir.Exists():
            raise AssertionError(f"{type(cond).__name__} is rejected in record filters by ir")
        case _:
            assert_never(cond)


def _record_attested(cond: ir.Attested, p: Atom, r: Atom) -> list[Clause]:
    """The record's own finding decides; under `else application` a record without one takes
    the application's, and with neither finding the record stays undecided."""
    key = Const(f"reviewer_attestations.{cond.criterion}")
    own: list[Clause] = [
        Rule(p, (atom("rattr", R, key, Const(True)),)),
        Rule(r, (atom("rattr", R, key, Const(False)),)),
    ]
    match cond.scope:
        case "applicant" | "record":  # in a record filter plain `attested` reads the record
            return own
        case "record_else_application":
            none_own = (atom("record", Var("C"), A, R), Negated(atom("rpresent", R, key)))
            return own + [
                Rule(p, (*none_own, atom("attr", A, key, Const(True)))),
                Rule(r, (*none_own, atom("attr", A, key, Const(False)))),
            ]
        case _:
            assert_never(cond.scope)


def _record_test(cond: ir.Test, p: Atom, r: Atom) -> list[Clause]:
    field = Const(cond.field.path)
    read = atom("rattr", R, field, V)
    if isinstance(cond.test, ir.InCollection):
        return _listed_test(cond, cond.test, p, r)
    present = atom("rpresent", R, field)
    match cond.quantifier:
        case "one":
            return [
                Rule(p, (read, value_test(cond.test, V, True))),
                Rule(r, (read, value_test(cond.test, V, False))),
            ]
        case "some":
            return [Rule(p, (read, value_test(cond.test, V, True))), Rule(r, (present, Negated(p)))]
        case "every":
            return [
                Rule(r, (read, value_test(cond.test, V, False))),
                Rule(p, (present, Negated(r))),
            ]


def _listed_test(cond: ir.Test, test: ir.InCollection, p: Atom, r: Atom) -> list[Clause]:
    """`[not] in <collection>.<field>`: listed decides at once; "not listed" is known only
    when the record states its value, the file gives the other collection, and every record
    of it states the field (a prior award without its record ids may cover this record)."""
    node_id, field = cond.meta.node_id, Const(cond.field.path)
    any_record = atom("record", Var("C"), A, R)
    listed, unlisted = atom(pred("listed", node_id), R), atom(pred("unlisted", node_id), R)
    gap = atom(pred("gap", node_id), A)
    other = Var("S")
    listed_body = (
        any_record,
        atom("rattr", R, field, V),
        atom("record", Const(test.collection), A, other),
        atom("rattr", other, Const(test.field), V),
    )
    unlisted_body = (
        any_record,
        atom("rpresent", R, field),
        known(test.collection),
        Negated(gap),
        Negated(listed),
    )
    gap_body = (
        atom("record", Const(test.collection), A, other),
        Negated(atom("rpresent", other, Const(test.field))),
    )
    yes, no = (r, p) if test.negated else (p, r)
    return [
        Rule(listed, listed_body),
        Rule(gap, gap_body),
        Rule(unlisted, unlisted_body),
        Rule(yes, (listed,)),
        Rule(no, (unlisted,)),
    ]


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
        case ir.Arith() if expr.op in ("+", "-") and isinstance(expr.right, ir.Const):
            # a year shifted by whole years (ir allows only `year(field) ± constant` here)
            year, bind = _record_operand(expr.left, Var(f"{var.name}0"))
            return var, [*bind, Assign(var, expr.op, year, Const(expr.right.value))]
        case (
            ir.Count()
            | ir.Sum()
            | ir.Arith()
            | ir.StepRef()
            | ir.ApprovedAmount()
            | ir.AwardOf()
            | ir.CountDistinct()
            | ir.ItemCount()
            | ir.SumOf()
            | ir.IfThen()
        ):
            raise AssertionError(f"{type(expr).__name__} is rejected in record filters by ir")
        case _:
            assert_never(expr)


# ── expressions and amounts ────────────────────────────────────────────────────────────────


def record_expr_rules(expr: ir.Expr, domain: Atom) -> list[Clause]:
    """rvalue(E, R, V): an expression computed for each record R of `domain` (the members of
    the set the Σ runs over). A part the record's breakdown does not list is 0; any other
    field it does not state leaves its share underived (the sum's upper bound then unknown)."""
    any_record = domain
    v = rvalue(expr.expr_id, Z)
    if isinstance(expr, ir.Const):
        # Inside a larger per-record expression a constant is inlined; as the whole share of
        # `sum(set: 1万元)` it must be a value of every record, or the sum would read nothing.
        return [Rule(rvalue(expr.expr_id, Const(expr.value)), (domain,))]
    return [
        read_out("rvalue", expr.expr_id, R, V, rvalue(expr.expr_id, V)),
        *_record_value_rules(expr, domain, any_record, v),
    ]


def _record_value_rules(expr: ir.Expr, domain: Atom, any_record: Atom, v: Atom) -> list[Clause]:
    match expr:
        case ir.FieldValue():
            field = Const(expr.field.path)
            stated: list[Clause] = [
                Rule(rvalue(expr.expr_id, V), (domain, atom("rattr", R, field, V)))
            ]
            if "." not in expr.field.path:  # not given: the record's share is unknown
                return stated
            # a part of a breakdown the record gives (a fee of its `financing_service_fees`)
            # and does not list: 0; a part of a breakdown it does not give at all: unknown
            breakdown = Const(expr.field.path.rsplit(".", 1)[0])
            return [
                *stated,
                Rule(
                    rvalue(expr.expr_id, Const(0)),
                    (
                        any_record,
                        atom("rpresent", R, breakdown),
                        Negated(atom("rpresent", R, field)),
                    ),
                ),
            ]
        case ir.YearOf():
            return [
                Rule(
                    rvalue(expr.expr_id, V),
                    (domain, atom("rattr", R, Const(year_field(expr.field.path)), V)),
                )
            ]
        case ir.ItemCount():
            items = atom("subrecord", R, Const(expr.sub), Var("S"))
            body: tuple[BodyLiteral, ...] = (
                (domain, items)
                if expr.where is None
                else (domain, items, passes(expr.where.meta.node_id, Var("S")))
            )
            relation, nonempty = pred("agg", expr.expr_id), atom(pred("nonempty", expr.expr_id), R)
            out: list[Clause] = [
                Aggregate(relation, "count", (R,), Var("S"), Var("S"), body),
                Rule(nonempty, body),
                Rule(rvalue(expr.expr_id, V), (atom(relation, R, V),)),
                Rule(rvalue(expr.expr_id, Const(0)), (any_record, Negated(nonempty))),
            ]
            if expr.where is not None:
                literal = literal_stated(expr.where)
                out += [
                    c
                    for node in walk_conditions(expr.where)
                    for c in record_node_rules(node, literal)
                ]
            return out
        case ir.IfThen():
            then, otherwise = (
                _record_operand_value(expr.then, X),
                _record_operand_value(expr.otherwise, Y),
            )
            test = passes(expr.condition.meta.node_id)
            choice = every_stated(expr.condition)  # `if stated X`: whether the file states X
            out = [
                c
                for node in walk_conditions(expr.condition)
                for c in record_node_rules(node, choice)
            ]
            return out + [
                Rule(v, (test, *then[1], Assign(Z, "+", then[0], Const(0)))),
                Rule(
                    v,
                    (
                        any_record,
                        Negated(test),
                        *otherwise[1],
                        Assign(Z, "+", otherwise[0], Const(0)),
                    ),
                ),
            ]
        case ir.Arith():
            left, right = _record_operand_value(expr.left, X), _record_operand_value(expr.right, Y)
            return arith_rules(expr.op, v, left, right, (any_record,))
        case (
            ir.Const()  # inlined by record_expr_rules
            | ir.ContextValue()
            | ir.Count()
            | ir.Sum()
            | ir.StepRef()
            | ir.ApprovedAmount()
            | ir.AwardOf()
            | ir.CountDistinct()
            | ir.SumOf()
        ):
            raise AssertionError(f"{type(expr).__name__} is rejected inside records by ir")
        case _:
            assert_never(expr)


def _record_operand_value(expr: ir.Expr, var: Var) -> tuple[Term, list[BodyLiteral]]:
    if isinstance(expr, ir.Const):
        return Const(expr.value), []
    return var, [rvalue(expr.expr_id, var)]
