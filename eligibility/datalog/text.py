"""`Program` → Datalog text, for people: `eligibility compile --print` and the program goldens
(`tests/golden/programs/<policy>.dl`), so that every change to what a policy compiles to shows in
review as a diff of rules rather than only as changed answers.

The text is for reading, not for loading: no engine is ever handed it (pyDatalog's `load`
executes text as Python). One clause a line, in program order:

    h_cq_ops_credit(A) :- attr(A, "credit_good", true).
    agg_cq_deals(A, #) :- # = count R for each distinct R : in_cq_deals(A, R).
"""

from __future__ import annotations

import datetime
import json
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
    Value,
    Var,
)


def program_text(program: Program) -> str:
    """The whole program: a header line, then one clause a line."""
    lines = [f"% policy {program.policy_id}: {len(program.clauses)} clauses"]
    lines += [clause_text(clause) for clause in program.clauses]
    return "\n".join(lines) + "\n"


def clause_text(clause: Clause) -> str:
    match clause:
        case Rule(head, body):
            if not body:
                return f"{_atom(head)}."
            return f"{_atom(head)} :- {', '.join(_literal(b) for b in body)}."
        case Aggregate(relation, kind, group, value, for_each, body):
            columns = ", ".join([*(v.name for v in group), "#"])
            over = f"{kind} {value.name} for each distinct {for_each.name}"
            return f"{relation}({columns}) :- # = {over} : {', '.join(map(_literal, body))}."
        case _:
            assert_never(clause)


def _literal(literal: BodyLiteral) -> str:
    match literal:
        case Atom():
            return _atom(literal)
        case Negated(atom):
            return f"not {_atom(atom)}"
        case Comparison(left, op, right):
            return f"{left.name} {op} {_term(right)}"
        case Assign(target, op, left, right):
            return f"{target.name} = {_term(left)} {op} {_term(right)}"
        case _:
            assert_never(literal)


def _atom(atom: Atom) -> str:
    return f"{atom.predicate}({', '.join(_term(t) for t in atom.args)})"


def _term(term: Term) -> str:
    match term:
        case Var(name):
            return name
        case Const(value):
            return _value(value)
        case _:
            assert_never(term)


def _value(value: Value) -> str:
    """A constant, its type visible: true/false, 12, 1.50d (Decimal), 2024-01-01, "text",
    ("a", "b")."""
    match value:
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case Decimal():
            return f"{value}d"
        case datetime.date():
            return value.isoformat()
        case str():
            return json.dumps(value, ensure_ascii=False)
        case tuple():
            return "(" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + ")"
        case _:
            assert_never(value)
