"""Loading ground facts into DuckDB for a large applicant: the per-type writers write the cells
`_encode` writes, the facts no atom can match are left out without changing any model, and
the rows read back sort as `_order` sorts them."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.datalog import duckdb_engine
from eligibility.datalog.duckdb_engine import _encode, _kept, _order, _sort_key, _writers
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


def test_text_with_quotes_and_refused_values_take_the_cell_by_cell_way(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """A `"` inside a name is doubled; a number where a name belongs is an engine error."""
    written: dict[str, str] = {}
    monkeypatch.setattr(duckdb_engine, "_read_csv", lambda relation, path: "SELECT 1")

    class Connection:
        def execute(self, statement: str) -> None:
            pass

    def capture(path: Any, text: str, encoding: str) -> None:
        written[path.name] = text

    monkeypatch.setattr(duckdb_engine.Path, "write_text", capture)
    attr = Relation("attr", (TEXT, TEXT, ANY))
    facts = (
        GroundFact("attr", ("a", 'say "hi"', "x")),
        GroundFact("attr", ("a", "n", Decimal("1.50"))),
        GroundFact("attr", ("a", "d", datetime.date(2024, 1, 2))),
        GroundFact("attr", ("a", "b", True)),
    )
    duckdb_engine._load_facts(Connection(), (attr,), {'k"1': facts})
    assert written["attr.csv"].splitlines() == [
        '"k""1","a","say ""hi""",,,"x",',
        '"k""1","a","n",2,1.50,,',
        '"k""1","a","d",,,,2024-01-02',
        '"k""1","a","b",1000,1,,',
    ]
    with pytest.raises(EngineError, match="does not fit"):
        duckdb_engine._load_facts(
            Connection(), (attr,), {"k": (GroundFact("attr", ("a", 3, "x")),)}
        )


def _program() -> Program:
    """Records of `loans` over 100 yuan, and whether the applicant is a bank."""
    return Program(
        "t",
        (
            Rule(
                Atom("big", (R,)),
                (Atom("rattr", (R, Const("amount"), V)), Comparison(V, ">", Const(100))),
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
    kept = _kept(_program())
    assert kept["rattr"] == ((1, frozenset({"amount"})),)
    assert kept["record"] == ((0, frozenset({"loans"})),)
    assert kept["attr"] == ()  # the name is a variable: every attr fact may match


def test_leaving_out_unread_facts_changes_no_model() -> None:
    rng = random.Random(8)
    facts: list[GroundFact] = [GroundFact("applicant", ("bank",))]
    facts.append(GroundFact("attr", ("bank", "kind", "bank")))
    for i in range(300):
        collection = rng.choice(("loans", "leases"))
        key = f"{collection}/{i}"
        facts.append(GroundFact("record", (collection, "bank", key)))
        facts.append(GroundFact("rattr", (key, "amount", Decimal(rng.randrange(0, 20000)) / 100)))
        facts.append(GroundFact("rattr", (key, "name", f"borrower {i}")))
        facts.append(GroundFact("rpresent", (key, "name")))
    ground = tuple(facts)
    program = _program()
    ours = duckdb_engine.evaluate_many(program, {"0": ground})["0"]
    compiled, relations = duckdb_engine._compiled(program)
    everything = duckdb_engine._evaluate_chunk(compiled, relations, {"0": ground}, None)["0"]
    reference = evaluate(program, ground, "bank")
    assert ours == everything == reference
    assert list(ours.members) == list(everything.members)
    assert ours.verdicts == {"bank": "holds"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("a", "b", "ab")), values), max_size=30))
def test_the_cheaper_sort_key_orders_rows_as_order_does(rows: list[tuple[str, Any]]) -> None:
    result = Relation("result", (TEXT, TEXT, TEXT, ANY))
    found = [("value", name, "x", value) for name, value in rows]
    assert sorted(found, key=_sort_key(result)) == sorted(found, key=_order)
