"""Which facts a proposal may change. A fact that is missing may always be supplied; a stated
fact is changed only when it is not fixed: who the applicant is (kind, legal form, ownership,
size, registered region, where it operates), its history (dates, years, a debarment, an
existing record of a collection) and findings of others (a reviewer's attestation, a
selection). The evaluation context (application date, assessment year) and the readings of
interpretations are never facts to change.

A small table kept here until the vocabulary is declared in text files (branch `vocab`), where
it belongs as a property of each field (`fixed: true`)."""

from __future__ import annotations

from eligibility.facts.vocabulary import ATTESTATIONS, SELECTION, FieldKind

FIXED_FIELDS = frozenset(
    {
        "applicant_id",
        "applicant_kind",
        "name",
        "legal_form",
        "entity_kinds",
        "ownership",
        "enterprise_size",
        "parent_university_id",
        "registered_region",
        "operating_regions",
        "fraud_debarment",
        "cq_centre_type",
        "cq_centre_status",
        "livelihood_sector",
        "district_supermarket_sequence",
        "city_id",
        "city_kind",
        "province_code",
        "central_service_fund_ip_operation_support_years",
        "plan_covers_mandatory_tasks",
        "central_funding_total",
        "central_funding_2019",
    }
)
FIXED_KINDS = frozenset({FieldKind.DATE, FieldKind.YEAR, FieldKind.REGION, FieldKind.STRING})


def changeable(path: str, kind: str) -> bool:
    """Whether a stated applicant fact may be proposed with another value."""
    if path in FIXED_FIELDS or path.startswith((ATTESTATIONS, SELECTION)):
        return False
    return FieldKind(kind) not in FIXED_KINDS
