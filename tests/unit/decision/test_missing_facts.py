"""Unknown is never read as known (rule inventory §0.6, A-41; issue #7 item 2).

Each construct that reads a fact (`exists`, counts and sums, a required `stated`, `every` over
a list of objects, `not in <collection>.<field>`) is tried on a small policy compiled from
text with the fact missing: the condition is undetermined and names the fact, the engine and
the reference evaluator agree, and a definite failure still decides while listing what is
also missing. The literal `stated` (under `none`, and the `if stated` of an amount) keeps
asking only whether the file states the fact."""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import cache
from typing import Any

import pytest

from eligibility.compiler import CompiledPolicy, compile_text
from eligibility.datalog.engine import Model, evaluate
from eligibility.datalog.facts import ground_facts
from eligibility.decision.proof import ProgrammeResult, ProofNode
from eligibility.decision.reference import reference_model
from eligibility.evaluate import decide
from tests.support import applicant, contract, pledge

POLICY = """policy t "测试"
  document "渝知发〔2024〕22号"

records deals "交易" from ip_contracts [第十一条（一）] {
  "已登记": cnipa_registration_status in {registered} [第十一条（一）]
  "载明金额": stated registered_contract_amount [第十一条（一）]
  "标的均为专利": every items.ip_type in {invention_patent, utility_model} [第十条]
  "未获奖补": record_id not in prior_awards.record_ids [第十四条]
  any "评审未认定该笔交易不以转化实施为目的" [第十条] {
    none "未逐笔评审" { stated reviewer_attestations.purpose_conversion_implementation }
    "逐笔评审认定": reviewer_attestations.purpose_conversion_implementation is true
  }
}

records pending "待登记的交易" from ip_contracts [第十一条（一）] {
  "未登记": cnipa_registration_status in {pending} [第十一条（一）]
}

records all_deals "全部交易" from ip_contracts [第十一条（一）] {
  "合同": contract_kind in {transfer, licence, open_licence, capital_contribution} [第十条]
}

programme counted "计数" [第九条] {
  requires "信用良好": credit_good is true [第九条（一）]
  requires "交易2笔以上": count(deals) 2笔以上 [第九条（二）]
  requires "载明运营中心类型": stated cq_centre_type [第六条]
  excluded when "有待登记的交易": exists pending [第十三条]
}

records pledges "质押" from pledge_financings [第十一条（二）] {
  "促成": applicant_role in {intermediary} [第十一条（二）]
}

programme per_record "逐笔" [第十条] {
  requires "信用良好": credit_good is true [第九条（一）]
  amount [第十条] {
    award "逐笔合同额×2%" = sum(all_deals: registered_contract_amount × 2%) [第十条]
  }
}

programme fees "服务费" [第十一条（二）] {
  requires "信用良好": credit_good is true [第九条（一）]
  amount [第十一条（二）] {
    award "服务费×40%" =
      sum(pledges: 40% × (financing_service_fees.guarantee + financing_service_fees.valuation))
      [第十一条（二）]
  }
}

programme summed "合计" [第十条] {
  requires "交易金额50万元以上": sum(all_deals.registered_contract_amount) 50万元以上 [第九条（二）]
  amount [第十条] {
    award "合同额×2%" = sum(deals.registered_contract_amount) × 2% [第十条]
  }
}
"""


@cache
def compiled() -> CompiledPolicy:
    return compile_text(POLICY, "t.policy")


BASE: dict[str, Any] = {
    "schema": "eligibility.applicant/1",
    "context": {"application_date": "2025-03-15", "assessment_year": 2024},
    "applicant": {
        "applicant_id": "T-001",
        "legal_form": "company",
        "credit_good": True,
        "cq_centre_type": "none",
        "ip_contracts": [],
        "pledge_financings": [],
        "prior_awards": [],
    },
}


def doc(contracts: list[dict[str, Any]] | None = None, *drop: str, **over: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE)
    if contracts is not None:
        out["applicant"]["ip_contracts"] = contracts
    out["applicant"].update(over)
    for name in drop:
        out["applicant"].pop(name)
    return out


def results(document: dict[str, Any]) -> dict[str, ProgrammeResult]:
    """Every programme's result, after checking that the engine and the oracle agree."""
    facts = applicant(document)
    policy = compiled()
    engine: Model = evaluate(
        policy.program, ground_facts(facts, policy.region_fields), facts.applicant_id
    )
    assert engine == reference_model(policy.policy, facts)
    return {r.programme: r for r in decide((policy,), facts).results}


def find(proof: ProofNode, label: str) -> ProofNode:
    if proof.label == label:
        return proof
    for child in proof.children:
        try:
            return find(child, label)
        except LookupError:
            pass
    raise LookupError(label)


def two_deals(**over: Any) -> list[dict[str, Any]]:
    return [contract("T1", "300000.00", **over), contract("T2", "300000.00", **over)]


def test_with_every_fact_given_both_programmes_qualify() -> None:
    got = results(doc(two_deals()))
    assert got["counted"].outcome == "qualifies"
    assert (got["summed"].outcome, got["summed"].amount) == ("qualifies", Decimal("12000.00"))


# ── collections ────────────────────────────────────────────────────────────────────────────


def test_an_absent_collection_leaves_an_exclusion_undetermined_naming_it() -> None:
    got = results(doc(None, "ip_contracts"))["counted"]
    exclusion = find(got.proof, "有待登记的交易")
    assert exclusion.verdict == "undetermined"
    assert exclusion.children[0].missing == ("ip_contracts",)
    # the count: 0 known records, and no upper bound: not a failure either
    assert find(got.proof, "交易2笔以上").verdict == "undetermined"
    assert got.outcome == "undetermined" and "ip_contracts" in got.missing


def test_an_empty_collection_is_known_to_have_no_records() -> None:
    got = results(doc([]))["counted"]
    assert find(got.proof, "有待登记的交易").verdict == "holds"  # not excluded
    assert find(got.proof, "交易2笔以上").verdict == "fails"
    assert got.outcome == "does_not_qualify" and got.missing == ()


def test_a_definite_failure_decides_and_still_lists_the_missing() -> None:
    got = results(doc(None, "ip_contracts", "cq_centre_type", credit_good=False))["counted"]
    assert got.outcome == "does_not_qualify"
    assert {"ip_contracts", "cq_centre_type"} <= set(got.missing)


# ── stated ─────────────────────────────────────────────────────────────────────────────────


def test_a_required_stated_fact_that_is_absent_is_undetermined_not_failed() -> None:
    got = results(doc(two_deals(), "cq_centre_type"))["counted"]
    node = find(got.proof, "载明运营中心类型")
    assert node.verdict == "undetermined" and node.missing == ("cq_centre_type",)
    assert got.outcome == "undetermined" and got.missing == ("cq_centre_type",)


def test_a_record_without_a_required_amount_is_undecided_not_refused() -> None:
    deals = two_deals() + [contract("T3", "1.00", registered_contract_amount=None)]
    got = results(doc(deals))
    assert got["counted"].outcome == "qualifies"  # 2 known deals already reach 2笔
    summed = got["summed"]
    # T3 may count towards the amount: a range, its missing amount named
    assert summed.outcome == "qualifies"
    assert "ip_contracts[T3].registered_contract_amount" in summed.missing


def test_a_share_that_reads_an_unstated_amount_is_unknown_not_zero() -> None:
    """`sum(set: field × rate)`: a member record without the field adds nothing to the
    confirmed amount and leaves the award without an upper bound, naming the field; it was
    read as 0, a confident amount (outside test 2: a Yubei pledge with no amount at all)."""
    deals = two_deals() + [contract("T3", "1.00", registered_contract_amount=None)]
    got = results(doc(deals))["per_record"]
    assert (got.outcome, got.amount, got.max_amount) == ("qualifies", Decimal("12000.00"), None)
    assert got.missing == ("ip_contracts[T3].registered_contract_amount",)
    assert got.amount_proof is not None and got.amount_proof.partial
    # and when every record states it, the award is definite
    definite = results(doc(two_deals()))["per_record"]
    assert (definite.amount, definite.missing) == (Decimal("12000.00"), ())
    assert definite.amount_proof is not None and not definite.amount_proof.partial


def test_a_part_missing_from_a_given_breakdown_is_0_but_an_absent_breakdown_is_unknown() -> None:
    """A pledge listing its guarantee fee and not its valuation fee paid none; a pledge listing
    no fees at all may have paid any: its share is unknown."""
    listed = pledge("P1", "50000.00", financing_service_fees={"guarantee": "1000.00"})
    got = results(doc(pledge_financings=[listed]))["fees"]
    assert (got.outcome, got.amount, got.missing) == ("qualifies", Decimal("400.00"), ())
    unlisted = pledge("P2", "50000.00")
    got = results(doc(pledge_financings=[listed, unlisted]))["fees"]
    assert (got.outcome, got.amount, got.max_amount) == ("qualifies", Decimal("400.00"), None)
    assert set(got.missing) == {
        "pledge_financings[P2].financing_service_fees.guarantee",
        "pledge_financings[P2].financing_service_fees.valuation",
    }
    facts = applicant(doc(pledge_financings=[listed, unlisted]))
    on_duckdb = decide((compiled(),), facts, "duckdb").results
    assert on_duckdb == decide((compiled(),), facts).results


def test_the_literal_stated_under_none_asks_only_whether_the_file_states_it() -> None:
    reviewed = {"value": False, "reviewer": "评审组", "date": "2025-04-10"}
    refused = contract("T2", "300000.00", reviewer_attestations={
        "purpose_conversion_implementation": reviewed
    })  # fmt: skip
    got = results(doc([contract("T1", "300000.00"), refused]))["counted"]
    count = find(got.proof, "交易2笔以上")
    assert count.verdict == "fails"  # T1 (not reviewed) counts, T2 is refused by the review
    t2 = next(n for n in count.records if n.record_id == "T2")
    assert not t2.counted and t2.reasons and not t2.undecided


# ── every over a list of objects ───────────────────────────────────────────────────────────


def test_every_item_states_its_type_so_every_never_meets_a_missing_one() -> None:
    """`every items.ip_type in …` could read an item without a type as passing; the
    applicant format requires the type on every item, so such a file is an input error."""
    items = [{"ip_number": "ZL1", "ip_type": "invention_patent"}, {"ip_number": "ZL2"}]
    with pytest.raises(AssertionError, match=r"V-REQUIRED.*items\[1\]\.ip_type"):
        applicant(doc([contract("T1", "300000.00", items=items)]))


# ── not in <collection>.<field> ────────────────────────────────────────────────────────────


def test_not_in_an_absent_collection_is_undecided_naming_it() -> None:
    got = results(doc(two_deals(), "prior_awards"))["counted"]
    count = find(got.proof, "交易2笔以上")
    assert count.verdict == "undetermined"
    assert "prior_awards" in got.missing


def test_not_in_a_collection_whose_record_lacks_the_field_is_undecided() -> None:
    award = {"programme_id": "counted", "amount": "1000.00"}  # which records it paid: unknown
    got = results(doc(two_deals(), prior_awards=[award]))["counted"]
    assert find(got.proof, "交易2笔以上").verdict == "undetermined"
    assert "prior_awards[prior_awards[0]].record_ids" in got.missing


def test_a_listed_record_is_refused_whatever_else_is_missing() -> None:
    awards = [
        {"programme_id": "counted", "record_ids": ["T1"]},
        {"programme_id": "counted", "amount": "1000.00"},
    ]
    got = results(doc(two_deals(), prior_awards=awards))["counted"]
    count = find(got.proof, "交易2笔以上")
    assert count.verdict == "fails"  # T1 is listed; T2 undecided: at most 1 < 2
    t1 = next(n for n in count.records if n.record_id == "T1")
    assert t1.reasons and not t1.counted


# ── sums of an amount some record does not state ───────────────────────────────────────────


def test_a_sum_with_an_amount_missing_has_no_upper_bound() -> None:
    deals = [contract("T1", "200000.00"), contract("T2", "1.00", registered_contract_amount=None)]
    summed = results(doc(deals))["summed"]
    threshold = find(summed.proof, "交易金额50万元以上")
    assert threshold.verdict == "undetermined"  # 200,000.00 known, T2's amount unknown
    assert "ip_contracts[T2].registered_contract_amount" in threshold.missing
    # once the known amounts reach the threshold the missing one cannot undo it
    deals[0] = contract("T1", "500000.00")
    assert find(results(doc(deals))["summed"].proof, "交易金额50万元以上").verdict == "holds"
