"""Evaluate a Datalog program on ground facts with pyDatalog. The only module that imports it.

Rules, aggregates and facts are built as the engine's own literals and clauses, never as text: `pyDatalog.load()`/`ask()` exec and eval Python, so input must stay
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
import itertools
import os
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
AggregateKinds: Any = None  # pyDatalog.Aggregate: its Len and Sum


def _import_engine() -> None:
    global pyEngine, Logic, AggregateKinds
    if pyEngine is None:
        from pyDatalog import Aggregate as aggregate_kinds
        from pyDatalog import Logic as logic
        from pyDatalog import pyEngine as engine

        pyEngine, Logic, AggregateKinds = engine, logic, aggregate_kinds


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
    # the folder listed, not globbed: glob's pattern machinery cost a check ~1.5 ms
    found = sorted(
        name
        for name in os.listdir(site)
        if name.lower().startswith("pydatalog-") and name.endswith(".dist-info")
    )
    return "pyDatalog " + (found[-1].split("-")[1].removesuffix(".dist") if found else "unknown")


_VALUE_TYPES = (bool, int, Decimal, str, datetime.date)


def evaluate(program: Program, facts: tuple[GroundFact, ...], applicant_id: str) -> Model:
    """The model of `program` on `facts`, in a fresh logic context."""
    _import_engine()
    with _engine_run():
        _new_context()  # for this evaluation only
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
            self._logic = _new_context()
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


def _new_context() -> Any:
    """A fresh logic context, entered (trap 7), whose predicate registry is a plain dict: the
    engine interns every predicate (~2,500 for a full program, each looked up again for every
    literal that names it) in a `WeakValueDictionary`, whose `get` and `__setitem__` are Python
    code, a quarter of building the clauses. Strong references change nothing an evaluation
    can see: a predicate with clauses or facts is held by the context's database anyway, and
    one without is empty, as a re-created one would be; all of them go with the context."""
    logic = Logic()
    logic.Pred_registry = dict(logic.Pred_registry)
    return logic


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
    operator-overloading front end, and the same clause."""
    head = pyEngine.Literal(rule.head.predicate, [_engine_term(a) for a in rule.head.args])
    _assert_clause(pyEngine.Clause(head, [_engine_literal(b) for b in rule.body]), rule)


def _assert_clause(clause: Any, source: Clause) -> None:
    if not pyEngine.assert_(clause):
        raise EngineError(f"the engine refused the clause {source}")


_aggregate_numbers = itertools.count(1)  # names each aggregate's inner predicate, as pyDatalog does


def _add_aggregate(clause: Aggregate) -> None:
    """The three engine clauses pyDatalog's front end makes of
    `(relation_fn[Keys] == len_(F) or sum_(V, for_each=F)) <= body` followed by
    `relation(Keys, R) <= (relation_fn[Keys] == R)`, built directly: the front end spent
    ~1.5 ms an aggregate in its own Term, Function and Body objects (half of all clause
    building). Only the engine's literals, clauses and aggregate object are made, with the
    attributes `pyDatalog.Aggregate.make_literal_for` sets and the engine reads:

      fn(P, Keys, R) :- fn!n(P, Keys, Args, R)    the aggregate literal (engine primitive)
      fn!n(P, Keys, Args) :- body                  the rows it aggregates, distinct by Args
      relation(Keys, R) :- fn(P, Keys, R)

    where fn is `<relation>_fn[<number of keys>]==`, P the constant `_pyD_class` (the front
    end's prefix for a function of no class) and Args `F` (count) or `V, F` (sum)."""
    function = f"{clause.relation}_fn[{len(clause.group)}]=="
    names = [PREFIX_CONSTANT, *(v.name for v in clause.group)]
    arguments = [clause.for_each] if clause.kind == "count" else [clause.value, clause.for_each]
    columns = list(dict.fromkeys([*names, *(v.name for v in arguments)]))  # first occurrence
    position = {name: i for i, name in enumerate(columns)}
    terms = [pyEngine.Const(n) if n == PREFIX_CONSTANT else pyEngine.Var(n) for n in columns]
    value = pyEngine.Var(_AGGREGATE_VALUE)
    aggregate = _aggregate_object(clause, position, len(names))
    inner = f"{function}!{next(_aggregate_numbers)}"
    head = pyEngine.Literal(function, [*terms[: len(names)], value], len(names))
    aggregated = pyEngine.Literal(inner, [*terms, value], None, aggregate)
    _assert_clause(pyEngine.Clause(head, [aggregated]), clause)
    rows = pyEngine.Literal(inner, terms)
    _assert_clause(pyEngine.Clause(rows, [_engine_literal(b) for b in clause.body]), clause)
    result = pyEngine.Literal(
        clause.relation, [*(pyEngine.Var(v.name) for v in clause.group), value]
    )
    read = pyEngine.Literal(function, [*terms[: len(names)], value], len(names))
    _assert_clause(pyEngine.Clause(result, [read]), clause)


PREFIX_CONSTANT = "_pyD_class"
_AGGREGATE_VALUE = "Aggregate_value_"  # no compiled variable ends in "_" (terms.py names them)


def _aggregate_object(clause: Aggregate, position: dict[str, int], key_count: int) -> Any:
    """pyDatalog's own Len or Sum, given every attribute the engine's aggregate primitive reads
    (pyDatalog expressions answer any attribute they lack with an Operation, so none may be
    missing: the engine tests and the engine agreement tests compare every aggregate)."""
    kind = AggregateKinds.Len if clause.kind == "count" else AggregateKinds.Sum
    aggregate = kind.__new__(kind)
    values = {
        "index_first_arg": key_count,  # where the value goes in the function's row
        "index_value": position[
            clause.for_each.name if clause.kind == "count" else clause.value.name
        ],
        "slice_for_each": [position[clause.for_each.name]],
        "reversed_order_by": [],
        "reverse_order": [False] * len(position),
        "slice_group_by": [position[v.name] for v in clause.group],
        "slice_to_variabilize": [],
        "sep": None,
    }
    aggregate.__dict__.update(values)
    return aggregate


def _add(clause: Clause) -> None:
    match clause:
        case Rule():
            _add_directly(clause)
        case Aggregate():
            _add_aggregate(clause)
        case _:
            assert_never(clause)


def _query(name: str, arity: int) -> list[tuple[Any, ...]]:
    """Every row of `name`, asked of the engine directly (the front end would add and retract
    a query clause of its own around the same question)."""
    goal = pyEngine.Literal(name, [pyEngine.Var(f"Q{i}") for i in range(arity)])
    answers = goal.ask()
    if answers is True or not answers:  # True only for a ground goal, which this is not
        return []
    for row in answers:
        for value in row:
            if not isinstance(value, _VALUE_TYPES):
                raise EngineError(f"{name}{row!r}: the engine returned {type(value).__name__}")
    return answers  # type: ignore[no-any-return]


def _read(applicant_id: str) -> Model:
    return model_from_results(_query("result", 4), applicant_id)
