"""Loading ground facts into DuckDB for a large applicant: the per-type writers write the cells
`_encode` writes, and a program's schema holds only the facts some atom of it can match (the
batch's tables hold every program's) without changing any model."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.datalog import duckdb_engine
from eligibility.datalog.duckdb_engine import Batch, _conditions, _kept
from eligibility.datalog.engine import evaluate
from eligibility.datalog.model import EngineError
from eligibility.datalog.program import (
    Atom,
    Comparison,
    Const,
    GroundFact,
    Negated,
    Program,
    Rule,
    Var,
)  # fmt: skip
from eligibility.datalog.sql import Relation
from eligibility.datalog.sql_rows import _encode, _writers, csv_lines, order, sort_key
from eligibility.datalog.sql_values import ANY, TEXT

A, R, V, N = (Var(n) for n in ("A", "R", "V", "N"))
SLOTS = [frozenset(s) for s in ({"s"}, {"num"}, {"d"}, {"num", "s"}, {"num", "d"}, ANY)]
values = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
    ),
    st.text(max_size=8),
    st.dates(),
)


@settings(max_examples=300, deadline=None)
@given(values, st.sampled_from(SLOTS))
def test_a_writer_writes_the_cells_encode_writes(value: Any, slots: frozenset[str]) -> None:
    fact = GroundFact("attr", ("a", "x", value))
    try:
        expected: str | None = ",".join(_encode(value, slots, fact))
    except EngineError:
        expected = None  # the column cannot hold it: no writer either, `_encode` refuses
    write = _writers(slots).get(type(value))
    assert (write(value) if write else None) == expected


def test_text_with_quotes_and_refused_values() -> None:
    """A `"` inside a name is doubled; a number where a name belongs is an engine error."""
    attr = Relation("attr", (TEXT, TEXT, ANY))
    facts = (
        GroundFact("attr", ("a", 'say "hi"', "x")),
        GroundFact("attr", ("a", "n", Decimal("1.50"))),
        GroundFact("attr", ("a", "d", datetime.date(2024, 1, 2))),
        GroundFact("attr", ("a", "b", True)),
    )
    assert csv_lines((attr,), {'k"1': facts}, frozenset())["attr"] == [
        '"k""1","a","say ""hi""",,,"x",',
        '"k""1","a","n",2,1.50,,',
        '"k""1","a","d",,,,2024-01-02',
        '"k""1","a","b",1000,1,,',
    ]
    with pytest.raises(EngineError, match="does not fit"):
        csv_lines((attr,), {"k": (GroundFact("attr", ("a", 3, "x")),)}, frozenset())


def _program(field: str, name: str) -> Program:
    """Records of `loans` whose `field` is over 100, and whether the applicant is a bank."""
    return Program(
        name,
        (
            Rule(
                Atom("big", (R,)),
                (Atom("rattr", (R, Const(field), V)), Comparison(V, ">", Const(100))),
            ),
            Rule(
                Atom("result", (Const("member"), Const("big_loans"), A, R)),
                (Atom("record", (Const("loans"), A, R)), Atom("big", (R,))),
            ),
            Rule(
                Atom("result", (Const("member"), Const("small_loans"), A, R)),
                (Atom("record", (Const("loans"), A, R)), Negated(Atom("big", (R,)))),
            ),
            Rule(
                Atom("result", (Const("holds"), Const("bank"), A, Const(""))),
                (Atom("attr", (A, N, V)), Comparison(V, "==", Const("bank"))),
            ),
        ),
    )


def test_only_the_values_atoms_name_are_kept() -> None:
    kept = _kept(_program("amount", "t"))
    assert kept["rattr"] == ((1, frozenset({"amount"})),)
    assert kept["record"] == ((0, frozenset({"loans"})),)
    assert kept["attr"] == ()  # the name is a variable: every attr fact may match
    assert _conditions(kept) == {"rattr": "c1_s IN ('amount')", "record": "c0_s IN ('loans')"}


def _bank(seed: int) -> tuple[GroundFact, ...]:
    rng = random.Random(seed)
    facts: list[GroundFact] = [GroundFact("applicant", ("bank",))]
    facts.append(GroundFact("attr", ("bank", "kind", "bank")))
    for i in range(300):
        collection = rng.choice(("loans", "leases"))
        key = f"{collection}/{i}"
        facts.append(GroundFact("record", (collection, "bank", key)))
        facts.append(GroundFact("rattr", (key, "amount", Decimal(rng.randrange(0, 20000)) / 100)))
        facts.append(GroundFact("rattr", (key, "term", rng.randrange(0, 200))))
        facts.append(GroundFact("rattr", (key, "name", f"borrower {i}")))
        facts.append(GroundFact("rpresent", (key, "name")))
    return tuple(facts)


def _models(monkeypatch: pytest.MonkeyPatch, above: int) -> list[Any]:
    """Two programs reading different fields of the same records, each evaluated in one batch
    for both applicants and for the second alone."""
    monkeypatch.setattr(duckdb_engine, "KEPT_ABOVE", above)
    found = []
    with Batch({"0": _bank(8), "1": _bank(9)}) as batch:
        for program in (_program("amount", "t1"), _program("term", "t2")):
            for keys in (["0", "1"], ["1"]):
                found.append((program, batch.evaluate(program, keys, {})))
    return found


def test_leaving_out_unread_facts_changes_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each program's schema keeps the facts its atoms can match (`KEPT_ABOVE` 0) or reads
    the batch's tables whole: the same models, in the same order, and pyDatalog's."""
    kept = _models(monkeypatch, 0)
    whole = _models(monkeypatch, 10**9)
    for (program, ours), (_, everything) in zip(kept, whole, strict=True):
        assert ours == everything
        for key, model in ours.items():
            assert list(model.members) == list(everything[key].members)
            assert model == evaluate(program, _bank(8 if key == "0" else 9), "bank")
            assert model.verdicts == {"bank": "holds"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("a", "b", "ab")), values), max_size=30))
def test_the_cheaper_sort_key_orders_rows_as_order_does(rows: list[tuple[str, Any]]) -> None:
    result = Relation("result", (TEXT, TEXT, TEXT, ANY))
    found = [("value", name, "x", value) for name, value in rows]
    assert sorted(found, key=sort_key(result)) == sorted(found, key=order)
