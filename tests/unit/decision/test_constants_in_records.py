"""Constants where records are read: a filter comparing two constants (folded, not an internal
error) and a per-record share that is a constant (`sum(deals: 1万元)` pays 1万元 a record, not
0.00). Both were found by the type review of 2026-12; the engine and the reference evaluator
must agree on each."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from eligibility.compiler import CompiledPolicy, compile_text
from eligibility.decision.proof import ProgrammeResult
from tests.support import contract, decide_small

POLICY = """policy t "测试"
  document "测〔2024〕1号"
  in force from 2024-03-01 until 2025-12-31 [一]
  applicant organisation [一]

records deals "交易" from ip_contracts [二] {
  "转让": contract_kind in {transfer} [二]
  "常数为真": 2024 >= 2020 [二]
}

records never "从不" from ip_contracts [二] {
  "常数为假": 2020 > 2024 [二]
}

programme per_deal "每笔1万元" [二] {
  requires "有交易": exists deals [二]
  amount [二] {
    award "每笔1万元" = sum(deals: 1万元) [二]
  }
}

programme nothing "从不" [二] {
  requires "有记录": exists never [二]
}
"""


@cache
def compiled() -> CompiledPolicy:
    return compile_text(POLICY, "t.policy")


def _results(contracts: list[dict[str, Any]]) -> dict[str, ProgrammeResult]:
    return decide_small(compiled(), ip_contracts=contracts)


def test_a_constant_share_is_paid_for_every_record() -> None:
    results = _results([contract("T1", "1.00"), contract("T2", "1.00"), contract("T3", "1.00")])
    assert results["per_deal"].outcome == "qualifies"
    assert results["per_deal"].amount == Decimal("30000.00")


def test_a_filter_of_two_constants_is_folded() -> None:
    results = _results([contract("T1", "1.00")])
    assert results["per_deal"].amount == Decimal("10000.00")
    assert results["nothing"].outcome == "does_not_qualify"
