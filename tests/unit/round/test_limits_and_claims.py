"""Quotas, selections and records claimed across applicants, with hand-built rounds."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.round.allocate import allocate_round
from eligibility.round.from_decisions import membership
from eligibility.round.model import (
    ApplicantInput,
    ApplicantLimit,
    Entitlement,
    LimitMembership,
    ProgrammeClaim,
    RecordClaim,
    RoundInput,
)

NAT = ApplicantLimit(
    "nat_2019.city.1", "nat_2019", "city", 1, True, "province_code", "city_kind",
    ("separately_planned_city",), "每个省可推荐1个城市申报", "财办建〔2019〕70号 四（一）1",
)  # fmt: skip
SH_ABOUT = ApplicantLimit(
    "sh.bank.1", "sh", "bank", 2, False, None, None, (), "择优遴选2家左右", "第九条（一）"
)


def _city(
    city_id: str, province: str | None, counted: bool | None = True, outcome: str = "qualifies"
) -> ApplicantInput:
    claim = ProgrammeClaim(
        "nat_2019", "city", "重点城市", outcome,  # type: ignore[arg-type]
        Entitlement.exactly(Decimal("150000000")), None,
        limits=(LimitMembership(NAT.limit_id, province, counted),),
        missing=() if outcome == "qualifies" else ("recommended_by_province",),
    )  # fmt: skip
    return ApplicantInput(city_id, city_id, (claim,))


def _issues(*applicants: ApplicantInput, limits: tuple[ApplicantLimit, ...] = (NAT,)):  # type: ignore[no-untyped-def]
    return allocate_round(RoundInput(applicants, (), limits)).issues


def test_one_city_per_province_is_respected() -> None:
    assert _issues(_city("wuhan", "420000"), _city("chengdu", "510000")) == ()


def test_a_separately_planned_city_is_outside_its_provinces_quota() -> None:
    assert _issues(_city("hangzhou", "330000"), _city("ningbo", "330000", counted=False)) == ()


def test_two_cities_of_one_province_is_an_error_naming_both() -> None:
    (issue,) = _issues(_city("wuhan", "420000"), _city("yichang", "420000"), _city("x", "510000"))
    assert (issue.severity, issue.code) == ("error", "R-QUOTA")
    assert issue.applicants == ("wuhan", "yichang")
    assert "province_code = 420000" in issue.message and "does not choose" in issue.message
    assert issue.citation == "财办建〔2019〕70号 四（一）1"


def test_a_city_that_does_not_qualify_takes_no_place() -> None:
    assert (
        _issues(_city("wuhan", "420000"), _city("yichang", "420000", outcome="does_not_qualify"))
        == ()
    )


def test_an_undetermined_city_may_exceed_the_quota_and_says_which_fact() -> None:
    (issue,) = _issues(_city("wuhan", "420000"), _city("yichang", "420000", outcome="undetermined"))
    assert (issue.severity, issue.code) == ("warning", "R-QUOTA-UNDETERMINED")
    assert issue.applicants == ("wuhan", "yichang")
    assert "recommended_by_province" in issue.message


def test_a_quota_on_cities_put_forward_counts_them_before_the_review() -> None:
    put_forward = replace(NAT, among_field="recommended_by_province")
    pending = [_city(c, "420000", outcome="undetermined") for c in ("wuhan", "yichang")]
    (issue,) = _issues(*pending, limits=(put_forward,))
    assert (issue.severity, issue.code, issue.applicants) == (
        "error",
        "R-QUOTA",
        ("wuhan", "yichang"),
    )
    # one whose recommendation is not stated only may count
    unsure = _city("yichang", "420000", counted=None, outcome="undetermined")
    (issue,) = _issues(pending[0], unsure, limits=(put_forward,))
    assert issue.code == "R-QUOTA-UNDETERMINED"


def test_membership_reads_the_recommendation() -> None:
    import datetime

    from eligibility.facts.model import ApplicantFacts, EvaluationContext, Fact

    put_forward = replace(NAT, among_field="recommended_by_province")

    def facts(**values: object) -> ApplicantFacts:
        return ApplicantFacts(
            "c",
            tuple(Fact(k, v, f"$.applicant.{k}") for k, v in values.items()),
            frozenset(),  # type: ignore[arg-type]
            (),
            EvaluationContext(datetime.date(2019, 5, 1), 2019),
            "sha",
        )

    city = {"province_code": "420000", "city_kind": "prefecture_level_city"}
    assert membership(put_forward, facts(**city, recommended_by_province=True)).counted is True
    assert membership(put_forward, facts(**city, recommended_by_province=False)).counted is False
    unstated = membership(put_forward, facts(**city))
    assert (unstated.counted, unstated.missing) == (None, ("recommended_by_province",))
    planned = {"province_code": "330000", "city_kind": "separately_planned_city"}
    assert membership(put_forward, facts(**planned)).counted is False


def test_about_n_only_warns() -> None:
    banks = [
        ApplicantInput(
            b,
            b,
            (
                ProgrammeClaim(
                    "sh",
                    "bank",
                    "信贷创新中心",
                    "qualifies",
                    None,
                    None,
                    limits=(LimitMembership(SH_ABOUT.limit_id, "", True),),
                ),
            ),
        )
        for b in ("b1", "b2", "b3")
    ]
    (issue,) = _issues(*banks, limits=(SH_ABOUT,))
    assert (issue.severity, issue.code) == ("warning", "R-ABOUT")
    assert "A-27" in issue.message and issue.applicants == ("b1", "b2", "b3")


def _party(applicant_id: str, programme: str, role: str) -> ApplicantInput:
    record = RecordClaim(
        "contract transfer 大学→公司 ZL1 2024-03-01", role, "T1", "$.ip_contracts[0]"
    )
    claim = ProgrammeClaim(
        "yb_2024", programme, "x", "qualifies", Entitlement.exactly(Decimal("10000")), None,
        records=(record,),
    )  # fmt: skip
    return ApplicantInput(applicant_id, applicant_id, (claim,))


def test_both_parties_of_one_contract_are_two_claims() -> None:
    transferor = _party("univ", "item1", "transferor_or_licensor")
    transferee = _party("sme", "item2", "transferee_or_licensee")
    assert _issues(transferor, transferee, limits=()) == ()


def test_one_contract_claimed_twice_in_one_role_is_an_error_naming_both() -> None:
    (issue,) = _issues(
        _party("sme1", "item2", "transferee_or_licensee"),
        _party("sme2", "item2", "transferee_or_licensee"),
        limits=(),
    )
    assert (issue.severity, issue.code, issue.applicants) == (
        "error",
        "R-CLAIM-DUPLICATE",
        ("sme1", "sme2"),
    )
    assert "$.ip_contracts[0] (yb_2024.item2)" in issue.message


def test_membership_reads_the_key_and_the_exemption_from_the_facts() -> None:
    import datetime

    from eligibility.facts.model import ApplicantFacts, EvaluationContext, Fact

    def facts(**values: str) -> ApplicantFacts:
        return ApplicantFacts(
            "c",
            tuple(Fact(k, v, f"$.applicant.{k}") for k, v in values.items()),
            frozenset(),
            (),
            EvaluationContext(datetime.date(2019, 5, 1), 2019),
            "sha",
        )

    assert membership(NAT, facts(province_code="330000", city_kind="separately_planned_city")) == (
        LimitMembership(NAT.limit_id, "330000", False)
    )
    assert membership(NAT, facts(city_kind="prefecture_level_city")) == LimitMembership(
        NAT.limit_id, None, True, ("province_code",)
    )


_CITY = st.tuples(
    st.sampled_from(["qualifies", "undetermined", "does_not_qualify"]),
    st.sampled_from(["420000", "510000", None]),
    st.sampled_from([True, False, None]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CITY, max_size=8))
def test_a_quota_error_names_exactly_the_groups_over_it(
    cities: list[tuple[str, str | None, bool | None]],
) -> None:
    applicants = [
        _city(f"c{n}", province, counted, outcome)
        for n, (outcome, province, counted) in enumerate(cities)
    ]
    issues = _issues(*applicants)
    certain: dict[str, list[str]] = {}
    for n, (outcome, province, counted) in enumerate(cities):
        if outcome == "qualifies" and counted is True and province is not None:
            certain.setdefault(province, []).append(f"c{n}")
    over = {p for p, ids in certain.items() if len(ids) > 1}
    errors = [i for i in issues if i.severity == "error"]
    assert len(errors) == len(over)
    for issue in errors:
        (province,) = [p for p in over if f"province_code = {p}" in issue.message]
        assert set(certain[province]) <= set(issue.applicants)
    assert all(i.code in ("R-QUOTA", "R-QUOTA-UNDETERMINED") for i in issues)


def _shares(*applicants: ApplicantInput, pools: tuple = (), limits=(NAT,)):  # type: ignore[no-untyped-def]
    outcome = allocate_round(RoundInput(applicants, pools, limits))
    return {a.applicant_id: a for a in outcome.allocations}, outcome.pools


def test_cities_over_a_hard_quota_get_no_definite_share() -> None:
    """Two cities of one province qualify for one place: neither is told it is funded."""
    found, _ = _shares(_city("wuhan", "420000"), _city("yichang", "420000"), _city("x", "510000"))
    for held in ("wuhan", "yichang"):
        assert (found[held].status, found[held].share) == ("over_limit", None)
        assert found[held].share_low == Decimal("0.00")
        assert found[held].share_high == Decimal("150000000")
        assert found[held].entitlement == Entitlement.exactly(Decimal("150000000"))
        assert "财办建〔2019〕70号 四（一）1" in [s.citation for s in found[held].steps]
    assert (found["x"].status, found["x"].share) == ("not_pooled", Decimal("150000000"))


def _pooled(applicant_id: str, amount: str) -> ApplicantInput:
    claim = ProgrammeClaim(
        "yb", "item", "项目", "qualifies", Entitlement.exactly(Decimal(amount)), "yb.item",
        limits=(LimitMembership("yb.item.1", "", True),),
    )  # fmt: skip
    return ApplicantInput(applicant_id, applicant_id, (claim,))


def test_a_pool_shared_with_applicants_over_a_hard_limit_is_definite_only_when_it_fits() -> None:
    from eligibility.round.model import PoolSpec

    limit = ApplicantLimit(
        "yb.item.1", "yb", "item", 1, True, None, None, (), "择优遴选不超过1家", "四（二）"
    )
    pool = PoolSpec("yb.item", "yb", "item", "项目", "总额不超过10万元", Decimal("100000"),
                    "四（三）", "text", "四（三）")  # fmt: skip
    a, b = _pooled("a", "60000"), _pooled("b", "60000")
    found, (pool_outcome,) = _shares(a, b, pools=(pool,), limits=(limit,))
    assert {found["a"].status, found["b"].status} == {"over_limit"}
    assert found["a"].share is None and found["b"].share is None
    assert pool_outcome.status == "undetermined"  # 0–120,000 requested: exceeded only if both
    roomy = replace(pool, declared=Decimal("200000"))
    found, (pool_outcome,) = _shares(a, b, pools=(roomy,), limits=(limit,))
    assert pool_outcome.status == "not_exceeded"
    assert found["a"].status == "over_limit" and found["a"].share_high == Decimal("60000")
