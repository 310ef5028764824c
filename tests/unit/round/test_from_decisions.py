"""From real decisions to the round: the shipped policies, the shipped examples, decide_many,
then allocate_round (the CQ 第十条 pool pro-rated, the NAT province quota)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from eligibility.compiler import load_policy
from eligibility.evaluate import decide_many
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import validate_document
from eligibility.round.allocate import allocate_round
from eligibility.round.from_decisions import round_input_from_decisions

ROOT = Path(__file__).resolve().parents[3]


def _applicant(example: str, **changes: object) -> ApplicantFacts:
    document = json.loads((ROOT / "examples" / example).read_text(encoding="utf-8"))
    document["applicant"].update(changes)
    facts = validate_document(document, "sha")
    assert not isinstance(facts, tuple), facts
    return facts


def _round(policy: str, applicants: list[ApplicantFacts]):  # type: ignore[no-untyped-def]
    compiled = load_policy(ROOT / "policies" / policy)
    decisions = decide_many((compiled,), applicants, "pydatalog")
    return allocate_round(
        round_input_from_decisions([compiled.policy], list(zip(applicants, decisions, strict=True)))
    )


def test_twelve_capped_cq_institutions_are_prorated_to_the_fen() -> None:
    # each is capped at 50万 (第十一条（三）); 12 × 50万 = 600万 > 500万 (第十条): 416,666.666… each,
    # 8 leftover fen to the 8 smallest ids
    applicants = [
        _applicant("chongqing/cap-binds.json", applicant_id=f"CQ{n:02d}") for n in range(12)
    ]
    outcome = _round("chongqing-2024.policy", list(reversed(applicants)))
    (pool,) = outcome.pools
    assert (pool.status, pool.requested, pool.allocated) == (
        "prorated",
        Decimal("6000000.00"),
        Decimal("5000000.00"),
    )
    assert pool.rule == "text" and pool.rule_citation == "渝知发〔2024〕22号 第十条"
    shares = [a.share for a in outcome.allocations if a.pool_id]
    assert shares == [Decimal("416666.67")] * 8 + [Decimal("416666.66")] * 4
    first = next(a for a in outcome.allocations if a.pool_id)
    assert first.steps[0].computation == "500,000.00 元"
    assert "= 416,666.6666… → 416,666.67 元" in first.steps[-1].computation


def test_two_cities_of_one_province_break_the_nat_quota() -> None:
    cities = [
        _applicant("national/put-forward-before-review.json", applicant_id="XZ"),
        _applicant("national/put-forward-before-review.json", applicant_id="NJ", city_id="320100"),
        _applicant("national/selected-direct-application.json", applicant_id="NB"),
    ]
    outcome = _round("national-2019.policy", cities)
    (issue,) = outcome.issues
    assert issue.code in ("R-QUOTA", "R-QUOTA-UNDETERMINED")
    assert issue.applicants == ("NJ", "XZ")
    assert issue.citation == "财办建〔2019〕70号 四（一）1"
