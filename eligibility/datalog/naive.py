"""Evaluate a small non-recursive Datalog program bottom-up in plain Python, without pyDatalog.

What it is for: deciding whether a document applies at all (its gate program: validity dates,
applicant kind, jurisdiction) costs a cold `check` far less here than in pyDatalog, whose
import, rule building and top-down query took ~50 ms for the five gate programs, and an
applicant outside every document's jurisdiction then never imports pyDatalog at all.

It gives the same `Model` as `datalog.engine.evaluate` (tested on every legal test case and
every example). It handles rules whose bodies are atoms, safe negation, comparisons and
assignments, evaluated predicate by predicate in dependency order; it refuses, with
`UnsupportedProgram`, aggregates and recursion, which the gate programs never contain. A value
that does not fit an operator (a date compared with an amount) is an `EngineError`, as in the
engine: a bug, never a confident answer.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any, assert_never

from eligibility.datalog.model import EngineError, Model, model_from_results
from eligibility.datalog.program import (
    Aggregate,
    Assign,
    Atom,
    BodyLiteral,
    Comparison,
    Const,
    GroundFact,
    Negated,
    Program,
    Rule,
    Var,
)  # fmt: skip

Binding = dict[str, Any]
Row = tuple[Any, ...]


class UnsupportedProgram(ValueError):
    """The program has a clause shape this evaluator does not decide (an aggregate, a cycle):
    evaluate it with the engine instead."""


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda value, options: value in options,
    "not in": lambda value, options: value not in options,
}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}


def supports(program: Program) -> bool:
    """Whether `evaluate` decides this program (rules only, no recursion)."""
    try:
        _rules_in_order(program)
    except UnsupportedProgram:
        return False
    return True


def evaluate(program: Program, facts: tuple[GroundFact, ...], applicant_id: str) -> Model:
    """The model of `program` on `facts`, equal to `datalog.engine.evaluate`'s. Only the facts
    of predicates some rule reads are loaded: a gate program reads no record, and a bank with
    10,000 pledges has ~150,000 record facts, which cost 0.15 s a document to index."""
    rules, read = _prepared(program)
    relations = _Relations()
    for fact in facts:
        if fact.predicate in read:
            relations.add(fact.predicate, fact.args)
    for rule in rules:
        derived = [_head_row(rule.head, b) for b in _solutions(rule.body, relations, rule)]
        for row in derived:
            relations.add(rule.head.predicate, row)
    return model_from_results(relations.rows("result"), applicant_id)


_PREPARED: dict[int, tuple[Program, list[Rule], frozenset[str]]] = {}


def _prepared(program: Program) -> tuple[list[Rule], frozenset[str]]:
    """The rules in order and the predicates their bodies read, once per program and process
    (a round decides every applicant's gates with the same five programs)."""
    held = _PREPARED.get(id(program))
    if held is not None and held[0] is program:
        return held[1], held[2]
    rules = _rules_in_order(program)
    read = frozenset(
        {"result"}
        | {p for rule in rules for literal in rule.body for p in _predicates_read(literal)}
    )
    _PREPARED[id(program)] = (program, rules, read)
    return rules, read


def _rules_in_order(program: Program) -> list[Rule]:
    """The rules, grouped by head predicate, each group after every group it reads from:
    a predicate is complete before any rule looks it up (and negation is then sound)."""
    by_head: dict[str, list[Rule]] = {}
    for clause in program.clauses:
        match clause:
            case Rule():
                by_head.setdefault(clause.head.predicate, []).append(clause)
            case Aggregate():
                raise UnsupportedProgram(
                    f"{program.policy_id}: the aggregate {clause.relation} needs the engine"
                )
            case _:
                assert_never(clause)
    ordered: list[Rule] = []
    state: dict[str, str] = {}  # predicate → "visiting" | "done"

    def visit(predicate: str) -> None:
        # Iterative depth would not help readability; the programs' chains are under 20 deep.
        if state.get(predicate) == "done" or predicate not in by_head:
            return
        if state.get(predicate) == "visiting":
            raise UnsupportedProgram(f"{program.policy_id}: {predicate} is recursive")
        state[predicate] = "visiting"
        for rule in by_head[predicate]:
            for literal in rule.body:
                for dependency in _predicates_read(literal):
                    visit(dependency)
        state[predicate] = "done"
        ordered.extend(by_head[predicate])

    for predicate in by_head:
        visit(predicate)
    return ordered


def _predicates_read(literal: BodyLiteral) -> Iterator[str]:
    match literal:
        case Atom():
            yield literal.predicate
        case Negated():
            yield literal.atom.predicate
        case Comparison() | Assign():
            return
        case _:
            assert_never(literal)


class _Relations:
    """Every predicate's rows, with hash indexes on the argument positions a lookup binds,
    built on first use (a predicate is complete by then, see `_rules_in_order`)."""

    def __init__(self) -> None:
        self._rows: dict[str, dict[Row, None]] = {}  # insertion-ordered sets
        self._indexes: dict[tuple[str, tuple[int, ...]], dict[Row, list[Row]]] = {}

    def add(self, predicate: str, row: Row) -> None:
        self._rows.setdefault(predicate, {})[row] = None

    def rows(self, predicate: str) -> Iterable[Row]:
        return self._rows.get(predicate, {}).keys()

    def lookup(self, predicate: str, positions: tuple[int, ...], key: Row) -> list[Row]:
        index = self._indexes.get((predicate, positions))
        if index is None:
            index = {}
            for row in self.rows(predicate):
                index.setdefault(tuple(row[p] for p in positions), []).append(row)
            self._indexes[(predicate, positions)] = index
        return index.get(key, [])


def _solutions(
    body: tuple[BodyLiteral, ...], relations: _Relations, rule: Rule
) -> Iterator[Binding]:
    """Every binding of the body's variables that satisfies it, literal by literal in the
    written order (the compiler orders bodies so that negation and comparisons come after the
    literals binding their variables: pyDatalog trap 6)."""
    bindings: list[Binding] = [{}]
    for literal in body:
        bindings = [b for binding in bindings for b in _extend(literal, binding, relations, rule)]
        if not bindings:
            break
    return iter(bindings)


def _extend(
    literal: BodyLiteral, binding: Binding, relations: _Relations, rule: Rule
) -> Iterator[Binding]:
    match literal:
        case Atom():
            yield from _match(literal, binding, relations)
        case Negated():
            if not any(True for _ in _match(literal.atom, binding, relations)):
                yield binding
        case Comparison():
            if literal.op == "==" and literal.left.name not in binding:  # binds, as in pyDatalog
                yield {**binding, literal.left.name: _value(literal.right, binding, rule)}
                return
            left, right = _value(literal.left, binding, rule), _value(literal.right, binding, rule)
            try:
                holds = _COMPARE[literal.op](left, right)
            except TypeError as error:
                raise EngineError(f"{rule}: {error}") from error
            if holds:
                yield binding
        case Assign():
            try:
                result = _ARITHMETIC[literal.op](
                    _value(literal.left, binding, rule), _value(literal.right, binding, rule)
                )
            except (TypeError, ArithmeticError) as error:
                raise EngineError(f"{rule}: {error}") from error
            known = binding.get(literal.target.name, _UNBOUND)
            if known is _UNBOUND:
                yield {**binding, literal.target.name: result}
            elif known == result:
                yield binding
        case _:
            assert_never(literal)


_UNBOUND = object()


def _match(atom: Atom, binding: Binding, relations: _Relations) -> Iterator[Binding]:
    """The extensions of `binding` by each row of the atom's predicate that fits it."""
    positions: list[int] = []
    key: list[Any] = []
    free: list[tuple[int, str]] = []
    for position, term in enumerate(atom.args):
        if isinstance(term, Const):
            positions.append(position)
            key.append(term.value)
        elif term.name in binding:
            positions.append(position)
            key.append(binding[term.name])
        else:
            free.append((position, term.name))
    for row in relations.lookup(atom.predicate, tuple(positions), tuple(key)):
        extended = dict(binding)
        for position, name in free:  # a variable twice in one atom must match itself
            if extended.setdefault(name, row[position]) != row[position]:
                break
        else:
            yield extended


def _value(term: Var | Const, binding: Binding, rule: Rule) -> Any:
    if isinstance(term, Const):
        return term.value
    if term.name not in binding:
        raise UnsupportedProgram(f"{rule}: {term.name} is used before a literal binds it")
    return binding[term.name]


def _head_row(head: Atom, binding: Binding) -> Row:
    return tuple(
        term.value if isinstance(term, Const) else binding[term.name] for term in head.args
    )
