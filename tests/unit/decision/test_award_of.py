"""`award(p)` in a condition reads another programme's computed award (after its caps), as
京财经建〔2022〕118号 第十四条 从高不重复 needs: decided, a range when that programme sums undecided
records (so the comparison may be undetermined, naming the facts), unknown when its amount is.
The engine and the reference evaluator must agree on each."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from eligibility.compiler import CompiledPolicy, compile_text
from eligibility.decision.proof import ProgrammeResult
from tests.support import contract, decide_small

# `deals` sums registered contracts at 10%, capped at 5万元; `fixed` pays 1万元 and gives way
# when `deals` pays more; `approved` pays its approved amount and gives way on a tie or more.
POLICY = """policy t "测试"
  document "测〔2024〕1号"
  in force from 2024-03-01 until 2025-12-31 [一]
  applicant organisation [一]

records registered "已登记的交易" from ip_contracts [二] {
  "已登记": cnipa_registration_status in {registered} [二]
}

programme deals "按交易额10%" [二] {
  requires "有交易": exists registered [二]
  amount [二] {
    award "交易额的10%" = sum(registered.registered_contract_amount) × 10% [二]
    at most 5万元 [二]
  }
}

programme fixed "定额1万元" [三] {
  excluded when "从高不重复：按交易额的支持更高": award(deals) > award(fixed) [四]
  amount [三] {
    award "定额" = 1万元 [三]
  }
}

programme approved "核定金额" [三] {
  requires "经评审立项": selected [三]
  excluded when "从高不重复：按交易额的支持更高或相同": award(deals) >= award(approved) [四]
  amount [三] {
    award "核定金额" = approved_amount [三]
  }
}
"""


@cache
def compiled() -> CompiledPolicy:
    return compile_text(POLICY, "t.policy")


def _results(
    contracts: list[dict[str, Any]], **applicant_fields: Any
) -> dict[str, ProgrammeResult]:
    return decide_small(compiled(), ip_contracts=contracts, **applicant_fields)


def _selected(amount: str) -> dict[str, Any]:
    return {"selection_result": {"approved": {"selected": True, "approved_amount": amount}}}


def test_a_higher_award_elsewhere_excludes() -> None:
    results = _results([contract("T1", "200000.00")])  # 10% = 2万元 > 1万元
    assert results["deals"].amount == Decimal("20000.00")
    assert results["fixed"].outcome == "does_not_qualify"


def test_a_lower_award_elsewhere_does_not() -> None:
    results = _results([contract("T1", "50000.00")])  # 10% = 5,000 < 1万元
    assert (results["fixed"].outcome, results["fixed"].amount) == ("qualifies", Decimal("10000.00"))


def test_the_other_award_is_read_after_its_cap() -> None:
    # 10% of 100万元 is 10万元, capped at 5万元: 5万元 against an approved 5万元 is a tie (>=)
    results = _results([contract("T1", "1000000.00")], **_selected("50000.00"))
    assert results["approved"].outcome == "does_not_qualify"
    above = _results([contract("T1", "1000000.00")], **_selected("50000.01"))
    assert above["approved"].outcome == "qualifies"  # 5万元 < 50,000.01: the cap, not 10万元


def test_an_undecided_record_makes_the_comparison_undetermined_and_names_it() -> None:
    # T2's registration is not stated: deals pays 5,000 to 25,000 against 1万元
    unknown = contract("T2", "200000.00", cnipa_registration_status=None)
    results = _results([contract("T1", "50000.00"), unknown])
    assert results["fixed"].outcome == "undetermined"
    assert "ip_contracts[T2].cnipa_registration_status" in results["fixed"].missing


def test_an_undecided_record_that_cannot_tip_it_leaves_it_decided() -> None:
    unknown = contract("T2", "10000.00", cnipa_registration_status=None)  # at most 6,000
    results = _results([contract("T1", "50000.00"), unknown])
    assert results["fixed"].outcome == "qualifies"


def test_an_unknown_award_names_what_it_lacks() -> None:
    results = _results(
        [contract("T1", "50000.00")], selection_result={"approved": {"selected": True}}
    )
    approved = results["approved"]
    assert approved.outcome == "undetermined"
    assert "selection_result.approved.approved_amount" in approved.missing
