"""Evaluate a Datalog program on ground facts with pyDatalog. The only module that imports it.

Rules and facts are built as the engine's own literals and clauses (aggregates through the
term API), never as text: `pyDatalog.load()`/`ask()` exec and eval Python, so input must stay
data (pyDatalog notes, trap 1). Each evaluation runs in a fresh logic context (trap 7).
Everything the explainer needs is read with one query of the program's `result/4` relation
(trap 12), and every answer's type is checked, because pyDatalog returns an exception raised
inside a rule as an answer value instead of raising it (trap 2).

pyDatalog is imported on the first evaluation, not with this module: `Model` and the read-out
are needed by every check, pyDatalog (20 ms to import) only when some document applies (the
gates are decided by `datalog.naive`).
"""

from __future__ import annotations

import datetime
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, assert_never

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

# pyDatalog's modules, bound by `_import_engine` on the first evaluation (see the docstring).
pyEngine: Any = None
Logic: Any = None
Term: Any = None


def _import_engine() -> None:
    global pyEngine, Logic, Term
    if pyEngine is None:
        from pyDatalog import Logic as logic
        from pyDatalog import pyEngine as engine
        from pyDatalog.pyParser import Term as term

        pyEngine, Logic, Term = engine, logic, term


@cache
def engine_version() -> str:
    """The installed distribution's version (trap 9: pyDatalog.__version__ is wrong). Read from
    the dist-info folder name: importlib.metadata would cost 20 ms of start-up. Found without
    importing pyDatalog, which a check whose documents all fail their gates never needs."""
    from importlib.util import find_spec

    spec = find_spec("pyDatalog")
    if spec is None or spec.origin is None:
        return "pyDatalog unknown"
    site = Path(spec.origin).resolve().parents[1]
    found = sorted(p.name for p in site.glob("[pP]y[dD]atalog-*.dist-info"))
    return "pyDatalog " + (found[-1].split("-")[1].removesuffix(".dist") if found else "unknown")


_VALUE_TYPES = (bool, int, Decimal, str, datetime.date)


def evaluate(program: Program, facts: tuple[GroundFact, ...], applicant_id: str) -> Model:
    """The model of `program` on `facts`, in a fresh logic context."""
    _import_engine()
    with _engine_run():
        Logic()  # a fresh context for this evaluation only
        _declare_and_add(program)
        for fact in facts:
            pyEngine.assert_(_fact_clause(fact.predicate, fact.args))
        return _read(applicant_id)


class LoadedProgram:
    """A program's clauses loaded once into a logic context of their own, then evaluated for
    one applicant after another: each evaluation asserts the applicant's facts, queries and
    retracts them, giving the same Model as `evaluate` (tested on every legal test case) at
    less than half the cost, and without the garbage of rebuilding ~1,000 clauses each time.

    The context belongs to the thread that loaded it (trap 7: engine state is per thread, and
    two threads asserting into one context would see each other's facts); `evaluate_reusing`
    keeps one per program and thread."""

    def __init__(self, program: Program) -> None:
        _import_engine()
        self.program = program
        self._thread = threading.get_ident()
        with _engine_run():
            self._logic = Logic()
            _declare_and_add(program)

    def evaluate(self, facts: tuple[GroundFact, ...], applicant_id: str) -> Model:
        if threading.get_ident() != self._thread:
            raise EngineError(f"{self.program.policy_id}: loaded in another thread (trap 7)")
        with _engine_run():
            Logic(self._logic)  # this program's context, with its memo tables emptied
            asserted = [_fact_clause(fact.predicate, fact.args) for fact in facts]
            try:
                for clause in asserted:
                    pyEngine.assert_(clause)
                return _read(applicant_id)
            finally:  # the context is the next applicant's: leave none of this one's facts
                for clause in asserted:
                    pyEngine.retract(clause)


_LOADED_PER_THREAD = 16  # programs kept loaded by each thread (~1-5 MB each), least recent out
_loaded = threading.local()


def evaluate_reusing(program: Program, facts: tuple[GroundFact, ...], applicant_id: str) -> Model:
    """`evaluate`, with the program loaded once per thread and kept (see LoadedProgram): for a
    process that checks many applicants against the same compiled programs."""
    loaded: dict[int, LoadedProgram] = _loaded.__dict__.setdefault("programs", {})
    entry = loaded.pop(id(program), None)  # re-inserted last: the most recently used
    if entry is None or entry.program is not program:
        entry = LoadedProgram(program)
    try:
        model = entry.evaluate(facts, applicant_id)
    except EngineError:
        raise  # and the context, in an unknown state, is not kept
    loaded[id(program)] = entry
    while len(loaded) > _LOADED_PER_THREAD:
        del loaded[next(iter(loaded))]
    return model


@contextmanager
def _engine_run() -> Iterator[None]:
    """The garbage collector paused (the engine allocates many short-lived cyclic objects and
    collection doubled its time, trap 12), and any failure inside the engine an EngineError."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    except EngineError:
        raise
    except Exception as error:  # an exception value met an operator inside the engine (trap 2)
        raise EngineError(f"the engine failed: {type(error).__name__}: {error}") from error
    finally:
        if paused:
            gc.enable()


def _declare_and_add(program: Program) -> None:
    for name, arity in EDB_PREDICATES + RESULTS:  # declare every predicate, even if empty
        placeholder = _fact_clause(name, ("\x00",) * arity)
        pyEngine.assert_(placeholder)
        pyEngine.retract(placeholder)
    for clause in program.clauses:
        _add(clause)


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
