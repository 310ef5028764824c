"""Evaluate a Datalog program on ground facts with pyDatalog. The only module that imports it.

Rules and facts are built as the engine's own literals and clauses (aggregates through the
term API), never as text: `pyDatalog.load()`/`ask()` exec and eval Python, so input must stay
data (pyDatalog notes, trap 1). Each evaluation runs in a fresh logic context (trap 7).
Everything the explainer needs is read with one query of the program's `result/4` relation
(trap 12), and every answer's type is checked, because pyDatalog returns an exception raised
inside a rule as an answer value instead of raising it (trap 2).
"""

from __future__ import annotations

import datetime
import gc
from decimal import Decimal
from pathlib import Path
from typing import Any, assert_never

import pyDatalog as _package
from pyDatalog import Logic, pyEngine
from pyDatalog.pyParser import Term

from eligibility.datalog.model import EngineError, Model, model_from_results
from eligibility.datalog.program import (
    EDB_PREDICATES,
    RESULTS,
    Aggregate,
    Assign,
    Atom,
    BodyLiteral,
    Clause,
    Comparison,
    Const,
    GroundFact,
    Negated,
    Program,
    Rule,
    Var,
)  # fmt: skip


def engine_version() -> str:
    """The installed distribution's version (trap 9: pyDatalog.__version__ is wrong). Read from
    the dist-info folder name: importlib.metadata would cost 20 ms of start-up."""
    site = Path(_package.__file__).resolve().parents[1]
    found = sorted(p.name for p in site.glob("[pP]y[dD]atalog-*.dist-info"))
    return "pyDatalog " + (found[-1].split("-")[1].removesuffix(".dist") if found else "unknown")


_VALUE_TYPES = (bool, int, Decimal, str, datetime.date)


def evaluate(program: Program, facts: tuple[GroundFact, ...], applicant_id: str) -> Model:
    """The model of `program` on `facts`. The garbage collector is paused meanwhile: the
    engine allocates many short-lived cyclic objects and collection doubled its time (trap 12)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(program, facts, applicant_id)
    except EngineError:
        raise
    except Exception as error:  # an exception value met an operator inside the engine (trap 2)
        raise EngineError(f"the engine failed: {type(error).__name__}: {error}") from error
    finally:
        if paused:
            gc.enable()


def _evaluate(program: Program, facts: tuple[GroundFact, ...], applicant_id: str) -> Model:
    Logic()  # a fresh context for this evaluation only
    for name, arity in EDB_PREDICATES + RESULTS:  # declare every predicate, even if empty
        placeholder = _fact_clause(name, ("\x00",) * arity)
        pyEngine.assert_(placeholder)
        pyEngine.retract(placeholder)
    for fact in facts:
        pyEngine.assert_(_fact_clause(fact.predicate, fact.args))
    for clause in program.clauses:
        _add(clause)
    return _read(applicant_id)


def _fact_clause(predicate: str, args: tuple[Any, ...]) -> Any:
    """A ground fact as an engine clause: what pyDatalog.assert_fact builds, without the
    front end's per-argument wrapping (it cost ~0.3 ms a fact). Arguments are data: no text
    is ever parsed or executed."""
    return pyEngine.Clause(pyEngine.Literal(predicate, [pyEngine.Const(a) for a in args]), [])


def _front_end_atom(atom: Atom) -> Any:
    """An atom in pyDatalog's front-end terms: only aggregate clauses need it (it owns their
    encoding); their bodies are plain atoms (see datalog.from_ir._aggregate)."""
    args = (Term(a.name) if isinstance(a, Var) else a.value for a in atom.args)
    return Term(atom.predicate)(*args)


def _front_end_body(body: tuple[BodyLiteral, ...]) -> Any:
    if not all(isinstance(literal, Atom) for literal in body):
        raise EngineError(f"an aggregate body must be plain atoms: {body}")
    conjunction = _front_end_atom(body[0])  # type: ignore[arg-type]
    for literal in body[1:]:
        conjunction = conjunction & _front_end_atom(literal)  # type: ignore[arg-type]
    return conjunction


_ENGINE_OPERATORS = {
    ">=": ">=",
    ">": ">",
    "<=": "<=",
    "<": "<",
    "==": "==",
    "!=": "!=",
    "in": "_pyD_in",
    "not in": "_pyD_not_in",
}


def _engine_term(term: Var | Const) -> Any:
    if isinstance(term, Var):
        return pyEngine.Var(term.name)
    return pyEngine.Term_of(term.value)  # a tuple (for `in`) becomes the engine's tuple term


def _engine_literal(literal: BodyLiteral) -> Any:
    """A body literal as the engine's own literal, built the way pyDatalog's front end builds
    it (comparisons are literals named by their operator; `Z == X op Y` carries an operation)."""
    match literal:
        case Atom():
            return pyEngine.Literal(literal.predicate, [_engine_term(a) for a in literal.args])
        case Negated():
            return pyEngine.Literal(
                "~" + literal.atom.predicate, [_engine_term(a) for a in literal.atom.args]
            )
        case Comparison():
            return pyEngine.Literal(
                _ENGINE_OPERATORS[literal.op],
                [_engine_term(literal.left), _engine_term(literal.right)],
            )
        case Assign():
            operation = pyEngine.Operation(
                _engine_term(literal.left), literal.op, _engine_term(literal.right)
            )
            return pyEngine.Literal("==", [_engine_term(literal.target), operation])
        case _:
            assert_never(literal)


def _add_directly(rule: Rule) -> None:
    """Rules go straight to the engine's clause store: ten times faster than pyDatalog's
    operator-overloading front end, and the same clause. Aggregates take the front end,
    which owns their encoding."""
    head = pyEngine.Literal(rule.head.predicate, [_engine_term(a) for a in rule.head.args])
    clause = pyEngine.Clause(head, [_engine_literal(b) for b in rule.body])
    if not pyEngine.assert_(clause):
        raise EngineError(f"the engine refused the clause {rule}")


def _add(clause: Clause) -> None:
    if isinstance(clause, Rule):
        _add_directly(clause)
        return
    if not isinstance(clause, Aggregate):
        assert_never(clause)
    function = Term(f"{clause.relation}_fn")
    keys = tuple(Term(v.name) for v in clause.group)
    if clause.kind == "count":
        aggregate = Term("len_")(Term(clause.for_each.name))
    else:
        aggregate = Term("sum_")(Term(clause.value.name), for_each=Term(clause.for_each.name))
    key = keys if len(keys) > 1 else keys[0]
    # pyDatalog's clause syntax: `head <= body` adds a clause (it is not a comparison).
    (function[key] == aggregate) <= _front_end_body(clause.body)  # noqa: B015
    result = Term("Agg_result")
    Term(clause.relation)(*keys, result) <= (function[key] == result)  # noqa: B015


def _query(name: str, arity: int) -> list[tuple[Any, ...]]:
    variables = [Term(f"Q{i}") for i in range(arity)]
    answers: list[tuple[Any, ...]] = Term(name)(*variables).data  # pyDatalog is untyped
    for row in answers:
        for value in row:
            if not isinstance(value, _VALUE_TYPES):
                raise EngineError(f"{name}{row!r}: the engine returned {type(value).__name__}")
    return answers


def _read(applicant_id: str) -> Model:
    return model_from_results(_query("result", 4), applicant_id)
