"""`datalog.sql` and `datalog.duckdb_engine` on small programs: the Datalog semantics the SQL
must keep (exact arithmetic as Python's Decimal, pyDatalog's sums over distinct rows, negation,
applicants kept apart), the refusal of recursion, and every shipped program in Spark SQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from eligibility.compiler import load_policy, policy_files
from eligibility.datalog.duckdb_engine import evaluate_many
from eligibility.datalog.engine import evaluate
from eligibility.datalog.model import EngineError
from eligibility.datalog.program import (
    Aggregate,
    Assign,
    Atom,
    Comparison,
    Const,
    GroundFact,
    Negated,
    Program,
    Rule,
    Var,
)  # fmt: skip
from eligibility.datalog.sql import plan, render

A, R, V, X, Y, Z, N = (Var(n) for n in ("A", "R", "V", "X", "Y", "Z", "N"))


def _value_rule(expr_id: str, *body: object) -> Rule:
    return Rule(Atom("result", (Const("value"), Const(expr_id), A, Z)), tuple(body))  # type: ignore[arg-type]


def _attr(name: str, var: Var) -> Atom:
    return Atom("attr", (A, Const(name), var))


def _facts(applicant: str, **attrs: object) -> tuple[GroundFact, ...]:
    return (
        GroundFact("applicant", (applicant,)),
        *(GroundFact("attr", (applicant, k, v)) for k, v in attrs.items()),  # type: ignore[arg-type]
    )


numbers = st.one_of(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.decimals(
        min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
    ),
    st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(numbers, numbers), min_size=1, max_size=8))
def test_arithmetic_is_pythons_to_the_exponent(pairs: list[tuple[object, object]]) -> None:
    program = Program(
        "t",
        tuple(
            _value_rule(op, _attr("x", X), _attr("y", Y), Assign(Z, op, X, Y))  # type: ignore[arg-type]
            for op in ("+", "-", "*")
        ),
    )
    facts = {f"k{i}": _facts("same-id", x=x, y=y) for i, (x, y) in enumerate(pairs)}
    models = evaluate_many(program, facts)
    for i, (x, y) in enumerate(pairs):
        expected = {"+": x + y, "-": x - y, "*": x * y}  # type: ignore[operator]
        got = models[f"k{i}"].values
        assert {k: _exact(v) for k, v in got.items()} == {k: _exact(v) for k, v in expected.items()}


def _exact(value: object) -> tuple[object, ...]:
    """Value, type and exponent: what the decision can show. Not the sign of a zero: DECIMAL
    has no negative zero, where Python gives Decimal("-0.00") for 0 × −0.01 (documented)."""
    if isinstance(value, Decimal):
        return (value, "Decimal", value.as_tuple().exponent)
    return (value, type(value).__name__)


def _both(program: Program, facts: tuple[GroundFact, ...], applicant: str) -> tuple:
    reference = evaluate(program, facts, applicant)
    ours = evaluate_many(program, {"only": facts})["only"]
    return reference, ours


def test_sum_counts_each_distinct_row_as_pydatalog_does() -> None:
    """Two records with the same amount both count; one record twice counts once."""
    body = (Atom("record", (Const("loans"), A, R)), Atom("rattr", (R, Const("amount"), V)))
    program = Program(
        "t",
        (
            Aggregate("total", "sum", (A,), V, R, body),
            Aggregate("many", "count", (A,), R, R, body),
            Rule(Atom("result", (Const("value"), Const("sum"), A, N)), (Atom("total", (A, N)),)),
            Rule(Atom("result", (Const("value"), Const("n"), A, N)), (Atom("many", (A, N)),)),
        ),
    )
    facts = (
        GroundFact("applicant", ("bank",)),
        *(GroundFact("record", ("loans", "bank", f"loans/{i}")) for i in range(3)),
        GroundFact("rattr", ("loans/0", "amount", Decimal("100.50"))),
        GroundFact("rattr", ("loans/1", "amount", Decimal("100.50"))),
        GroundFact("rattr", ("loans/2", "amount", 7)),
    )
    reference, ours = _both(program, facts, "bank")
    assert reference.values == ours.values == {"sum": Decimal("208.00"), "n": 3}
    assert repr(ours.values["sum"]) == repr(reference.values["sum"])


def test_negation_dates_and_record_keys_stay_with_their_applicant() -> None:
    """Both applicants have a record `loans/0`; only one of them is overdue."""
    program = Program(
        "t",
        (
            Rule(
                Atom("late", (R,)),
                (
                    Atom("rattr", (R, Const("due"), V)),
                    Comparison(V, "<", Const(datetime.date(2024, 1, 1))),
                ),
            ),
            Rule(
                Atom("result", (Const("member"), Const("ok"), A, R)),
                (Atom("record", (Const("loans"), A, R)), Negated(Atom("late", (R,)))),
            ),
        ),
    )
    early, later = datetime.date(2023, 6, 30), datetime.date(2024, 6, 30)
    facts = {
        name: (
            GroundFact("applicant", (name,)),
            GroundFact("record", ("loans", name, "loans/0")),
            GroundFact("rattr", ("loans/0", "due", due)),
        )
        for name, due in (("one", early), ("two", later))
    }
    models = evaluate_many(program, facts)
    assert models["one"].members == {}
    assert models["two"].members == {"ok": ("loans/0",)}
    assert models["two"] == evaluate(program, facts["two"], "two")


def test_a_recursive_program_is_refused() -> None:
    program = Program(
        "t",
        (
            Rule(Atom("p", (A,)), (Atom("q", (A,)),)),
            Rule(Atom("q", (A,)), (Atom("p", (A,)),)),
        ),
    )
    with pytest.raises(EngineError, match="recursive"):
        plan(program)


def test_too_many_decimal_places_is_an_engine_error_not_a_rounded_figure() -> None:
    program = Program("t", (_value_rule("x", _attr("x", X), Assign(Z, "*", X, X)),))
    with pytest.raises(EngineError):
        evaluate_many(program, {"k": _facts("a", x=Decimal("0.000001"))})


@pytest.mark.parametrize("policy_file", policy_files(), ids=lambda p: p.stem)
def test_every_shipped_program_renders_as_spark_sql(policy_file: object) -> None:
    compiled = load_policy(policy_file)  # type: ignore[arg-type]
    for program in (compiled.gate_program, compiled.program):
        statements = render(plan(program), "spark")
        parsed = sqlglot.parse(";\n".join(statements), read="spark")
        assert len(parsed) == len(statements)
        assert all(p is not None and p.key in ("create", "insert") for p in parsed)
        created = [p.find(exp.Table).name for p in parsed if p is not None and p.key == "create"]
        assert len(created) == len(set(created))  # each table created once, then inserted into


@pytest.mark.parametrize("policy_file", policy_files(), ids=lambda p: p.stem)
def test_every_atom_after_the_first_shares_a_variable_with_the_literals_before_it(
    policy_file: object,
) -> None:
    """DuckDB joins each rule's atoms in the written order (`duckdb_engine.SETTINGS`: no
    join-order search): an atom sharing no variable with those before it would be joined to
    them as a cross product, every row by every row of one applicant."""
    compiled = load_policy(policy_file)  # type: ignore[arg-type]
    for program in (compiled.gate_program, compiled.program):
        for clause in program.clauses:
            bound: set[str] = set()
            first = True
            for literal in clause.body:
                if isinstance(literal, Assign):
                    bound.add(literal.target.name)
                if not isinstance(literal, Atom):
                    continue
                names = {arg.name for arg in literal.args if isinstance(arg, Var)}
                assert first or names & bound, f"{clause}: {literal} joins nothing"
                bound |= names
                first = False
