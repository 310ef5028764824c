"""What the proposals say, on the Chongqing operation subsidy: exact thresholds, supplied
facts, fixed facts left alone, records built from a set's filters, the raise to the cap."""

from __future__ import annotations

import datetime
from decimal import Decimal

from eligibility.decision.proof import ProgrammeResult
from eligibility.evaluate import decide
from eligibility.whatif.apply import apply_proposal
from eligibility.whatif.fixed import changeable
from eligibility.whatif.witness import Context, witness
from tests.support import (
    OPERATION,
    applicant,
    chongqing,
    contract,
    contracts_totalling,
    document,
    period,
)

DEFAULTS = {
    "cq_eligibility_record_scope": "same_as_performance",
    "cq_branchA_amount_basis": "total",
    "cq_construction_overlap_rule": "overlap",
}


def _result(doc: dict[str, object]) -> ProgrammeResult:
    decision = decide((chongqing(),), applicant(doc))
    return next(r for r in decision.results if r.programme == OPERATION)


def _actions(result: ProgrammeResult) -> list[list[tuple[str, str, object]]]:
    return [[(c.action, c.field, c.delta) for c in p.changes] for p in result.would_change]


def test_a_missing_fact_is_supplied_with_the_value_that_satisfies() -> None:
    result = _result(document(contracts_totalling("600000.00", 3), drop=("credit_good",)))
    assert result.outcome == "undetermined"
    (proposal,) = result.would_change
    (change,) = proposal.changes
    assert (change.action, change.field, change.values, change.supplies) == (
        "set",
        "credit_good",
        (True,),
        True,
    )
    assert change.citation.endswith("第九条（一）")


def test_a_count_short_of_its_threshold_asks_for_exactly_the_records_missing() -> None:
    result = _result(document(contracts_totalling("600000.00", 2)))
    assert result.outcome == "does_not_qualify"
    first = result.would_change[0].changes
    assert [(c.action, c.field, c.delta, c.unit) for c in first] == [
        ("add", "ip_contracts", 1, "笔")
    ]


def test_a_sum_short_of_its_threshold_is_raised_by_the_exact_amount() -> None:
    result = _result(document(contracts_totalling("480000.00", 3)))
    raises = [c for p in result.would_change for c in p.changes if c.action == "raise"]
    assert raises and raises[0].delta == Decimal("20000.00")
    assert raises[0].target == Decimal("500000")


def test_fixed_facts_are_not_proposed() -> None:
    doc = document(
        contracts_totalling("600000.00", 3),
        [],
        [period("2024-01-01", "2025-12-31")],
        cq_centre_type="comprehensive",
        cq_centre_status="under_construction",
    )
    result = _result(doc)
    assert result.outcome == "does_not_qualify"
    assert result.would_change == ()
    assert not changeable("cq_centre_status")
    assert not changeable("registered_region")
    assert changeable("credit_good")


def test_a_witness_record_passes_every_filter_of_its_lineage() -> None:
    policy = chongqing().policy
    context = Context(DEFAULTS, datetime.date(2025, 3, 15), 2024)
    found = witness(policy, "open_licences", context)
    assert found is not None
    assert found["contract_kind"] == ("open_licence",)
    assert found["cnipa_registration_date"][0].year == 2024
    # a set switched off by the reading in force cannot be joined
    assert witness(policy, "cq9_deals_evidenced", context) is None


def test_applying_each_proposal_flips_the_outcome() -> None:
    doc = document([contract("T1", "100000.00"), contract("T2", "100000.00")])
    before = _result(doc)
    facts = applicant(doc)
    assert before.would_change
    for proposal in before.would_change:
        changed = apply_proposal(facts, proposal, chongqing().policy, DEFAULTS)
        after = decide((chongqing(),), changed)
        assert next(r for r in after.results if r.programme == OPERATION).outcome == "qualifies"


def test_an_award_below_its_cap_says_how_much_more_input_reaches_it() -> None:
    result = _result(document(contracts_totalling("1000000.00", 3)))
    assert result.outcome == "qualifies" and result.amount == Decimal("8000.00")
    by_set = {c.record_set: c.delta for c in result.to_cap}
    # 2% × 40% of the transfer contracts: (500,000 − 8,000) / 0.008
    assert by_set["patent_transfer_licences"] == Decimal("61500000.00")
    assert by_set["open_licences"] == Decimal("123000000.00")
