"""Boundaries of 渝知发〔2024〕22号 through the whole decision (`eligibility.evaluate.decide`):
the 第九条（二） thresholds (A-01: 以上 includes the number), the 第十条 amount with R3 rounding
and the 50万 cap, A-05 construction overlap, A-06 trademarks, A-41 missing vs failing."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from eligibility.decision.proof import ProgrammeResult, ProofNode
from eligibility.evaluate import InterpretationError, decide
from tests.support import (
    CQ,
    OPERATION,
    applicant,
    chongqing,
    contract,
    contracts_totalling,
    document,
    period,
    pledge,
)

BRANCH_A = "促成知识产权交易3笔以上，且交易金额50万元以上"
BRANCH_B = "促成知识产权质押融资1000万元以上"
BRANCH_C = "促成知识产权许可转让30次以上"
EXCLUSION = "建设期间的知识产权运营中心不得申报该年度运营绩效补贴"


def operation(doc: dict[str, Any]) -> ProgrammeResult:
    decision = decide((chongqing(),), applicant(doc))
    return next(r for r in decision.results if r.programme == OPERATION)


def find(proof: ProofNode, label: str) -> ProofNode:
    if proof.label == label:
        return proof
    for child in proof.children:
        try:
            return find(child, label)
        except LookupError:
            pass
    raise LookupError(label)


def branches(result: ProgrammeResult) -> dict[str, str]:
    return {label: find(result.proof, label).verdict for label in (BRANCH_A, BRANCH_B, BRANCH_C)}


def open_licence(record_id: str, amount: str) -> dict[str, Any]:
    """A patent open licence by a Chongqing university, implemented: 20% term of 第十条."""
    university = {
        "name": "重庆某大学",
        "legal_form": "public_institution",
        "entity_kinds": ["university"],
        "registered_region": "500106",
    }
    return contract(
        record_id, amount, contract_kind="open_licence", implemented=True, transferor=university
    )


def expected_award(patents: str, pledges: str = "0", open_licences: str = "0") -> Decimal:
    performance = (
        Decimal("0.4") * Decimal(patents)
        + Decimal("0.4") * Decimal(pledges)
        + Decimal("0.2") * Decimal(open_licences)
    )
    return min(performance * Decimal("0.02"), Decimal(500000))


# ── 第九条（二） branch A: 3 笔以上 and 50万元以上 in total ────────────────────────────────────


def test_exactly_three_contracts_totalling_exactly_500000_qualify() -> None:
    result = operation(document(contracts_totalling("500000.00", 3)))
    assert result.outcome == "qualifies"
    assert branches(result) == {BRANCH_A: "holds", BRANCH_B: "fails", BRANCH_C: "fails"}
    assert find(result.proof, "促成知识产权交易3笔以上").detail == "3 笔 ≥ 3 笔"
    assert (
        find(result.proof, "交易金额50万元以上").detail == "500,000.00 元 ≥ 500,000.00 元（50万元）"
    )
    assert result.amount == Decimal("4000.00") == expected_award("500000.00")
    assert f"{CQ} 第九条（二）" in result.citations and f"{CQ} 第十条" in result.citations


def test_one_fen_short_of_500000_fails() -> None:
    result = operation(document(contracts_totalling("499999.99", 3)))
    assert result.outcome == "does_not_qualify"
    assert find(result.proof, "交易金额50万元以上").verdict == "fails"
    assert result.amount is None


def per_transaction(doc: dict[str, Any]) -> dict[str, Any]:
    doc["context"]["interpretations"] = {"cq_branchA_amount_basis": "per_transaction"}
    return doc


def test_a02_per_transaction_reading_needs_three_contracts_of_500000_each() -> None:
    each = [contract(f"T{k}", "500000.00") for k in (1, 2, 3)]
    assert operation(per_transaction(document(each))).outcome == "qualifies"
    short = each[:2] + [contract("T3", "499999.99")]
    assert operation(per_transaction(document(short))).outcome == "does_not_qualify"
    assert operation(document(short)).outcome == "qualifies"  # the default reading: the total


def test_a02_unknown_reading_is_refused() -> None:
    doc = document(contracts_totalling("600000.00", 3))
    doc["context"]["interpretations"] = {"cq_branchA_amount_basis": "per_contract"}
    with pytest.raises(InterpretationError, match="per_transaction"):
        operation(doc)


def test_two_contracts_fail_however_large() -> None:
    result = operation(document(contracts_totalling("9000000.00", 2)))
    assert result.outcome == "does_not_qualify"
    assert find(result.proof, "促成知识产权交易3笔以上").detail == "2 笔 < 3 笔"
    assert find(result.proof, "交易金额50万元以上").verdict == "holds"
    assert branches(result)[BRANCH_A] == "fails"


# ── branch B: pledges 1000万元以上; branch C: 30次以上 ─────────────────────────────────────


def test_pledges_of_exactly_10_million_qualify() -> None:
    result = operation(document(pledges=[pledge("P1", "6000000.00"), pledge("P2", "4000000.00")]))
    assert result.outcome == "qualifies"
    assert branches(result) == {BRANCH_A: "fails", BRANCH_B: "holds", BRANCH_C: "fails"}
    assert result.amount == Decimal("80000.00") == expected_award("0", pledges="10000000")


def test_pledges_one_fen_short_of_10_million_fail() -> None:
    result = operation(document(pledges=[pledge("P1", "9999999.99")]))
    assert result.outcome == "does_not_qualify"
    assert find(result.proof, BRANCH_B).detail == ("9,999,999.99 元 < 10,000,000.00 元（1000万元）")


def test_exactly_30_contracts_qualify_on_branch_c() -> None:
    result = operation(document(contracts_totalling("30000.00", 30)))  # far below 50万
    assert result.outcome == "qualifies"
    assert branches(result) == {BRANCH_A: "fails", BRANCH_B: "fails", BRANCH_C: "holds"}
    assert find(result.proof, BRANCH_C).detail == "30 次 ≥ 30 次"
    assert result.amount == Decimal("240.00")


def test_29_contracts_fail_branch_c() -> None:
    result = operation(document(contracts_totalling("29000.00", 29)))
    assert result.outcome == "does_not_qualify"
    assert find(result.proof, BRANCH_C).detail == "29 次 < 30 次"


# ── 第十条: the amount, rounded half up to the fen (R3), capped at 50万 ─────────────────────


def test_amount_is_rounded_to_the_fen() -> None:
    # 0.8% of 1,000,000.63 is 8,000.00504: no 0.8% of a whole number of fen ends in half a fen
    exact = Decimal("1000000.63") * Decimal("0.4") * Decimal("0.02")
    assert exact == Decimal("8000.005040")
    result = operation(document(contracts_totalling("1000000.63", 3)))
    assert result.amount == Decimal("8000.01")


def test_half_a_fen_rounds_up_not_to_even() -> None:
    # the open-licence term is 0.4%: 0.4% of 1,000,001.25 is exactly 4,000.005
    exact = expected_award("600000.00", open_licences="1000001.25")
    assert exact == Decimal("8800.005")
    assert exact.quantize(Decimal("0.01"), ROUND_HALF_EVEN) == Decimal("8800.00")  # banker's
    result = operation(
        document(contracts_totalling("600000.00", 3) + [open_licence("O1", "1000001.25")])
    )
    assert result.outcome == "qualifies"
    assert result.amount == exact.quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("8800.01")


def test_amount_proof_does_not_contradict_the_rounded_award() -> None:
    """An auditor re-doing the computation must not read 8,800.00 above an award of 8,800.01."""
    result = operation(
        document(contracts_totalling("600000.00", 3) + [open_licence("O1", "1000001.25")])
    )
    assert result.amount_proof is not None
    award_line = next(line for line in result.amount_proof.lines if "2%" in line.computation)
    assert award_line.computation.endswith(("8,800.005 元", "8,800.01 元")), award_line.computation


def test_cap_not_binding_at_performance_of_exactly_25_million() -> None:
    result = operation(document(contracts_totalling("62500000.00", 3)))
    assert result.amount == Decimal("500000.00")
    assert result.amount_proof is not None
    cap_line = next(line for line in result.amount_proof.lines if "cap" in line.computation)
    assert cap_line.computation == "within the cap of 500,000.00: 500,000.00"


def test_cap_binds_one_fen_of_performance_above_25_million() -> None:
    # 40% × 62,500,000.00 + 20% × 0.05 = 25,000,000.01 of performance → 500,000.0002 before the cap
    result = operation(
        document(contracts_totalling("62500000.00", 3) + [open_licence("O1", "0.05")])
    )
    assert expected_award("62500000.00", open_licences="0.05") == Decimal(500000)
    assert result.amount == Decimal("500000.00")
    assert result.amount_proof is not None
    lines = [line.computation for line in result.amount_proof.lines]
    assert "= 25,000,000.01 元" in lines[0]
    assert "capped at 500,000.00: 500,000.00" in lines


# ── A-06: any IP counts for 第九条, only patents for the 第十条 amount ──────────────────────


def test_trademark_counts_for_article_9_not_for_the_article_10_amount() -> None:
    trademark = contract("T3", "200000.00", items=[{"ip_number": "TM1", "ip_type": "trademark"}])
    result = operation(
        document([contract("T1", "200000.00"), contract("T2", "200000.00"), trademark])
    )
    assert result.outcome == "qualifies"
    assert find(result.proof, "促成知识产权交易3笔以上").detail == "3 笔 ≥ 3 笔"
    assert find(result.proof, "交易金额50万元以上").detail.startswith("600,000.00 元 ≥")
    assert result.amount == Decimal("3200.00") == expected_award("400000.00")


# ── A-05: construction periods overlapping the assessment year exclude (第十三条, 第十五条) ──


@pytest.mark.parametrize(
    ("construction", "excluded"),
    [
        (period("2022-01-01", "2023-12-31"), False),
        (period("2022-01-01", "2024-01-01"), True),
        (period("2024-12-31", "2026-06-30"), True),
        (period("2025-01-01", "2026-06-30"), False),
        (period("2022-01-01", "2023-06-30", grace_end="2024-06-30"), True),
        (period("2022-01-01", "2023-06-30", grace_end="2023-12-31"), False),
    ],
)
def test_construction_period_exclusion(construction: dict[str, Any], excluded: bool) -> None:
    result = operation(document(contracts_totalling("600000.00", 3), periods=[construction]))
    exclusion = find(result.proof, EXCLUSION)
    assert exclusion.verdict == ("fails" if excluded else "holds")
    assert result.outcome == ("does_not_qualify" if excluded else "qualifies")
    assert (f"{CQ} 第十三条" in result.citations) is True


# ── A-41: missing facts make "undetermined" only when nothing fails ──────────────────────────


def test_missing_credit_is_undetermined_and_named() -> None:
    result = operation(document(contracts_totalling("600000.00", 3), drop=("credit_good",)))
    assert result.outcome == "undetermined"
    assert result.missing == ("credit_good",)
    assert find(result.proof, "信用良好").verdict == "undetermined"
    assert result.amount is None


REFUSED = {"cq9_2_typical_cases": {"value": False, "reviewer": "评审组", "date": "2025-04-10"}}


@pytest.mark.parametrize(
    ("contracts", "over"),
    [
        (2, {}),
        (3, {"legal_form": "public_institution"}),
        (3, {"reviewer_attestations": REFUSED}),
    ],
    ids=["two-contracts", "not-a-market-entity", "attestation-refused"],
)
def test_a_failing_condition_decides_even_with_credit_missing(
    contracts: int, over: dict[str, Any]
) -> None:
    result = operation(
        document(contracts_totalling("600000.00", contracts), drop=("credit_good",), **over)
    )
    assert result.outcome == "does_not_qualify"
    assert find(result.proof, "信用良好").verdict == "undetermined"
    assert "credit_good" in result.missing  # still listed, as also missing
    assert result.amount is None and result.max_amount is None


def test_another_jurisdiction_is_not_evaluated_further() -> None:
    """Operating only in Sichuan: the document's jurisdiction gate fails, so the programme does
    not qualify on that gate alone and nothing else is asked for (not even credit_good)."""
    result = operation(
        document(
            contracts_totalling("600000.00", 3), drop=("credit_good",), operating_regions=["510104"]
        )
    )
    assert result.outcome == "does_not_qualify"
    assert result.not_applicable is not None and "在重庆市范围内" in result.not_applicable
    assert result.missing == () and result.amount is None
    assert [c.verdict for c in result.proof.children][-1] == "fails"


def test_a_missing_contract_amount_is_not_zero() -> None:
    """第十一条（一） takes the registered amount as the basis. A contract without one is still a
    笔 for 第九条（二） (CQ-M3), but its amount is not taken as 0: whether the total reaches
    50万元 is undetermined, naming the amount, rather than a confident refusal."""
    contracts = [
        contract("T1", "200000.00"),
        contract("T2", "200000.00"),
        contract("T3", "1.00", registered_contract_amount=None),
    ]
    result = operation(document(contracts))
    assert result.outcome == "undetermined"
    assert "ip_contracts[T3].registered_contract_amount" in result.missing
    count = find(result.proof, "促成知识产权交易3笔以上")
    assert count.detail == "3 笔 ≥ 3 笔"
    # The total has no upper bound while T3's amount is missing: the threshold itself is
    # undetermined (issue #7 item 2), not refused.
    assert find(result.proof, "交易金额50万元以上").verdict == "undetermined"
