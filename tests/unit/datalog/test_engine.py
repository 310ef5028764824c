"""`datalog.engine.evaluate`: the workarounds for the pyDatalog traps, seen from outside.
Hostile text stays data (trap 1), exceptions inside rules become EngineError (trap 2), money
stays exact (trap 3), every evaluation is isolated (trap 7), empty aggregates are 0 (trap 10)."""

from __future__ import annotations

import builtins
import dataclasses
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from pyDatalog import pyDatalog

from eligibility.compiler import compile_text
from eligibility.datalog import program as dl
from eligibility.datalog.engine import EngineError, Model, evaluate
from eligibility.datalog.facts import ground_facts
from eligibility.decision.reference import reference_model
from eligibility.evaluate import decide
from eligibility.facts.model import ApplicantFacts
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from tests.support import OPERATION, applicant, chongqing, contract, contracts_totalling, document

MARKER = "_eligibility_engine_marker"
HOSTILE = (
    "'); import os #",
    "__import__('os')",
    f"__import__('builtins').__setattr__('{MARKER}', True)",
    "X",
    "_",
    "A",
)


def run(facts: ApplicantFacts) -> Model:
    compiled = chongqing()
    return evaluate(
        compiled.program, ground_facts(facts, compiled.region_fields), facts.applicant_id
    )


def node(label: str) -> ir.Compare:
    operation = next(p for p in chongqing().policy.programmes if p.programme_id == OPERATION)
    return next(
        c
        for c in walk_conditions(operation.condition)
        if c.meta.label == label and isinstance(c, ir.Compare)
    )


COUNT3 = "促成知识产权交易3笔以上"
SUM50 = "交易金额50万元以上"


# ── trap 1: input is never executed ─────────────────────────────────────────────────────────


@pytest.fixture
def no_text_interface(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine handed text to pyDatalog.load/ask")

    monkeypatch.setattr(pyDatalog, "load", refuse)
    monkeypatch.setattr(pyDatalog, "ask", refuse)


def test_hostile_strings_stay_data(no_text_interface: None) -> None:
    hostile = [
        contract(text, "200000.00", transferor={**contract("x", "0")["transferor"], "name": text})
        for text in HOSTILE
    ]
    doc = document(hostile, applicant_id=HOSTILE[2], name=HOSTILE[0])
    facts = applicant(doc)
    model = run(facts)
    try:
        assert not hasattr(builtins, MARKER)
        assert model == reference_model(chongqing().policy, facts)
        keys = tuple(sorted(f"ip_contracts/{text}" for text in HOSTILE))
        assert model.members["brokered_deals"] == keys
        assert model.values[node(COUNT3).left.expr_id] == len(HOSTILE)
        assert model.values[node(SUM50).left.expr_id] == Decimal("1200000.00")
        benign = applicant(document(contracts_totalling("1200000.00", len(HOSTILE))))
        assert model.verdicts == run(benign).verdicts  # the same decision as plain ids
    finally:
        if hasattr(builtins, MARKER):
            delattr(builtins, MARKER)


def test_applicant_id_that_looks_like_a_variable() -> None:
    # rules use the variable A; an applicant called "A" must still be a constant
    facts = applicant(document(contracts_totalling("600000.00", 3), applicant_id="A"))
    model = run(facts)
    assert model == reference_model(chongqing().policy, facts)
    assert model.verdicts[node(COUNT3).meta.node_id] == "holds"


# ── trap 2: an exception inside a rule becomes an EngineError ───────────────────────────────


def with_constant(obj: object, old: object, new: object) -> object:
    """`obj` (frozen program data) with every Const(old) replaced by Const(new)."""
    if isinstance(obj, dl.Const):
        same = type(obj.value) is type(old) and obj.value == old
        return dl.Const(new) if same else obj
    if dataclasses.is_dataclass(obj):
        return dataclasses.replace(
            obj,
            **{
                f.name: with_constant(getattr(obj, f.name), old, new)
                for f in dataclasses.fields(obj)
            },
        )
    if isinstance(obj, tuple):
        return tuple(with_constant(item, old, new) for item in obj)
    return obj


UNCAPPED = """policy t "测试"
  document "渝知发〔2024〕22号"

records deals "交易" from ip_contracts [第十一条（一）] {
  "已登记": cnipa_registration_status in {registered} [第十一条（一）]
}

programme p "测试" [第十条] {
  requires "有交易": count(deals) 1笔以上 [第九条（二）]
  amount [第十条] {
    award "合同额×2%" = sum(deals.registered_contract_amount) × 2% [第十条]
  }
}
"""


def test_a_float_in_an_award_becomes_an_engine_error() -> None:
    """Decimal * float raises inside pyDatalog, which hands the TypeError back as a value;
    the engine must refuse it rather than report it as an amount."""
    compiled = compile_text(UNCAPPED, "t.policy")
    facts = applicant(document(contracts_totalling("600000.00", 3)))
    ground = ground_facts(facts, compiled.region_fields)
    award = evaluate(compiled.program, ground, facts.applicant_id)  # the control
    assert Decimal(12000) in award.values.values()
    broken = with_constant(compiled.program, Decimal("0.02"), 0.02)
    assert broken != compiled.program
    with pytest.raises(EngineError, match="TypeError"):
        evaluate(broken, ground, facts.applicant_id)


def test_a_float_before_a_cap_becomes_an_engine_error() -> None:
    """The exception value then meets the cap's comparison, where pyDatalog raises instead
    (see test_pydatalog_traps): that too must surface as an EngineError."""
    compiled = chongqing()
    facts = applicant(document(contracts_totalling("600000.00", 3)))
    ground = ground_facts(facts, compiled.region_fields)
    assert Decimal("0.02") in {c.value for c in program_constants(compiled.program)}
    broken = with_constant(compiled.program, Decimal("0.02"), 0.02)
    with pytest.raises(EngineError, match="TypeError"):
        evaluate(broken, ground, facts.applicant_id)


def program_constants(program: dl.Program) -> list[dl.Const]:
    found: list[dl.Const] = []

    def visit(obj: object) -> None:
        if isinstance(obj, dl.Const):
            found.append(obj)
        elif dataclasses.is_dataclass(obj):
            for field in dataclasses.fields(obj):
                visit(getattr(obj, field.name))
        elif isinstance(obj, tuple):
            for item in obj:
                visit(item)

    visit(program)
    return found


# ── trap 3: money is exact ──────────────────────────────────────────────────────────────────


def test_sums_of_money_are_exact_at_the_threshold() -> None:
    amounts = ["301648.35", "158459.21", "39892.44"]  # exactly 500,000.00; as floats it is not
    assert sum(float(a) for a in amounts) < 500000.0
    facts = applicant(document([contract(f"T{k}", a) for k, a in enumerate(amounts)]))
    model = run(facts)
    total = model.values[node(SUM50).left.expr_id]
    assert isinstance(total, Decimal) and total == Decimal("500000.00")
    assert model.verdicts[node(SUM50).meta.node_id] == "holds"
    below = applicant(
        document(
            [contract("T0", "301648.35"), contract("T1", "158459.21"), contract("T2", "39892.43")]
        )
    )
    assert run(below).verdicts[node(SUM50).meta.node_id] == "fails"


# ── trap 7: one context per evaluation ──────────────────────────────────────────────────────


def test_evaluations_do_not_leak_into_each_other() -> None:
    rejected = contract("LEAK", "1.00", facilitated_by_applicant=False)
    first = run(applicant(document([rejected], applicant_id="FIRST")))
    assert ("brokered_deals", "ip_contracts/LEAK") in first.rejections
    second = run(applicant(document(applicant_id="SECOND")))
    assert second.rejections == {} and second.members == {}
    assert second == reference_model(chongqing().policy, applicant(document(applicant_id="SECOND")))


def test_evaluations_in_worker_threads_agree_with_sequential_ones() -> None:
    docs = [document(contracts_totalling("600000.00", k), applicant_id=f"T{k}") for k in (1, 3, 5)]
    applicants = [applicant(d) for d in docs]
    sequential = [run(a) for a in applicants]
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = list(pool.map(run, applicants))
    assert threaded == sequential


# ── trap 10: an empty aggregate is 0 ────────────────────────────────────────────────────────


def test_no_records_count_zero_and_sum_zero() -> None:
    facts = applicant(document())
    model = run(facts)
    # A-03 pairs two record sets in each threshold (one empty under either reading): read the
    # first count and the first sum themselves
    count_expr, sum_expr = node(COUNT3).left, node(SUM50).left
    assert isinstance(count_expr, ir.Arith) and isinstance(sum_expr, ir.Arith)
    count, total = model.values[count_expr.left.expr_id], model.values[sum_expr.left.expr_id]
    assert (count, type(count)) == (0, int)
    assert (total, type(total)) == (Decimal(0), Decimal)
    assert model.verdicts[node(COUNT3).meta.node_id] == "fails"  # not undetermined
    assert model == reference_model(chongqing().policy, facts)


def test_records_none_of_which_qualify_also_count_zero() -> None:
    facts = applicant(
        document(
            [
                contract(
                    "T1",
                    "600000.00",
                    cnipa_registration_status="pending",
                    cnipa_registration_date=None,
                )
            ]
        )
    )
    model = run(facts)
    assert model.values[node(COUNT3).left.expr_id] == 0
    assert "brokered_deals" not in model.members


def test_zero_count_is_explained_as_0_bi_below_3_bi() -> None:
    decision = decide((chongqing(),), applicant(document()))
    result = next(r for r in decision.results if r.programme == OPERATION)
    assert result.outcome == "does_not_qualify"

    def find(proof, label):
        if proof.label == label:
            return proof
        return next((f for c in proof.children if (f := find(c, label))), None)

    count_node = find(result.proof, COUNT3)
    assert (count_node.verdict, count_node.detail) == ("fails", "0 笔 < 3 笔")
    assert find(result.proof, SUM50).detail == "0.00 元 < 500,000.00 元（50万元）"
