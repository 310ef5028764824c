"""A Datalog program as plain data: rules, aggregates and ground facts.

This is the contract between the compiler (`datalog.from_ir`) and any backend: pyDatalog
today (`datalog.engine`), set-at-a-time SQL for funding rounds later. Nothing here is engine
code; values are exact (`Decimal`, `int`, `date`, `str`, `bool`).

Extensional predicates (facts, see `datalog.facts`):
  applicant(A) · attr(A, Field, Value) · present(A, Field)
  record(Collection, A, R) · rattr(R, Field, Value) · rpresent(R, Field) · within(Region, Ancestor)
  subrecord(R, Name, S): S is one of R's sub-records, e.g. one element of a contract's `items`
  chosen(A, Switch, Value): a named interpretation the applicant file sets (else the default)
Derived: one predicate per condition node, record set and expression (h_<node>(A) holds,
f_<node>(A) fails, p_<node>(R) passes, in_<set>(A, R), v_<expr>(A, V), rv_<expr>(R, V), …),
and the read-out relation the explainer queries once:
  result("holds"|"fails", NodeId, A, "") · result("value", ExprId, A, Value)
  result("member", SetName, A, R) · result("rejected", SetName, R, FilterNodeId)
  result("rvalue", ExprId, R, Value)
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from eligibility.frozen import frozen_record

Value = bool | int | Decimal | str | datetime.date | tuple[str, ...]

EDB_PREDICATES: tuple[tuple[str, int], ...] = (
    ("applicant", 1), ("attr", 3), ("present", 2),
    ("record", 3), ("rattr", 3), ("rpresent", 2), ("within", 2), ("subrecord", 3),
    ("chosen", 3),
)  # fmt: skip
RESULTS: tuple[tuple[str, int], ...] = (("result", 4),)


@frozen_record
class Var:
    name: str  # starts with an upper-case letter


@frozen_record
class Const:
    value: Value


Term = Var | Const


@frozen_record
class Atom:
    predicate: str
    args: tuple[Term, ...]


@frozen_record
class Negated:
    """Safe negation: every variable of `atom` is bound by an earlier literal of the body."""

    atom: Atom


ComparisonOp = Literal[">=", ">", "<=", "<", "==", "!=", "in", "not in"]


@frozen_record
class Comparison:
    left: Var
    op: ComparisonOp
    right: Term


@frozen_record
class Assign:
    """target = left op right, computed in the body (never in a head: pyDatalog trap 5)."""

    target: Var
    op: Literal["+", "-", "*"]
    left: Term
    right: Term


BodyLiteral = Atom | Negated | Comparison | Assign


@frozen_record
class Rule:
    head: Atom
    body: tuple[BodyLiteral, ...]


@frozen_record
class Aggregate:
    """relation(group..., result) where result = count/sum of `value` over distinct `for_each`
    satisfying `body`. A group with no rows has no tuple here: the compiler adds the 0."""

    relation: str
    kind: Literal["count", "sum"]
    group: tuple[Var, ...]
    value: Var
    for_each: Var
    body: tuple[BodyLiteral, ...]


Clause = Rule | Aggregate


@frozen_record
class Program:
    policy_id: str
    clauses: tuple[Clause, ...]


@frozen_record
class GroundFact:
    predicate: str
    args: tuple[Value, ...]
