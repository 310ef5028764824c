"""allocate_round on pools: when to pro-rate, which rule, undetermined and blocked pools."""

from dataclasses import replace
from decimal import Decimal

from eligibility.round.allocate import DEFAULT_RULE_NOTE, TEXT_RULE_NOTE, allocate_round
from eligibility.round.model import (
    Entitlement,
    InputProblem,
    InvalidApplication,
    RoundInput,
)
from tests.unit.round.support import POOL_ID, applicant, pool


def _shares(outcome):  # type: ignore[no-untyped-def]
    return {a.applicant_id: a.share for a in outcome.allocations}


def test_a_pool_exactly_reached_is_not_prorated() -> None:
    # 10 × 50万 = 500万: not "超过500万元", so everyone receives the entitlement
    round_input = RoundInput(tuple(applicant(f"a{n}", "500000") for n in range(10)), (pool(),))
    outcome = allocate_round(round_input)
    (result,) = outcome.pools
    assert result.status == "not_exceeded" and result.prorated is False
    assert result.allocated == Decimal("5000000.00")
    assert set(_shares(outcome).values()) == {Decimal("500000")}


def test_an_exceeded_pool_is_prorated_by_the_texts_rule() -> None:
    round_input = RoundInput(
        (applicant("b", "3000000.00"), applicant("a", "2000000.00"), applicant("c", "1000000")),
        (pool(),),
    )
    outcome = allocate_round(round_input)
    (result,) = outcome.pools
    assert result.status == "prorated" and result.prorated is True
    assert result.requested == Decimal("6000000.00")
    assert result.factor == Decimal("0.833333333333")
    assert result.rule_note == TEXT_RULE_NOTE
    # 500万 × 200万/600万 = 1,666,666.666… ; × 300万/600万 = 2,500,000 ; × 100万/600万 = 833,333.333…
    assert _shares(outcome) == {
        "a": Decimal("1666666.67"),
        "b": Decimal("2500000.00"),
        "c": Decimal("833333.33"),
    }
    step = outcome.allocations[0].steps[-1]
    assert step.citation == "渝知发〔2024〕22号 第十条"
    assert "5,000,000.00 × 2,000,000.00 / 6,000,000.00" in step.computation


def test_a_silent_document_prorates_by_default_and_says_so() -> None:
    round_input = RoundInput(
        (applicant("a", "200"), applicant("b", "200")), (pool("300", rule="default", cap=None),)
    )
    outcome = allocate_round(round_input)
    (result,) = outcome.pools
    assert result.rule_note == DEFAULT_RULE_NOTE
    assert "分配规则未明文规定，按比例为默认口径" in result.rule_note
    assert result.rule_citation == "A-23"
    assert _shares(outcome) == {"a": Decimal("150.00"), "b": Decimal("150.00")}


def test_the_review_switch_computes_no_shares() -> None:
    round_input = RoundInput(
        (applicant("a", "200"), applicant("b", "200")),
        (pool("300", rule="default", cap=None),),
        switches=(("pool_overflow_rule", "review"),),
    )
    outcome = allocate_round(round_input)
    assert outcome.pools[0].status == "review"
    assert {a.status for a in outcome.allocations} == {"review"}
    assert _shares(outcome) == {"a": None, "b": None}
    assert ("pool_overflow_rule", "review") in outcome.switches


def test_the_review_switch_does_not_touch_a_texts_rule() -> None:
    round_input = RoundInput(
        (applicant("a", "200"), applicant("b", "200")),
        (pool("300"),),
        switches=(("pool_overflow_rule", "review"),),
    )
    assert allocate_round(round_input).pools[0].status == "prorated"


def test_an_unknown_switch_is_an_error_and_the_default_holds() -> None:
    round_input = RoundInput(
        (applicant("a", "200"),), (pool("300"),), switches=(("pool_overflow_rule", "lottery"),)
    )
    outcome = allocate_round(round_input)
    assert [i.code for i in outcome.issues] == ["R-SWITCH"]
    assert dict(outcome.switches)["pool_overflow_rule"] == "prorate"


def test_money_still_available_replaces_the_declared_pool() -> None:
    round_input = RoundInput(
        (applicant("a", "300"), applicant("b", "100")),
        (pool("1000"),),
        available=((POOL_ID, Decimal("200")),),
    )
    outcome = allocate_round(round_input)
    assert outcome.pools[0].available == Decimal("200")
    assert _shares(outcome) == {"a": Decimal("150.00"), "b": Decimal("50.00")}


def test_an_undetermined_entitlement_leaves_the_pool_undetermined() -> None:
    unsure = Entitlement(Decimal("0.00"), Decimal("500000"), ("credit_good",))
    round_input = RoundInput(
        (applicant("a", "4800000"), applicant("b", unsure)), (pool("5000000", cap=None),)
    )
    outcome = allocate_round(round_input)
    (result,) = outcome.pools
    assert result.status == "undetermined" and result.prorated is None
    assert "b (credit_good)" in result.reason and result.missing == ("credit_good",)
    a, b = outcome.allocations
    assert a.status == "pool_undetermined" and a.share is None
    # a: 4,800,000 if b gets nothing; 500万 × 480/530 = 4,528,301.886… if b's upper bound holds
    assert (a.share_low, a.share_high) == (Decimal("4528301.88"), Decimal("4800000.00"))
    # b: at most 500万 - 480万 = 20万 … no: share grows with e; 500万 × 50/530 = 471,698.11…
    assert (b.share_low, b.share_high) == (Decimal("0.00"), Decimal("471698.12"))


def test_an_undetermined_entitlement_whose_upper_bound_fits_decides_the_pool() -> None:
    unsure = Entitlement(
        Decimal("100000"), Decimal("200000"), ("ip_contracts[T2].cnipa_registration_date",)
    )
    round_input = RoundInput((applicant("a", "4800000"), applicant("b", unsure)), (pool(),))
    outcome = allocate_round(round_input)
    (result,) = outcome.pools
    assert result.status == "not_exceeded" and result.prorated is False
    a, b = outcome.allocations
    assert a.status == "definite" and a.share == Decimal("4800000")
    assert b.status == "entitlement_undetermined" and b.share is None
    assert (b.share_low, b.share_high) == (Decimal("100000"), Decimal("200000"))


def test_an_invalid_application_blocks_only_its_documents_pools() -> None:
    other = replace(pool("300", cap=None), pool_id="yb_2024.item", policy_id="yb_2024")
    round_input = RoundInput(
        (applicant("a", "4800000"),),
        (pool(cap=None), other),
        invalid=(
            InvalidApplication(
                "bad",
                (
                    InputProblem(
                        "$.ip_contracts[0].registered_contract_amount", "V-MONEY-FMT", "50万"
                    ),
                ),
                ("cq_2024",),
            ),
        ),
    )
    outcome = allocate_round(round_input)
    statuses = {p.pool_id: p.status for p in outcome.pools}
    assert statuses == {POOL_ID: "blocked", "yb_2024.item": "not_exceeded"}
    (issue,) = outcome.issues
    assert issue.code == "V-BATCH" and issue.applicants == ("bad",)
    assert "$.ip_contracts[0].registered_contract_amount" in issue.message


def test_an_invalid_application_within_the_cap_does_not_block() -> None:
    # even at its 50万 cap the invalid application keeps Σ ≤ 500万: the shares do not depend on it
    round_input = RoundInput(
        (applicant("a", "4000000"),),
        (pool(),),
        invalid=(InvalidApplication("bad", (InputProblem("$.name", "V-ENUM", "x"),)),),
    )
    outcome = allocate_round(round_input)
    assert outcome.pools[0].status == "not_exceeded"
    assert outcome.allocations[0].share == Decimal("4000000")


def test_a_programme_not_qualified_claims_nothing() -> None:
    round_input = RoundInput((applicant("a", "100"), applicant("b", None)), (pool("150"),))
    outcome = allocate_round(round_input)
    assert outcome.pools[0].applicants == ("a",)
    assert {a.applicant_id: a.status for a in outcome.allocations} == {
        "a": "definite",
        "b": "not_claimed",
    }


def test_money_available_for_no_pool_is_an_error() -> None:
    round_input = RoundInput(
        (applicant("a", "100"),), (pool("300"),), available=(("cq_2024.typo", Decimal("1")),)
    )
    outcome = allocate_round(round_input)
    (issue,) = outcome.issues
    assert (issue.code, issue.pool_ids) == ("R-POOL-UNKNOWN", ("cq_2024.typo",))
    assert outcome.pools[0].available == Decimal("300")


def test_unusable_money_available_blocks_the_pool_instead_of_guessing() -> None:
    for money in ("-1", "0.001"):
        round_input = RoundInput(
            (applicant("a", "100"),), (pool("300"),), available=((POOL_ID, Decimal(money)),)
        )
        outcome = allocate_round(round_input)
        assert [i.code for i in outcome.issues] == ["R-POOL-AVAILABLE"]
        assert outcome.pools[0].status == "blocked"
        assert outcome.allocations[0].status == "blocked" and outcome.allocations[0].share is None


def test_an_invalid_application_that_cannot_change_the_answer_is_still_named() -> None:
    round_input = RoundInput(
        (applicant("a", "4000000"),),
        (pool(),),
        invalid=(InvalidApplication("bad", (InputProblem("$.name", "V-ENUM", "x"),)),),
    )
    (issue,) = allocate_round(round_input).issues
    assert (issue.severity, issue.code, issue.applicants) == ("warning", "V-BATCH", ("bad",))
    assert "500,000.00" in issue.message


def test_a_zero_pool_gives_nothing_to_anyone() -> None:
    outcome = allocate_round(RoundInput((applicant("a", "10"), applicant("b", "0")), (pool("0"),)))
    assert outcome.pools[0].status == "prorated"
    assert {a.share for a in outcome.allocations} == {Decimal("0.00")}


def test_a_pool_nobody_claims_allocates_nothing() -> None:
    outcome = allocate_round(RoundInput((applicant("a", None),), (pool(),)))
    (result,) = outcome.pools
    assert (result.status, result.requested, result.allocated) == (
        "not_exceeded",
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_one_applicant_id_twice_blocks_its_pool() -> None:
    round_input = RoundInput((applicant("a", "100"), applicant("a", "50")), (pool("1000"),))
    outcome = allocate_round(round_input)
    assert outcome.pools[0].status == "blocked"
    assert {i.code for i in outcome.issues} == {"V-DUP", "V-BATCH"}
