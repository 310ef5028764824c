"""`datalog.naive`, the plain-Python evaluator that decides the gates: the same Model as
pyDatalog on every gate program, for every legal test case and every example, and a clear
refusal of what it does not decide (aggregates, recursion, a variable used before bound)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.compiler import CompiledPolicy, load_policy, policy_files
from eligibility.datalog import engine, naive
from eligibility.datalog import program as dl
from eligibility.datalog.facts import ground_facts
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import load_applicant
from eligibility.policytests.load import load_suite, suite_name
from eligibility.resources import POLICY_DIR

ROOT = Path(__file__).resolve().parents[3]


@cache
def _policies() -> tuple[CompiledPolicy, ...]:
    return tuple(load_policy(path) for path in policy_files())


def _legal_cases() -> Iterator[object]:
    for tests in sorted(POLICY_DIR.glob("*.tests.yaml")):
        policy_file = tests.with_name(f"{suite_name(tests)}.policy")
        compiled = load_policy(policy_file)
        suite = load_suite(tests, policy_file.relative_to(ROOT), compiled.policy, tests.name)
        assert not suite.problems, suite.problems
        for case in suite.cases:
            yield pytest.param(case.applicant, compiled, id=case.case_id)


def _examples() -> Iterator[object]:
    for path in sorted((ROOT / "examples").glob("*/*.json")):
        applicant = load_applicant(path)
        if isinstance(applicant, ApplicantFacts):  # examples/invalid/ are meant to fail
            yield pytest.param(applicant, id=str(path.relative_to(ROOT / "examples")))


def _assert_same_gates(applicant: ApplicantFacts, compiled: CompiledPolicy) -> None:
    ground = ground_facts(applicant, compiled.region_fields)
    expected = engine.evaluate(compiled.gate_program, ground, applicant.applicant_id)
    found = naive.evaluate(compiled.gate_program, ground, applicant.applicant_id)
    assert found == expected, compiled.policy.policy_id
    assert expected.verdicts, "a gate program that decides nothing tests nothing"


@pytest.mark.parametrize(("applicant", "compiled"), list(_legal_cases()))
def test_gates_agree_with_pydatalog_on_every_legal_case(
    applicant: ApplicantFacts, compiled: CompiledPolicy
) -> None:
    """The case's own document (the examples below try every document's gates)."""
    _assert_same_gates(applicant, compiled)


@pytest.mark.parametrize("applicant", list(_examples()))
def test_gates_agree_with_pydatalog_on_every_example(applicant: ApplicantFacts) -> None:
    """Every document's gate program, as `check` evaluates them."""
    for compiled in _policies():
        _assert_same_gates(applicant, compiled)


def test_every_shipped_gate_program_is_supported() -> None:
    assert all(naive.supports(compiled.gate_program) for compiled in _policies())


def test_a_full_program_with_aggregates_is_not() -> None:
    chongqing = next(c for c in _policies() if c.policy.policy_id.startswith("cq"))
    assert any(isinstance(clause, dl.Aggregate) for clause in chongqing.program.clauses)
    assert not naive.supports(chongqing.program)


# ── refusals ────────────────────────────────────────────────────────────────────────────────

A, X, V = dl.Var("A"), dl.Var("X"), dl.Var("V")


def _result(kind: str, node: str, *body: dl.BodyLiteral) -> dl.Rule:
    return dl.Rule(dl.Atom("result", (dl.Const(kind), dl.Const(node), A, dl.Const(""))), body)


def test_an_aggregate_is_refused_by_name() -> None:
    aggregate = dl.Aggregate("n_contracts", "count", (A,), X, X, (dl.Atom("record", (A, A, X)),))
    with pytest.raises(naive.UnsupportedProgram, match="n_contracts needs the engine"):
        naive.evaluate(dl.Program("p", (aggregate,)), (), "a")


def test_recursion_is_refused_by_name() -> None:
    loop = dl.Rule(dl.Atom("p", (A,)), (dl.Atom("p", (A,)),))
    with pytest.raises(naive.UnsupportedProgram, match="p is recursive"):
        naive.evaluate(dl.Program("prog", (loop,)), (), "a")


def test_a_variable_compared_before_it_is_bound_is_refused() -> None:
    rule = _result("holds", "n", dl.Comparison(X, ">", dl.Const(1)), dl.Atom("applicant", (A,)))
    with pytest.raises(naive.UnsupportedProgram, match="X is used before"):
        naive.evaluate(dl.Program("p", (rule,)), (dl.GroundFact("applicant", ("a",)),), "a")


def test_a_value_that_does_not_fit_the_operator_is_an_engine_error() -> None:
    rule = _result(
        "holds",
        "n",
        dl.Atom("attr", (A, dl.Const("f"), X)),
        dl.Comparison(X, ">=", dl.Const(datetime.date(2024, 1, 1))),
    )
    facts = (dl.GroundFact("attr", ("a", "f", Decimal("1"))),)
    with pytest.raises(engine.EngineError):
        naive.evaluate(dl.Program("p", (rule,)), facts, "a")


# ── every literal shape, against pyDatalog on generated facts ──────────────────────────────

_SHAPES = dl.Program(
    "shapes",
    (
        # an atom with a constant, a comparison, safe negation, `in`, and an assignment
        dl.Rule(dl.Atom("big", (A,)), (dl.Atom("attr", (A, dl.Const("n"), X)),
                                       dl.Comparison(X, ">=", dl.Const(Decimal("3"))))),
        dl.Rule(dl.Atom("small", (A,)), (dl.Atom("applicant", (A,)),
                                         dl.Negated(dl.Atom("big", (A,))))),
        dl.Rule(dl.Atom("kind_ok", (A,)), (dl.Atom("attr", (A, dl.Const("k"), V)),
                                           dl.Comparison(V, "in", dl.Const(("x", "y"))))),
        dl.Rule(dl.Atom("v_twice", (A, V)), (dl.Atom("attr", (A, dl.Const("n"), X)),
                                             dl.Assign(V, "*", X, dl.Const(Decimal("2"))))),
        dl.Rule(dl.Atom("same", (A,)), (dl.Atom("subrecord", (A, X, X)),)),  # a variable twice
        _result("holds", "big", dl.Atom("big", (A,))),
        _result("fails", "big", dl.Atom("small", (A,))),
        _result("holds", "kind", dl.Atom("kind_ok", (A,))),
        _result("holds", "same", dl.Atom("same", (A,))),
        dl.Rule(dl.Atom("result", (dl.Const("value"), dl.Const("twice"), A, V)),
                (dl.Atom("v_twice", (A, V)),)),
        dl.Rule(dl.Atom("result", (dl.Const("member"), dl.Const("s"), A, X)),
                (dl.Atom("record", (dl.Const("c"), A, X)), dl.Negated(dl.Atom("rpresent", (X, dl.Const("bad")))))),
    ),
)  # fmt: skip


@st.composite  # only the EDB predicates: pyDatalog declares no other, and refuses the unknown
def _facts(draw: st.DrawFn) -> tuple[dl.GroundFact, ...]:
    facts = [dl.GroundFact("applicant", ("a",))]
    if draw(st.booleans()):
        number = draw(st.decimals(min_value=-10, max_value=10, places=2))
        facts.append(dl.GroundFact("attr", ("a", "n", number)))
    for kind in draw(st.lists(st.sampled_from(["x", "y", "z"]), max_size=2, unique=True)):
        facts.append(dl.GroundFact("attr", ("a", "k", kind)))
    for left, right in draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)))):
        facts.append(dl.GroundFact("subrecord", ("a", left, right)))
    for record in draw(st.lists(st.sampled_from(["r1", "r2", "r3"]), unique=True)):
        facts.append(dl.GroundFact("record", ("c", "a", record)))
        if draw(st.booleans()):
            facts.append(dl.GroundFact("rpresent", (record, "bad")))
    return tuple(facts)


@settings(max_examples=60, deadline=None)
@given(_facts())
def test_every_literal_shape_agrees_with_pydatalog(facts: tuple[dl.GroundFact, ...]) -> None:
    assert naive.evaluate(_SHAPES, facts, "a") == engine.evaluate(_SHAPES, facts, "a")


def test_decide_hands_a_gate_program_it_refuses_to_the_engine() -> None:
    from eligibility.evaluate import _gate_model

    count = dl.Aggregate(
        "n_records", "count", (A,), X, X, (dl.Atom("record", (dl.Const("c"), A, X)),)
    )
    read = dl.Rule(
        dl.Atom("result", (dl.Const("value"), dl.Const("n"), A, V)),
        (dl.Atom("n_records", (A, V)),),
    )
    program = dl.Program("p", (count, read))
    facts = tuple(dl.GroundFact("record", ("c", "a", r)) for r in ("r1", "r2"))
    model = _gate_model(program, facts, "a")
    assert model == engine.evaluate(program, facts, "a")
    assert model.values == {"n": 2}
