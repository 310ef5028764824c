"""Cross-field rules of rule-inventory §9 that no schema can state: V-CONTRA and V-RANGE.

They run on facts that are already typed, so every comparison is between dates, Decimals or
enum strings. Each finding points at the value that breaks the rule (or, for a missing value,
at where it belongs) and names the value it conflicts with.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from eligibility.facts.model import Fact, InputError, Record
from eligibility.facts.vocabulary import NON_ENTERPRISE_FORMS, PARTY_GROUPS, SELECTION

_UNREGISTERED = frozenset({"not_filed", "pending", "rejected"})
_NAT_TOTAL = (Decimal(150_000_000), Decimal(200_000_000))
_NAT_2019 = (Decimal(100_000_000), Decimal(150_000_000))


class _Facts:
    """One entity's facts by field: the first value of each field (scalars have one)."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.first: dict[str, Fact] = {}
        for fact in facts:
            self.first.setdefault(fact.field, fact)

    def get(self, name: str) -> Fact | None:
        return self.first.get(name)


def check_applicant(facts: tuple[Fact, ...], records: tuple[Record, ...]) -> tuple[InputError, ...]:
    """Every V-CONTRA and V-RANGE finding for the applicant and its records."""
    found = list(_applicant_rules(_Facts(facts)))
    for record in records:
        found.extend(_record_rules(record))
    found.extend(_repeated_proposals(records))
    return tuple(found)


def _repeated_proposals(records: tuple[Record, ...]) -> Iterator[InputError]:
    """V-DUP for a project proposed twice under one programme. The same project under two
    programmes is allowed: 京 第十四条 keeps the higher award, which only the policy can tell."""
    seen: dict[tuple[object, object], str] = {}
    for record in records:
        if record.collection != "project_proposals":
            continue
        facts = _Facts(record.facts)
        programme, project = facts.get("programme_id"), facts.get("project_id")
        if programme is None or project is None:
            continue
        key = (programme.value, project.value)
        if key in seen:
            yield InputError(
                "V-DUP",
                project.path,
                f'project_id "{project.value}" is proposed twice under programme '
                f'"{programme.value}": first at {seen[key]}',
            )
        else:
            seen[key] = project.path


def _applicant_rules(facts: _Facts) -> Iterator[InputError]:
    yield from _size_of_non_enterprise(facts, "")
    yield from _date_without_approval(facts)
    yield from _selection_amounts(facts)
    yield from _nat_funding(facts)
    province = facts.get("province_code")
    if province is not None and not str(province.value).endswith("0000"):
        yield InputError(
            "V-REGION",
            province.path,
            f"province_code must be a province-level code ending in 0000, e.g. "
            f'"{str(province.value)[:2]}0000": got "{province.value}"',
        )


def _record_rules(record: Record) -> Iterator[InputError]:
    facts = _Facts(record.facts)
    for prefix in sorted(PARTY_GROUPS):
        yield from _size_of_non_enterprise(facts, f"{prefix}.")
    match record.collection:
        case "ip_contracts":
            yield from _registration(
                facts, record, "cnipa_registration_status", "cnipa_registration_date"
            )
        case "pledge_financings":
            yield from _registration(
                facts, record, "cnipa_pledge_registration_status", "cnipa_pledge_registration_date"
            )
            yield from _not_before(facts, "disbursement_date", "repayment_completed_date")
            yield from _not_before(facts, "disbursement_date", "loan_due_date")
            yield from _repayment(facts)
        case "construction_periods":
            yield from _period_bounds(record)
            yield from _not_before(facts, "start", "end")
            yield from _not_before(facts, "end", "grace_end")
        case "municipal_programme_periods":
            yield from _not_before(facts, "start", "end")


def _size_of_non_enterprise(facts: _Facts, prefix: str) -> Iterator[InputError]:
    form, size = facts.get(f"{prefix}legal_form"), facts.get(f"{prefix}enterprise_size")
    if form is not None and size is not None and form.value in NON_ENTERPRISE_FORMS:
        yield InputError(
            "V-CONTRA",
            size.path,
            f'enterprise_size "{size.value}" is only for enterprises, but '
            f'{form.field} is "{form.value}" ({form.path})',
        )


def _registration(
    facts: _Facts, record: Record, status_name: str, date_name: str
) -> Iterator[InputError]:
    status, when = facts.get(status_name), facts.get(date_name)
    if status is None:
        return
    if status.value in _UNREGISTERED and when is not None:
        yield InputError(
            "V-CONTRA",
            when.path,
            f"{date_name} {when.value} is given but {status_name} is "
            f'"{status.value}": only a registered record has a registration date',
        )
    if status.value == "registered" and date_name not in record.fields_present:
        yield InputError(
            "V-CONTRA",
            f"{record.path}.{date_name}",
            f'{status_name} is "registered" but {date_name} is missing',
        )


def _period_bounds(record: Record) -> Iterator[InputError]:
    """A construction period is a closed interval: CQ 第十三条 reads both ends, and a period
    without one could neither exclude nor clear the applicant."""
    for bound in ("start", "end"):
        if bound not in record.fields_present:
            yield InputError(
                "V-REQUIRED",
                f"{record.path}.{bound}",
                f"a construction period needs its {bound} date (YYYY-MM-DD)",
            )


def _not_before(facts: _Facts, earlier: str, later: str) -> Iterator[InputError]:
    first, second = facts.get(earlier), facts.get(later)
    if first is None or second is None:
        return
    assert isinstance(first.value, datetime.date) and isinstance(second.value, datetime.date)
    if second.value < first.value:
        yield InputError(
            "V-CONTRA", second.path, f"{later} {second.value} is before {earlier} {first.value}"
        )


def _repayment(facts: _Facts) -> Iterator[InputError]:
    repaid, completed = facts.get("repaid_in_full"), facts.get("repayment_completed_date")
    if repaid is not None and completed is not None and repaid.value is False:
        yield InputError(
            "V-CONTRA",
            completed.path,
            f"repayment_completed_date {completed.value} is given but repaid_in_full is false",
        )


def _date_without_approval(facts: _Facts) -> Iterator[InputError]:
    approved, when = (
        facts.get("standard_project_approved"),
        facts.get("standard_project_approved_date"),
    )
    if approved is not None and when is not None and approved.value is False:
        yield InputError(
            "V-CONTRA",
            when.path,
            f"standard_project_approved_date {when.value} is given but "
            f"standard_project_approved is false",
        )


def _selection_amounts(facts: _Facts) -> Iterator[InputError]:
    for name, fact in facts.first.items():
        if not (name.startswith(f"{SELECTION}.") and name.endswith(".approved_amount")):
            continue
        selected = facts.get(name.removesuffix(".approved_amount") + ".selected")
        assert isinstance(fact.value, Decimal)
        if selected is not None and selected.value is False and fact.value > 0:
            yield InputError(
                "V-CONTRA",
                fact.path,
                f"approved_amount {fact.value} is given but selected is false",
            )


def _nat_funding(facts: _Facts) -> Iterator[InputError]:
    total, tranche = facts.get("central_funding_total"), facts.get("central_funding_2019")
    for fact, (low, high) in ((total, _NAT_TOTAL), (tranche, _NAT_2019)):
        if fact is not None and isinstance(fact.value, Decimal) and not low <= fact.value <= high:
            yield InputError(
                "V-RANGE",
                fact.path,
                f"{fact.field} must be from {low:,} to {high:,} yuan "
                f"(财办建〔2019〕70号 三): got {fact.value}",
            )
    if total is not None and tranche is not None:
        assert isinstance(total.value, Decimal) and isinstance(tranche.value, Decimal)
        if tranche.value > total.value:
            yield InputError(
                "V-RANGE",
                tranche.path,
                f"central_funding_2019 {tranche.value} is more than "
                f"central_funding_total {total.value}",
            )
