"""The fact vocabulary: names as rule-inventory §8 spells them, and its lookups."""

from __future__ import annotations

import pytest

from eligibility.facts.vocabulary import (
    FieldKind,
    FieldSpec,
    applicant_field,
    applicant_field_names,
    collection,
    collection_names,
    record_field,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("applicant_id", FieldKind.STRING),
        ("legal_form", FieldKind.ENUM),
        ("registered_region", FieldKind.REGION),
        ("credit_good", FieldKind.BOOL),
        ("full_time_ip_operation_staff", FieldKind.INT),
        ("cq_centre_status", FieldKind.ENUM),
        ("standard_project_approved_date", FieldKind.DATE),
        ("city_kind", FieldKind.ENUM),
        ("province_code", FieldKind.REGION),
        ("central_funding_2019", FieldKind.MONEY),
        ("central_service_fund_ip_operation_support_years", FieldKind.YEAR),
        ("materials.electronic_copy_on_disc", FieldKind.BOOL),
        ("plan_covers_mandatory_tasks", FieldKind.BOOL),
    ],
)
def test_applicant_fields(name: str, kind: FieldKind) -> None:
    spec = applicant_field(name)
    assert spec is not None and spec.name == name and spec.kind is kind and spec.label


def test_money_and_staff_units() -> None:
    assert applicant_field("central_funding_total").unit == "元"
    assert applicant_field("full_time_ip_operation_staff").unit == "人"


def test_many_valued_fields() -> None:
    regions = applicant_field("operating_regions")
    kinds = applicant_field("entity_kinds")
    assert regions is not None and regions.many and regions.kind is FieldKind.REGION
    assert kinds is not None and kinds.many and "university" in kinds.enum_values
    assert applicant_field("applicant_kind").enum_values == ("organisation", "city")


def test_open_keyed_fields() -> None:
    assert applicant_field("reviewer_attestations.cq9_2_typical_cases") == FieldSpec(
        "reviewer_attestations.cq9_2_typical_cases",
        FieldKind.BOOL,
        "评审认定事项 cq9_2_typical_cases",
        fixed=True,  # a reviewer's finding: no proposal changes it
    )
    assert applicant_field("reviewer_attestations.x.date").kind is FieldKind.DATE
    assert applicant_field("selection_result.sh_hvp_cultivation_centre.selected").kind is (
        FieldKind.BOOL
    )
    approved = applicant_field("selection_result.bj_key_industry_patent_operation.approved_amount")
    assert approved is not None and approved.kind is FieldKind.MONEY and approved.unit == "元"
    for bad in (
        "reviewer_attestations",
        "reviewer_attestations.bad id",
        "selection_result.x",
        "selection_result.x.other",
        "credit_god",
    ):
        assert applicant_field(bad) is None, bad


def test_collections() -> None:
    assert collection_names()[:2] == ("ip_contracts", "pledge_financings")
    ids = {name: collection(name).id_field for name in collection_names()}
    assert ids == {
        "ip_contracts": "record_id",
        "pledge_financings": "record_id",
        "patent_product_filings": "record_id",
        "financial_products": "product_id",
        "training_sessions": "session_id",
        "other_fiscal_support": "support_id",
        "prior_awards": None,
        "project_proposals": None,
        "construction_periods": None,
        "municipal_programme_periods": None,
        "local_standard_projects": "standard",
        "bank_annual_pledge_stats": "year",
    }
    assert collection("nope") is None


@pytest.mark.parametrize(
    ("coll", "path", "kind", "many"),
    [
        ("ip_contracts", "transferor.registered_region", FieldKind.REGION, False),
        ("ip_contracts", "transferee.entity_kinds", FieldKind.ENUM, True),
        ("ip_contracts", "items.ip_type", FieldKind.ENUM, True),
        ("ip_contracts", "items.ip_number", FieldKind.STRING, True),
        ("ip_contracts", "registered_contract_amount", FieldKind.MONEY, False),
        ("pledge_financings", "financing_service_fees.guarantee", FieldKind.MONEY, False),
        ("pledge_financings", "borrower.enterprise_size", FieldKind.ENUM, False),
        ("pledge_financings", "pledged_ip_types", FieldKind.ENUM, True),
        ("construction_periods", "acceptance_result", FieldKind.ENUM, False),
        ("training_sessions", "participants", FieldKind.INT, False),
        ("financial_products", "reviewer_attestations.bj13_innovative", FieldKind.BOOL, False),
    ],
)
def test_record_fields(coll: str, path: str, kind: FieldKind, many: bool) -> None:
    spec = record_field(coll, path)
    assert spec is not None and spec.name == path and spec.kind is kind and spec.many is many


def test_record_field_misses() -> None:
    assert record_field("ip_contracts", "credit_good") is None
    assert record_field("ip_contracts", "items") is None
    assert record_field("nope", "record_id") is None
    assert record_field("construction_periods", "acceptance_result").enum_values == (
        "pass",
        "fail",
        "pending",
    )


def test_names_for_suggestions() -> None:
    names = applicant_field_names()
    assert "credit_good" in names and "city_kind" in names
    assert len(names) == len(set(names))


def test_every_enum_has_values_and_every_money_field_is_in_yuan() -> None:
    specs = [applicant_field(n) for n in applicant_field_names()]
    specs += [f for c in collection_names() for f in collection(c).fields]
    for spec in specs:
        assert spec is not None
        assert (spec.kind is FieldKind.ENUM) == bool(spec.enum_values), spec.name
        assert (spec.kind is FieldKind.MONEY) == (spec.unit == "元"), spec.name
