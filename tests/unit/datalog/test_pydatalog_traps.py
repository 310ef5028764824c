"""pyDatalog 0.22.4 itself: each trap of shared/pydatalog-notes.md that the engine relies on
avoiding (1–7 and 10), reproduced directly. If an upgrade changes one of these behaviours, the
test says which note (and which workaround in `datalog.engine`/`datalog.from_ir`) to revisit.
These are the only tests besides the engine that touch pyDatalog."""

from __future__ import annotations

import builtins
import threading
from decimal import Decimal

import pytest
from pyDatalog import Logic, pyDatalog
from pyDatalog.pyParser import Term

A, R, V, W, X, Y = (Term(n) for n in ("A", "R", "V", "W", "X", "Y"))
MARKER = "_eligibility_trap1_marker"


def fresh() -> None:
    Logic()  # a new logic context for this thread, as the engine makes one per evaluation


def p(name: str) -> Term:
    return Term(name)


def rule(head: object, body: object) -> None:
    """Declare `head <= body` (pyDatalog's operator-overloading front end)."""
    head <= body  # noqa: B015 - the comparison declares the rule


def test_trap1_load_executes_its_text_as_python() -> None:
    fresh()
    try:
        pyDatalog.load(f"+ seen(1)\n__import__('builtins').__setattr__('{MARKER}', True)")
        assert getattr(builtins, MARKER, False) is True
    finally:
        if hasattr(builtins, MARKER):
            delattr(builtins, MARKER)


def test_trap1_ask_evaluates_its_text_as_python() -> None:
    fresh()
    pyDatalog.assert_fact("seen", 1)
    with pytest.raises(ZeroDivisionError):
        pyDatalog.ask("seen(X) & (X == 1 // 0)")


def test_trap1_facts_asserted_as_values_stay_data() -> None:
    fresh()
    hostile = f"__import__('builtins').__setattr__('{MARKER}', True)"
    pyDatalog.assert_fact("name", "r1", hostile)
    pyDatalog.assert_fact("name", "'); import os #", "x")
    assert sorted(p("name")(X, Y).data) == [("'); import os #", "x"), ("r1", hostile)]
    assert not hasattr(builtins, MARKER)


def test_trap2_an_exception_inside_a_rule_comes_back_as_an_answer() -> None:
    fresh()
    pyDatalog.assert_fact("amount", "r1", Decimal("1.5"))
    rule(p("scaled")(X, Y), p("amount")(X, V) & (Y == V * 0.5))  # Decimal * float raises
    ((record, answer),) = p("scaled")(X, Y).data
    assert record == "r1"
    assert isinstance(answer, TypeError)  # not raised: returned as a value


def test_trap2_an_exception_value_compared_later_raises_out_of_the_query() -> None:
    """Measured here, not in the notes: arithmetic failures become values, but a comparison
    that meets such a value raises, and the query's `.data` raises with it."""
    fresh()
    pyDatalog.assert_fact("amount", "r1", Decimal("1.5"))
    rule(p("scaled")(X, Y), p("amount")(X, V) & (Y == V * 0.5))
    rule(p("big")(X), p("scaled")(X, Y) & (Decimal(1) < Y))
    with pytest.raises(TypeError, match="not supported between instances of 'TypeError'"):
        _ = p("big")(X).data


def test_trap3_floats_are_canonicalised_decimals_are_exact() -> None:
    fresh()
    pyDatalog.assert_fact("m", "float", 123456.78)
    pyDatalog.assert_fact("m", "decimal", Decimal("123456.78"))
    stored = dict(p("m")(X, Y).data)
    assert stored["float"] != 123456.78  # 123456.7802734375 in 0.22.4
    assert stored["decimal"] == Decimal("123456.78")
    assert isinstance(stored["decimal"], Decimal)


def test_trap3_sum_of_decimals_is_exact() -> None:
    fresh()
    for record, amount in (("r1", "123456.78"), ("r2", "0.01"), ("r3", "0.02")):
        pyDatalog.assert_fact("amt", "a", record, Decimal(amount))
    rule((p("total")[A] == p("sum_")(V, for_each=R)), p("amt")(A, R, V))
    ((applicant, total),) = (p("total")[A] == W).data
    assert (applicant, total) == ("a", Decimal("123456.81"))
    assert isinstance(total, Decimal)


def test_trap4_an_aggregate_compared_in_place_gives_nothing() -> None:
    fresh()
    for record in ("r1", "r2"):
        pyDatalog.assert_fact("amt", "a", record, Decimal(300000))
    rule((p("total")[A] == p("sum_")(V, for_each=R)), p("amt")(A, R, V))
    rule(p("big")(A), (p("total")[A] >= 500000))
    rule(p("big_bound")(A), (p("total")[A] == V) & (V >= 500000))
    assert p("big")(A).data == []  # silently empty
    assert p("big_bound")(A).data == [("a",)]


def test_trap5_arithmetic_in_a_function_head_gives_nothing() -> None:
    fresh()
    pyDatalog.assert_fact("g", "x", 3)
    rule((p("f_head")[X] == V * 2), p("g")(X, V))
    rule((p("f_body")[X] == W), p("g")(X, V) & (W == V * 2))
    assert (p("f_head")[X] == Y).data == []
    assert (p("f_body")[X] == Y).data == [("x", 6)]


def test_trap6_negation_before_its_variables_are_bound_gives_nothing() -> None:
    fresh()
    for name in ("a", "b"):
        pyDatalog.assert_fact("q", name)
    pyDatalog.assert_fact("excluded", "a")
    rule(p("unsafe")(X), ~p("excluded")(X) & p("q")(X))
    rule(p("safe")(X), p("q")(X) & ~p("excluded")(X))
    assert p("unsafe")(X).data == []
    assert p("safe")(X).data == [("b",)]


def test_trap7_logic_contexts_are_isolated() -> None:
    first = Logic()
    pyDatalog.assert_fact("k", 1)
    second = Logic()
    assert second is not first
    pyDatalog.assert_fact("k", 2)
    assert p("k")(X).data == [(2,)]
    Logic(first)
    assert p("k")(X).data == [(1,)]
    Logic(second)
    assert p("k")(X).data == [(2,)]


def test_trap7_a_fresh_context_knows_no_predicate() -> None:
    fresh()
    pyDatalog.assert_fact("k", 1)
    fresh()
    with pytest.raises(AttributeError, match="Predicate without definition"):
        _ = p("k")(X).data  # why the engine declares every predicate before it adds rules


def test_trap7_a_thread_without_its_own_logic_fails() -> None:
    fresh()
    pyDatalog.assert_fact("k", 1)
    outcome: dict[str, object] = {}

    def worker(own_logic: bool) -> None:
        try:
            if own_logic:
                Logic()
                pyDatalog.assert_fact("k", 7)
            outcome[str(own_logic)] = p("k")(X).data
        except Exception as error:  # noqa: BLE001 - the error is the observation
            outcome[str(own_logic)] = error

    for own_logic in (False, True):
        thread = threading.Thread(target=worker, args=(own_logic,))
        thread.start()
        thread.join()
    assert isinstance(outcome["False"], AttributeError)
    assert "_thread._local" in str(outcome["False"])
    assert outcome["True"] == [(7,)]
    assert p("k")(X).data == [(1,)]  # the main thread's context is untouched


def test_trap10_an_empty_group_has_no_aggregate_value() -> None:
    fresh()
    pyDatalog.assert_fact("applicant", "a")
    pyDatalog.assert_fact("rec", "a", "r1")
    pyDatalog.retract_fact("rec", "a", "r1")  # declared, but empty
    rule((p("n")[A] == p("len_")(R)), p("rec")(A, R))
    rule((p("s")[A] == p("sum_")(V, for_each=R)), p("rec")(A, R) & p("amt")(A, R, V))
    pyDatalog.assert_fact("amt", "a", "r0", Decimal(1))
    assert (p("n")[A] == W).data == []  # not [("a", 0)]
    assert (p("s")[A] == W).data == []
