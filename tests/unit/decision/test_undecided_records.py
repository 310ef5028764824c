"""A record lacking a fact a filter reads is undecided, not dropped: the programme is
undetermined when the record could change the outcome, names the missing record fact, and an
amount becomes a maximum (rule inventory §0.6, A-41; A-07 for the open-licence licensor)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.support import contract, contracts_totalling, document
from tests.unit.decision.test_boundaries import find, open_licence, operation


def unlisted_licensor_licence(record_id: str, amount: str) -> dict[str, Any]:
    """A Chongqing company licensor of no listed kind, not yet accepted by a reviewer (A-07)."""
    company = {
        "name": "重庆某科技有限公司",
        "legal_form": "company",
        "ownership": "non_state",
        "enterprise_size": "medium",
        "registered_region": "500103",
    }
    return contract(
        record_id, amount, contract_kind="open_licence", implemented=True, transferor=company
    )


def test_a_certain_award_is_reported_as_certain_with_its_bound() -> None:
    # 3 transfers of 500,000 in total qualify on branch A; O1 may or may not add 20% × 100,000
    result = operation(
        document(
            contracts_totalling("500000.00", 3) + [unlisted_licensor_licence("O1", "100000.00")]
        )
    )
    assert result.outcome == "qualifies"  # eligibility is decided; only the amount is open
    assert result.amount == Decimal("4000.00")  # 200,000 × 2%, confirmed
    assert result.max_amount == Decimal("4400.00")  # (200,000 + 0.2 × 100,000) × 2%
    assert "ip_contracts[O1].reviewer_attestations.cq11_3_licensor_accepted" in result.missing


def test_once_attested_the_record_counts() -> None:
    licence = unlisted_licensor_licence("O1", "100000.00")
    licence["reviewer_attestations"] = {
        "cq11_3_licensor_accepted": {"value": True, "reviewer": "评审组", "date": "2025-04-10"}
    }
    result = operation(document(contracts_totalling("500000.00", 3) + [licence]))
    assert (result.outcome, result.amount) == ("qualifies", Decimal("4400.00"))


def test_an_undecided_record_that_cannot_change_a_threshold_leaves_it_decided() -> None:
    # 2 registered contracts and one whose registration status is not stated: 2 to 3 笔 ≥ 3?
    contracts = contracts_totalling("600000.00", 2) + [
        contract("T9", "1000.00", cnipa_registration_status=None, cnipa_registration_date=None)
    ]
    undecided = operation(document(contracts))
    count = find(undecided.proof, "促成知识产权交易3笔以上")
    assert count.verdict == "undetermined" and count.detail == "2 笔 to 3 笔 ? 3 笔"
    assert "ip_contracts[T9].cnipa_registration_status" in undecided.missing
    # with only 1 registered contract even the undecided one cannot reach 3: it fails
    fewer = operation(document(contracts_totalling("600000.00", 1) + contracts[-1:]))
    assert find(fewer.proof, "促成知识产权交易3笔以上").verdict == "fails"


def test_a_listed_licensor_still_counts_at_once() -> None:
    result = operation(
        document(contracts_totalling("500000.00", 3) + [open_licence("O1", "100000.00")])
    )
    assert (result.outcome, result.amount) == ("qualifies", Decimal("4400.00"))


def test_the_text_says_the_confirmed_award_and_its_bound() -> None:
    from eligibility.evaluate import decide
    from eligibility.render.text import summary_lines
    from tests.support import applicant, chongqing

    doc = document(
        contracts_totalling("500000.00", 3) + [unlisted_licensor_licence("O1", "100000.00")]
    )
    lines = ["".join(text for text, _ in line) for line in summary_lines(
        decide((chongqing(),), applicant(doc)), "en"
    )]  # fmt: skip
    line = next(t for t in lines if "cq_operation_performance_subsidy" in t)
    assert "qualifies · 4,000.00 元 (up to 4,400.00 元 if the undecided records count)" in line
    assert "ip_contracts[O1].reviewer_attestations.cq11_3_licensor_accepted" in line
