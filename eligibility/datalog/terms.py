"""The building blocks of compiled rules, shared by `datalog.from_ir` (programmes) and
`datalog.records` (record sets): variables, the per-node predicate names, the read-out relation,
and the literals for comparisons, value tests and arithmetic."""

from __future__ import annotations

import operator
from typing import assert_never

from eligibility.datalog.program import (
    Assign,
    Atom,
    BodyLiteral,
    Clause,
    Comparison,
    ComparisonOp,
    Const,
    Negated,
    Rule,
    Term,
    Var,
)  # fmt: skip
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import NEGATED

A, R, V, X, Y, Z = (Var(n) for n in ("A", "R", "V", "X", "Y", "Z"))
OPS: dict[ir.CompareOp, ComparisonOp] = {
    "=": "==",
    "!=": "!=",
    ">=": ">=",
    ">": ">",
    "<=": "<=",
    "<": "<",
}
PY_OPS = {
    "=": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


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


def upper(expr_id: str, var: Term) -> Atom:
    """The value's upper bound: counting and summing undecided records too (value() is the
    lower bound, members only). Equal whenever no record is undecided."""
    return atom(pred("u", expr_id), A, var)


def rvalue(expr_id: str, var: Term) -> Atom:
    """The value of a per-record expression for record R."""
    return atom(pred("rv", expr_id), R, var)


def refused(node_id: str, record: Var = R) -> Atom:
    """A record filter fails on a known fact (its dual, as holds/fails for the applicant)."""
    return atom(pred("r", node_id), record)


def undecided(set_name: str) -> Atom:
    """A record no filter refuses but some filter cannot decide: a fact it reads is missing."""
    return atom(pred("und", set_name), A, R)


def possible(set_name: str) -> Atom:
    """A member or an undecided record: what the upper bound of a count or sum runs over."""
    return atom(pred("pos", set_name), A, R)


def member(set_name: str) -> Atom:
    return atom(pred("in", set_name), A, R)


def known(collection: str) -> Atom:
    """The applicant file gives the collection (possibly empty): only then can "no record"
    or an upper bound on a count or sum be known. An absent collection is unknown."""
    return atom("present", A, Const(collection))


def literal_stated(cond: ir.Cond, negated: bool = False) -> frozenset[str]:
    """The `stated` nodes under an odd number of negations (`none`, `excluded when`): there
    `stated X` asks whether the file states X, which is always known ("未逐笔评审"). Where
    `stated X` is required, an absent X is a missing fact: undetermined, never a failure."""
    match cond:
        case ir.Stated():
            return frozenset({cond.meta.node_id}) if negated else frozenset()
        case ir.Not():
            return literal_stated(cond.child, not negated)
        case ir.AnyOf():
            nested = frozenset().union(*(literal_stated(c, negated) for c in cond.children))
            return nested | split_on_stated(cond)
        case ir.AllOf():
            return frozenset().union(*(literal_stated(c, negated) for c in cond.children))
    return frozenset()


def _only_child(cond: ir.Cond) -> ir.Cond:
    """`none { stated X }` is a negated group of one: the test inside it."""
    while isinstance(cond, ir.AllOf | ir.AnyOf) and len(cond.children) == 1:
        cond = cond.children[0]
    return cond


def split_on_stated(cond: ir.AnyOf) -> frozenset[str]:
    """Branches of an `any` that split on whether a fact is stated (`stated X` in one,
    `none { stated X }` in another, each the branch or a direct child of its `all`): there
    `stated X` only chooses the branch, so it is decided either way (渝 第十五条 grace_end)."""

    def direct(child: ir.Cond) -> tuple[ir.Cond, ...]:
        return child.children if isinstance(child, ir.AllOf) else (child,)

    absent = {
        (k, negated.field.path)
        for k, child in enumerate(cond.children)
        for c in direct(child)
        if isinstance(c, ir.Not)
        for negated in [_only_child(c.child)]
        if isinstance(negated, ir.Stated)
    }
    return frozenset(
        c.meta.node_id
        for k, child in enumerate(cond.children)
        for c in direct(child)
        if isinstance(c, ir.Stated) and any(path == c.field.path and j != k for j, path in absent)
    )


def every_stated(cond: ir.Cond) -> frozenset[str]:
    """Every `stated` node of a condition that chooses between two values (`if stated X
    then … else …`, A-08): there the file either states X or it does not."""
    found: set[str] = set()
    pending = [cond]
    while pending:
        node = pending.pop()
        if isinstance(node, ir.Stated):
            found.add(node.meta.node_id)
        elif isinstance(node, ir.Not):
            pending.append(node.child)
        elif isinstance(node, ir.AllOf | ir.AnyOf):
            pending.extend(node.children)
    return frozenset(found)


def year_field(path: str) -> str:
    """The derived fact holding the year of a date field (see datalog.facts)."""
    return f"year:{path}"


_FLIPPED: dict[ComparisonOp, ComparisonOp] = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}


def compare(left: Term, op: ComparisonOp, right: Term) -> Comparison:
    if isinstance(left, Var):
        return Comparison(left, op, right)
    flipped = _FLIPPED.get(op, op)
    assert isinstance(right, Var), "a comparison of two constants is folded by the compiler"
    return Comparison(right, flipped, left)


def value_test(test: ir.ValueTest, value: Var, positive: bool) -> BodyLiteral:
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
            op = OPS[test.op if positive else NEGATED[test.op]]
            return Comparison(value, op, Const(test.value))
        case _:
            assert_never(test)


Operand = tuple[Term, list[BodyLiteral]]


def arith_rules(
    op: str, head: Atom, left: Operand, right: Operand, domain: tuple[BodyLiteral, ...]
) -> list[Clause]:
    """head's Z = left op right, computed in the body (trap 5); min/max as two guarded rules.
    Shared by applicant-level values and per-record values (which add their `domain`)."""
    bind = (*domain, *left[1], *right[1]) or (atom("applicant", A),)  # constants alone
    if op in ("min", "max"):
        guards: tuple[ComparisonOp, ComparisonOp] = ("<=", ">") if op == "min" else (">=", "<")
        first, second = guards
        return [
            Rule(
                head, (*bind, Assign(Z, "+", left[0], Const(0)), compare(left[0], first, right[0]))
            ),
            Rule(
                head,
                (*bind, Assign(Z, "+", right[0], Const(0)), compare(left[0], second, right[0])),
            ),
        ]
    operator = {"+": "+", "-": "-", "×": "*"}[op]
    return [Rule(head, (*bind, Assign(Z, operator, left[0], right[0])))]  # type: ignore[arg-type]
