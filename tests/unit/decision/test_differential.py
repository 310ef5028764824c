"""The differential test: the Datalog path (compiled program + pyDatalog) and the reference
evaluator over the IR must derive the same Model — verdicts, values, members, rejections — for
every example and for many generated applicants around the policy's boundaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.datalog.engine import Model, evaluate
from eligibility.datalog.facts import ground_facts
from eligibility.decision.reference import reference_model
from eligibility.facts.model import ApplicantFacts
from tests.support import (
    applicant,
    chongqing,
    contract,
    document,
    example_paths,
    load_example,
    period,
    pledge,
)

REGIONS = ["500106", "500112", "500000", "510104", "110105"]
ATTESTED = {"value": True, "reviewer": "评审组", "date": "2025-04-10"}
REFUSED = {"value": False, "reviewer": "评审组", "date": "2025-04-10"}


def fen(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


# amounts with 2 decimal places, dense around 50万 (a third of it, all of it) and 1000万
money = st.one_of(
    st.sampled_from(
        [
            "0.00",
            "166666.66",
            "166666.67",
            "166666.68",
            "250000.00",
            "499999.99",
            "500000.00",
            "500000.01",
            "62500000.00",
        ]
    ),
    st.integers(16_666_600, 16_666_700).map(fen),
    st.integers(0, 10**10).map(fen),
)
pledge_money = st.one_of(
    st.sampled_from(
        ["9999999.99", "10000000.00", "10000000.01", "4999999.99", "5000000.00", "5000000.01"]
    ),
    money,
)
transferors = st.sampled_from(
    [
        {
            "legal_form": "public_institution",
            "entity_kinds": ["university"],
            "ownership": "state_owned",
        },
        {"legal_form": "company", "ownership": "state_owned", "enterprise_size": "large"},
        {"legal_form": "company", "ownership": "non_state", "enterprise_size": "small"},
        {"legal_form": "company"},
    ]
)
# each record starts as one that counts and is then spoilt in 0-2 ways, so that generated
# applicants sit near the thresholds instead of failing everything
CONTRACT_CHANGES = (
    "kind",
    "ip_type",
    "served",
    "transferor",
    "transferee",
    "facilitated",
    "status",
    "year",
    "implemented",
    "attestation",
)
PLEDGE_CHANGES = ("region", "facilitated", "status", "year", "ip_type")


def maybe(value: Any) -> st.SearchStrategy[Any]:
    """The value, or None (the builder leaves the field out)."""
    return st.sampled_from([value, None])


def registration_year(draw: st.DrawFn, year: int, changes: list[str]) -> int:
    return (
        draw(st.sampled_from([y for y in (2023, 2024, 2025) if y != year]))
        if "year" in changes
        else year
    )


@st.composite
def ip_contract(draw: st.DrawFn, index: int, year: int) -> dict[str, Any]:
    changes = draw(st.lists(st.sampled_from(CONTRACT_CHANGES), max_size=2))
    kind = draw(
        st.sampled_from(["transfer", "transfer", "licence", "open_licence", "capital_contribution"])
    )
    over: dict[str, Any] = {
        "contract_kind": kind,
        "cnipa_registration_date": f"{registration_year(draw, year, changes)}-"
        f"{draw(st.sampled_from(['01-01', '06-30', '12-31']))}",
        "implemented": True if kind == "open_licence" else None,
        "transferor": {
            "name": "重庆某大学",
            "legal_form": "public_institution",
            "entity_kinds": ["university"],
            "registered_region": "500106",
        },
    }
    if "kind" in changes:
        over["contract_kind"] = draw(st.sampled_from(["licence", "open_licence"]))
    if "ip_type" in changes:
        types = draw(
            st.lists(
                st.sampled_from(
                    ["invention_patent", "utility_model", "design_patent", "trademark", "other_ip"]
                ),
                min_size=1,
                max_size=2,
            )
        )
        over["items"] = [{"ip_number": f"ZL{index}{k}", "ip_type": t} for k, t in enumerate(types)]
    if "served" in changes:
        over["served_party"] = draw(st.sampled_from(["transferor", "transferee"]))
    if "transferor" in changes:
        over["transferor"] = {
            "name": "许可方",
            **draw(transferors),
            "registered_region": draw(st.sampled_from(REGIONS)),
        }
    if "transferee" in changes:
        over["transferee"] = {
            "name": "受让方",
            "legal_form": "company",
            "registered_region": draw(st.sampled_from(REGIONS)),
        }
    if "facilitated" in changes:
        over["facilitated_by_applicant"] = False
    if "status" in changes:
        over["cnipa_registration_status"] = draw(
            st.sampled_from(["pending", "not_filed", "rejected"])
        )
        over["cnipa_registration_date"] = None
    if "implemented" in changes:
        over["implemented"] = draw(st.sampled_from([False, None]))
    if "attestation" in changes:
        over["reviewer_attestations"] = {
            "cq11_3_licensor_accepted": draw(st.sampled_from([ATTESTED, REFUSED]))
        }
    return contract(f"T{index}", draw(money), **over)


@st.composite
def pledge_financing(draw: st.DrawFn, index: int, year: int) -> dict[str, Any]:
    changes = draw(st.lists(st.sampled_from(PLEDGE_CHANGES), max_size=2))
    over: dict[str, Any] = {
        "cnipa_pledge_registration_date": f"{registration_year(draw, year, changes)}-08-01"
    }
    if "region" in changes:
        over["borrower"] = {
            "name": "出质人",
            "legal_form": "company",
            "registered_region": draw(st.sampled_from(REGIONS)),
        }
    if "facilitated" in changes:
        over["facilitated_by_applicant"] = False
    if "status" in changes:
        over["cnipa_pledge_registration_status"] = draw(st.sampled_from(["pending", "rejected"]))
        over["cnipa_pledge_registration_date"] = None
    if "ip_type" in changes:
        over["pledged_ip_types"] = ["trademark"]
    return pledge(f"P{index}", draw(pledge_money), **over)


@st.composite
def construction_period(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.integers(2021, 2025))
    end = draw(st.integers(start, 2026))
    ends = [f"{end}-01-01", f"{end}-12-31"] if end > start else [f"{end}-12-31"]
    grace = draw(st.sampled_from([None, 0, 1]))
    return period(
        f"{start}-01-01",
        draw(st.sampled_from(ends)),
        None if grace is None else f"{end + grace}-12-31",
    )


@st.composite
def applicant_document(draw: st.DrawFn) -> dict[str, Any]:
    year = draw(st.sampled_from([2024, 2024, 2024, 2023, 2025]))
    n_contracts, n_pledges = draw(st.integers(0, 6)), draw(st.sampled_from([0, 0, 1, 2]))
    contracts = [draw(ip_contract(k, year)) for k in range(1, n_contracts + 1)]
    pledges = [draw(pledge_financing(k, year)) for k in range(1, n_pledges + 1)]
    periods = [draw(construction_period()) for _ in range(draw(st.sampled_from([0, 0, 1, 2])))]
    attestations = {
        name: draw(st.sampled_from([ATTESTED, ATTESTED, REFUSED]))
        for name in ("cq9_2_typical_cases", "cq6_2_industry_fit", "cq6_3_team_quality")
        if draw(st.sampled_from([True, True, False]))
    }
    over: dict[str, Any] = {
        "legal_form": draw(st.sampled_from(["company", "company", "public_institution"])),
        "operating_regions": draw(
            st.sampled_from([["500103"], ["500103"], ["510104"], ["510104", "500112"]])
        ),
        "credit_good": draw(st.sampled_from([True, True, False, None])),
        "reviewer_attestations": attestations or None,
        "cq_centre_type": draw(st.sampled_from(["none", "industry", "comprehensive"])),
        "cq_centre_status": draw(st.sampled_from(["none", "proposed_new", "under_construction"])),
        "full_time_ip_operation_staff": draw(st.sampled_from([None, 9, 10, 15])),
        "has_online_offline_service_platform": draw(maybe(True)),
    }
    if draw(st.booleans()):
        selected = draw(st.booleans())
        result: dict[str, Any] = {"selected": selected}
        if selected:
            result["approved_amount"] = draw(
                st.sampled_from(["3000000.00", "3000000.01", "5000000.00", "6000000.00"])
            )
        over["selection_result"] = {"cq_centre_construction_industry": result}
    doc = document(
        contracts,
        pledges,
        periods,
        drop=tuple(k for k, v in over.items() if v is None),
        **{k: v for k, v in over.items() if v is not None},
    )
    doc["context"] = {
        "application_date": draw(st.sampled_from(["2024-05-05", "2024-05-06", "2025-03-15"])),
        "assessment_year": year,
    }
    basis = draw(st.sampled_from([None, "total", "per_transaction"]))
    if basis is not None:
        doc["context"]["interpretations"] = {"cq_branchA_amount_basis": basis}
    return doc


def datalog_model(facts: ApplicantFacts) -> Model:
    compiled = chongqing()
    return evaluate(
        compiled.program, ground_facts(facts, compiled.region_fields), facts.applicant_id
    )


def assert_agree(facts: ApplicantFacts) -> None:
    ours, oracle = datalog_model(facts), reference_model(chongqing().policy, facts)
    for part in ("verdicts", "values", "members", "rejections"):
        mine, theirs = getattr(ours, part), getattr(oracle, part)
        differing = {
            k: (mine.get(k), theirs.get(k))
            for k in mine.keys() | theirs.keys()
            if mine.get(k) != theirs.get(k)
        }
        assert not differing, f"{part} differ (datalog, reference): {differing}"
    assert ours == oracle


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_examples_agree(path: Path) -> None:
    assert_agree(load_example(path))


def test_there_are_examples() -> None:
    assert len(example_paths()) >= 5


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(applicant_document())
def test_generated_applicants_agree(doc: dict[str, Any]) -> None:
    assert_agree(applicant(doc))
