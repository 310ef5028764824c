"""Every dispatcher over an IR or program union handles every member of the union.

mypy (strict, `make type`) proves the static side: each dispatch ends in `assert_never`, so a new
variant is a type error at every site that does not list it. This test is the run-time side,
for when the type checker was not run: it builds a minimal instance of every member of each
union (`typing.get_args`, so a new member is picked up without editing this file) and calls
every dispatcher with it. A member must be handled, or be rejected on purpose with the
dispatcher's own message (a kind the resolver never lets reach that site); reaching
`assert_never` fails the test and names the dispatcher and the member.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from eligibility.datalog import engine, from_ir, records, terms
from eligibility.datalog import program as dl
from eligibility.datalog.facts import record_key
from eligibility.decision import amount, from_model, reference, static
from eligibility.facts import model as facts_model
from eligibility.ir import nodes as ir
from eligibility.ir import walk

_UNREACHABLE = "Expected code to be unreachable"  # typing.assert_never's message


def sample(hint: Any) -> Any:
    """The smallest value of a type: the first choice of a Literal or union (None when
    optional), empty collections, and a dataclass built from samples of its fields."""
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return typing.get_args(hint)[0]
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        return None if type(None) in options else sample(options[0])
    if origin is tuple:
        arguments = typing.get_args(hint)
        return () if arguments[-1] is Ellipsis else tuple(sample(a) for a in arguments)
    if origin in (dict, frozenset, set, list):
        return origin()
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        fields = typing.get_type_hints(hint)
        return hint(**{f.name: sample(fields[f.name]) for f in dataclasses.fields(hint) if f.init})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return next(iter(hint))
    scalars: dict[Any, Any] = {
        str: "x",
        bool: False,
        int: 0,
        Decimal: Decimal(0),
        datetime.date: datetime.date(2024, 1, 1),
        frozenset: frozenset(),
    }
    return scalars[hint]


def members(union: Any) -> list[Any]:
    return list(typing.get_args(union))


def instance_of(member: Any) -> Any:
    """A member's sample, adjusted where the resolver never lets the bare sample through."""
    built = sample(member)
    if member is ir.Compare:  # two constants are folded before any dispatcher sees them
        return dataclasses.replace(built, left=sample(ir.FieldValue))
    if member is ir.SumOf:  # a record's share is read from a field (a constant has no rvalue)
        return dataclasses.replace(built, expr=sample(ir.FieldValue))
    return built


# ── a minimal world the dispatchers can read: one record set "x", one step "x", one record ──

RECORD_SET = sample(ir.RecordSet)
PROGRAMME = dataclasses.replace(
    sample(ir.Programme),
    amount=dataclasses.replace(sample(ir.Amount), steps=(sample(ir.AmountStep),)),
)
POLICY = dataclasses.replace(sample(ir.Policy), record_sets=(RECORD_SET,), programmes=(PROGRAMME,))
RECORD = sample(facts_model.Record)
APPLICANT = dataclasses.replace(sample(facts_model.ApplicantFacts), records=(RECORD,))
RECORD_KEY = record_key(RECORD.collection, RECORD.record_id)
MODEL = engine.Model({}, {}, {}, {})
engine._import_engine()  # _engine_literal builds pyDatalog's objects, imported lazily


def _reference() -> Any:
    return reference._Reference(POLICY, APPLICANT)


def _explainer() -> Any:
    return from_model._Explainer(POLICY, MODEL, from_model.FactIndex(APPLICANT), {})


V = dl.Var("V")
DOMAIN = terms.atom("record", dl.Const("x"), terms.A, terms.R)

# Each dispatcher: how to call it with one member, and the members it rejects on purpose.
RECORD_ONLY = {ir.ItemCount, ir.IfThen}  # per-record expressions (E0306 elsewhere)
NOT_IN_RECORDS = {  # applicant-level expressions, rejected inside a record by the resolver
    ir.ContextValue,
    ir.Count,
    ir.Sum,
    ir.StepRef,
    ir.ApprovedAmount,
    ir.AwardOf,
    ir.CountDistinct,
    ir.SumOf,
}
NOT_RECORD_OPERANDS = set(members(ir.Expr)) - {
    ir.Const,
    ir.FieldValue,
    ir.YearOf,
    ir.ContextValue,
    ir.Arith,  # `year(field) ± N` only; other arithmetic is refused by the resolver
}

Dispatcher = tuple[str, Callable[[Any], object], set[Any]]

COND_DISPATCHERS: list[Dispatcher] = [
    ("ir.walk.child_conditions", walk.child_conditions, set()),
    ("datalog.from_ir._applicant_node", from_ir._applicant_node, set()),
    ("datalog.records.record_node_rules", records.record_node_rules, {ir.Selected, ir.Exists}),
    ("decision.reference._truth", lambda c: _reference()._truth(c), set()),
    (
        "decision.reference._record",
        lambda c: _reference()._record(c, RECORD_KEY),
        {ir.Selected, ir.Exists},
    ),
    ("decision.from_model._leaf", lambda c: _explainer()._leaf(c, "holds"), set()),
]

EXPR_DISPATCHERS: list[Dispatcher] = [
    ("ir.walk.child_exprs", walk.child_exprs, set()),
    ("datalog.from_ir._expr", lambda e: from_ir._expr(e, PROGRAMME, POLICY), RECORD_ONLY),
    ("datalog.from_ir._upper", lambda e: from_ir._upper(e, PROGRAMME, POLICY), set()),
    (
        "datalog.records._record_operand",
        lambda e: records._record_operand(e, V),
        NOT_RECORD_OPERANDS,
    ),
    (
        "datalog.records._record_value_rules",
        lambda e: records._record_value_rules(e, DOMAIN, DOMAIN, terms.rvalue("e", V)),
        NOT_IN_RECORDS | {ir.Const},
    ),
    ("decision.reference._value", lambda e: _reference()._value(e, PROGRAMME), RECORD_ONLY),
    ("decision.reference._upper", lambda e: _reference()._upper(e, PROGRAMME), RECORD_ONLY),
    (
        "decision.reference._per_record",
        lambda e: _reference()._per_record(e, RECORD_KEY),
        NOT_IN_RECORDS,
    ),
    (
        "decision.reference._record_operand",
        lambda e: _reference()._record_operand(e, RECORD_KEY),
        NOT_RECORD_OPERANDS,
    ),
    ("decision.amount._show", lambda e: amount._show(e, MODEL, 0), set()),
    ("decision.amount._show_record", lambda e: amount._show_record(e, MODEL, RECORD_KEY, 0), set()),
]

VALUE_TEST_DISPATCHERS: list[Dispatcher] = [
    ("datalog.terms.value_test", lambda t: terms.value_test(t, V, True), {ir.InCollection}),
    ("decision.reference._test", lambda t: reference._test(t, False), {ir.InCollection}),
    (
        "decision.static.required",
        lambda t: static.required(dataclasses.replace(sample(ir.Test), test=t)),
        set(),
    ),
]

BODY_LITERAL_DISPATCHERS: list[Dispatcher] = [
    ("datalog.engine._engine_literal", engine._engine_literal, set()),
]

CASES = [
    pytest.param(name, call, rejected, member, id=f"{name}[{member.__name__}]")
    for union, dispatchers in (
        (ir.Cond, COND_DISPATCHERS),
        (ir.Expr, EXPR_DISPATCHERS),
        (ir.ValueTest, VALUE_TEST_DISPATCHERS),
        (dl.BodyLiteral, BODY_LITERAL_DISPATCHERS),
    )
    for name, call, rejected in dispatchers
    for member in members(union)
]


@pytest.mark.parametrize(("name", "call", "rejected", "member"), CASES)
def test_dispatcher_handles_every_member(
    name: str, call: Callable[[Any], object], rejected: set[Any], member: Any
) -> None:
    instance = instance_of(member)
    if member in rejected:
        with pytest.raises(AssertionError) as raised:
            call(instance)
        assert _UNREACHABLE not in str(raised.value), f"{name} does not list {member.__name__}"
        return
    try:
        call(instance)
    except AssertionError as error:
        if _UNREACHABLE in str(error):
            pytest.fail(f"{name} does not handle {member.__name__}: add a case for it")
        raise


def test_every_declared_rejection_is_a_member_of_the_union() -> None:
    """A rejection left behind after a variant is removed would hide nothing, but mislead."""
    unions = {
        id(COND_DISPATCHERS): ir.Cond,
        id(EXPR_DISPATCHERS): ir.Expr,
        id(VALUE_TEST_DISPATCHERS): ir.ValueTest,
    }
    for dispatchers in (COND_DISPATCHERS, EXPR_DISPATCHERS, VALUE_TEST_DISPATCHERS):
        union = set(members(unions[id(dispatchers)]))
        for name, _call, rejected in dispatchers:
            assert rejected <= union, name


def test_the_engine_adds_every_kind_of_clause() -> None:
    """Clauses are dispatched by the engine when a program is loaded: each kind must load."""
    atom = terms.atom("applicant", terms.A)
    examples: dict[Any, dl.Clause] = {
        dl.Rule: dl.Rule(terms.atom("p", terms.A), (atom,)),
        dl.Aggregate: dl.Aggregate("n", "count", (terms.A,), terms.A, terms.A, (atom,)),
    }
    assert set(members(dl.Clause)) == set(examples), "add an example of the new clause kind"
    facts = (dl.GroundFact("applicant", ("a",)),)
    engine.evaluate(dl.Program("p", tuple(examples.values())), facts, "a")


ATTESTED_SCOPES = typing.get_args(typing.get_type_hints(ir.Attested)["scope"])


@pytest.mark.parametrize("scope", ATTESTED_SCOPES)
@pytest.mark.parametrize(("name", "call"), [(name, call) for name, call, _ in COND_DISPATCHERS])
def test_dispatcher_handles_every_attested_scope(
    name: str, call: Callable[[Any], object], scope: str
) -> None:
    """Whose finding `attested` reads (the applicant's, the record's, or the record's else the
    application's) is dispatched on too: every scope must be handled."""
    try:
        call(dataclasses.replace(sample(ir.Attested), scope=scope))
    except AssertionError as error:
        if _UNREACHABLE in str(error):
            pytest.fail(f"{name} does not handle attested scope {scope}: add a case for it")
        raise
