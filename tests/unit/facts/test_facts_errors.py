"""Every error code of the applicant format, each with the exact JSON path it must name.

Each case breaks a valid Chongqing applicant in one way and asserts the complete error list, so
an extra, missing or misplaced error fails the test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from facts_testing import codes_at, errors_of

from eligibility.facts.jsontext import NonFinite

A = "$.applicant"
T0 = f"{A}.ip_contracts[0]"
T1 = f"{A}.ip_contracts[1]"
P0 = f"{A}.pledge_financings[0]"


def _app(**changes: object):
    return lambda d: d["applicant"].update(changes)


def _contract(index: int, **changes: object):
    return lambda d: d["applicant"]["ip_contracts"][index].update(changes)


def _pledge(**changes: object):
    return lambda d: d["applicant"]["pledge_financings"][0].update(changes)


def _drop(*keys: str):
    def mutate(doc: dict) -> None:
        target = doc
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return mutate


CASES = {
    # V-MONEY-NEG / V-MONEY-FMT
    "negative money string": (
        _contract(0, registered_contract_amount="-200000"),
        [("V-MONEY-NEG", f"{T0}.registered_contract_amount")],
    ),
    "negative money number": (
        _contract(0, registered_contract_amount=-200000),
        [("V-MONEY-NEG", f"{T0}.registered_contract_amount")],
    ),
    "money with 万": (
        _contract(1, registered_contract_amount="50万"),
        [("V-MONEY-FMT", f"{T1}.registered_contract_amount")],
    ),
    "money with 3 decimals": (
        _contract(0, actually_paid_amount="100.005"),
        [("V-MONEY-FMT", f"{T0}.actually_paid_amount")],
    ),
    "money as JSON number": (
        _contract(0, actually_paid_amount=Decimal("100.5")),
        [("V-MONEY-FMT", f"{T0}.actually_paid_amount")],
    ),
    "money NaN string": (
        _pledge(loan_disbursed_amount="NaN"),
        [("V-MONEY-FMT", f"{P0}.loan_disbursed_amount")],
    ),
    "money bare NaN": (
        _pledge(loan_disbursed_amount=NonFinite("NaN")),
        [("V-MONEY-FMT", f"{P0}.loan_disbursed_amount")],
    ),
    "money Infinity": (
        _pledge(pledge_registered_amount=NonFinite("Infinity")),
        [("V-MONEY-FMT", f"{P0}.pledge_registered_amount")],
    ),
    "money with separator": (
        _contract(0, registered_contract_amount="250,000.00"),
        [("V-MONEY-FMT", f"{T0}.registered_contract_amount")],
    ),
    "nested money": (
        lambda d: d["applicant"]["pledge_financings"][0]["financing_service_fees"].update(
            other="-1.00"
        ),
        [("V-MONEY-NEG", f"{P0}.financing_service_fees.other")],
    ),
    # V-DATE
    "not a calendar date": (
        _contract(0, contract_date="2024-02-30"),
        [("V-DATE", f"{T0}.contract_date")],
    ),
    "slashed date": (_contract(0, contract_date="2024/06/01"), [("V-DATE", f"{T0}.contract_date")]),
    "unpadded date": (
        lambda d: d["context"].update(application_date="2019-5-17"),
        [("V-DATE", "$.context.application_date")],
    ),
    "full-width digits": (
        _contract(0, contract_date="２０２４-01-01"),
        [("V-DATE", f"{T0}.contract_date")],
    ),
    # V-REGION
    "unknown province": (
        _app(registered_region="999999"),
        [("V-REGION", f"{A}.registered_region")],
    ),
    "region name": (
        _app(operating_regions=["500103", "Atlantis"]),
        [("V-REGION", f"{A}.operating_regions[1]")],
    ),
    "region as number": (_app(registered_region=500103), [("V-REGION", f"{A}.registered_region")]),
    "party region": (
        lambda d: d["applicant"]["ip_contracts"][0]["transferee"].update(registered_region="5001"),
        [("V-REGION", f"{T0}.transferee.registered_region")],
    ),
    # V-ENUM
    "unknown ip type": (
        lambda d: d["applicant"]["ip_contracts"][0]["items"][0].update(
            ip_type="software_copyright"
        ),
        [("V-ENUM", f"{T0}.items[0].ip_type")],
    ),
    "unknown entity kind": (
        _app(entity_kinds=["ip_operation_service_institution", "bank"]),
        [("V-ENUM", f"{A}.entity_kinds[1]")],
    ),
    "wrong format version": (
        lambda d: d.update(schema="eligibility.applicant/2"),
        [("V-ENUM", "$.schema")],
    ),
    # V-INT / V-RANGE
    "negative staff": (
        _app(full_time_ip_operation_staff=-3),
        [("V-INT", f"{A}.full_time_ip_operation_staff")],
    ),
    "fractional staff": (
        _app(full_time_ip_operation_staff=Decimal("12.5")),
        [("V-INT", f"{A}.full_time_ip_operation_staff")],
    ),
    "boolean staff": (
        _app(full_time_ip_operation_staff=True),
        [("V-INT", f"{A}.full_time_ip_operation_staff")],
    ),
    "staff as string": (
        _app(full_time_ip_operation_staff="12"),
        [("V-INT", f"{A}.full_time_ip_operation_staff")],
    ),
    "assessment year out of range": (
        lambda d: d["context"].update(assessment_year=24),
        [("V-RANGE", "$.context.assessment_year")],
    ),
    "supermarket sequence 0": (
        _app(district_supermarket_sequence=0),
        [("V-RANGE", f"{A}.district_supermarket_sequence")],
    ),
    "five mandatory tasks": (
        _app(plan_covers_mandatory_tasks=[True] * 4),
        [("V-RANGE", f"{A}.plan_covers_mandatory_tasks")],
    ),
    # V-CONTRA
    "date on unfiled contract": (
        _contract(1, cnipa_registration_status="not_filed", cnipa_registration_date="2024-05-01"),
        [("V-CONTRA", f"{T1}.cnipa_registration_date")],
    ),
    "date on pending contract": (
        _contract(1, cnipa_registration_date="2024-05-01"),
        [("V-CONTRA", f"{T1}.cnipa_registration_date")],
    ),
    "registered without date": (
        _drop("applicant", "ip_contracts", 0, "cnipa_registration_date"),
        [("V-CONTRA", f"{T0}.cnipa_registration_date")],
    ),
    "repaid before disbursed": (
        _pledge(repaid_in_full=True, repayment_completed_date="2024-05-01"),
        [("V-CONTRA", f"{P0}.repayment_completed_date")],
    ),
    "completion date but not repaid": (
        _pledge(repayment_completed_date="2025-01-01"),
        [("V-CONTRA", f"{P0}.repayment_completed_date")],
    ),
    "size of a public institution": (
        _app(legal_form="public_institution"),
        [("V-CONTRA", f"{A}.enterprise_size")],
    ),
    "size of a party that is a public institution": (
        lambda d: d["applicant"]["ip_contracts"][0]["transferor"].update(enterprise_size="large"),
        [("V-CONTRA", f"{T0}.transferor.enterprise_size")],
    ),
    "construction ends before it starts": (
        lambda d: d["applicant"]["construction_periods"][0].update(end="2023-06-30"),
        [("V-CONTRA", f"{A}.construction_periods[0].end")],
    ),
    "amount approved but not selected": (
        lambda d: d["applicant"]["selection_result"]["cq_centre_construction_comprehensive"].update(
            selected=False
        ),
        [
            (
                "V-CONTRA",
                f"{A}.selection_result.cq_centre_construction_comprehensive.approved_amount",
            )
        ],
    ),
    # V-DUP
    "duplicate record id": (_contract(1, record_id="T1"), [("V-DUP", f"{T1}.record_id")]),
    "project proposed twice under one programme": (
        _app(
            project_proposals=[
                {"programme_id": "bj_key_industry_patent_operation", "project_id": "P1"},
                {"programme_id": "bj_patent_trading_service_capability", "project_id": "P1"},
                {"programme_id": "bj_key_industry_patent_operation", "project_id": "P1"},
            ]
        ),
        [("V-DUP", f"{A}.project_proposals[2].project_id")],
    ),
    "duplicate region": (
        _app(operating_regions=["500103", "500103"]),
        [("V-DUP", f"{A}.operating_regions[1]")],
    ),
    "duplicate patent in a contract": (
        lambda d: d["applicant"]["ip_contracts"][0]["items"][1].update(
            ip_number="ZL202310000001.1"
        ),
        [("V-DUP", f"{T0}.items[1].ip_number")],
    ),
    # V-TYPE
    "null value": (_app(credit_good=None), [("V-TYPE", f"{A}.credit_good")]),
    "string for bool": (_app(credit_good="yes"), [("V-TYPE", f"{A}.credit_good")]),
    "empty name": (_app(name=""), [("V-TYPE", f"{A}.name")]),
    "object for a list": (_app(ip_contracts={}), [("V-TYPE", f"{A}.ip_contracts")]),
    "scalar for a list": (_app(operating_regions="500103"), [("V-TYPE", f"{A}.operating_regions")]),
    "list for a party": (_contract(0, transferee=[]), [("V-TYPE", f"{T0}.transferee")]),
    "applicant not an object": (lambda d: d.update(applicant=[]), [("V-TYPE", A)]),
    # V-UNKNOWN
    "misspelt field": (_app(credit_god=True), [("V-UNKNOWN", f"{A}.credit_god")]),
    "misspelt record field": (
        _contract(0, contract_dat="2024-02-01"),
        [("V-UNKNOWN", f"{T0}.contract_dat")],
    ),
    "unknown top-level key": (lambda d: d.update(applicants={}), [("V-UNKNOWN", "$.applicants")]),
    "invalid attestation id": (
        lambda d: d["applicant"]["reviewer_attestations"].update(
            {"bad id": {"value": True, "reviewer": "张三", "date": "2024-10-20"}}
        ),
        [("V-UNKNOWN", f'{A}.reviewer_attestations["bad id"]')],
    ),
    # V-REQUIRED
    "no applicant id": (_drop("applicant", "applicant_id"), [("V-REQUIRED", f"{A}.applicant_id")]),
    "no record id": (
        _drop("applicant", "ip_contracts", 1, "record_id"),
        [("V-REQUIRED", f"{T1}.record_id")],
    ),
    "no reviewer": (
        _drop("applicant", "reviewer_attestations", "cq9_2_typical_cases", "reviewer"),
        [("V-REQUIRED", f"{A}.reviewer_attestations.cq9_2_typical_cases.reviewer")],
    ),
    "contract without items": (_contract(0, items=[]), [("V-REQUIRED", f"{T0}.items")]),
    "item without type": (
        _drop("applicant", "ip_contracts", 1, "items", 0, "ip_type"),
        [("V-REQUIRED", f"{T1}.items[0].ip_type")],
    ),
    "no schema key": (_drop("schema"), [("V-REQUIRED", "$.schema")]),
    # V-CONTEXT
    "no evaluation date": (
        _drop("context", "application_date"),
        [("V-CONTEXT", "$.context.application_date")],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_error_is_reported_once_at_its_path(case: str, cq_doc: dict) -> None:
    mutate, expected = CASES[case]
    mutate(cq_doc)
    assert codes_at(errors_of(cq_doc)) == expected


def test_every_error_code_is_exercised() -> None:
    codes = {code for _, expected in CASES.values() for code, _ in expected}
    assert codes == {
        "V-MONEY-NEG",
        "V-MONEY-FMT",
        "V-DATE",
        "V-REGION",
        "V-ENUM",
        "V-INT",
        "V-RANGE",
        "V-CONTRA",
        "V-DUP",
        "V-TYPE",
        "V-UNKNOWN",
        "V-REQUIRED",
        "V-CONTEXT",
    }  # V-JSON and V-FILE: test_facts_load.py


def test_every_violation_is_listed_sorted_by_path_then_code(cq_doc: dict) -> None:
    applicant = cq_doc["applicant"]
    applicant["credit_god"] = True
    applicant["registered_region"] = "999999"
    applicant["ip_contracts"][0]["registered_contract_amount"] = "-200000.00"
    applicant["ip_contracts"][0]["items"][0]["ip_type"] = "software"
    applicant["ip_contracts"][1]["record_id"] = "T1"
    applicant["ip_contracts"][10:] = [{"record_id": "T10", "registered_contract_amount": "1.001"}]
    applicant["ip_contracts"][2:2] = [{"record_id": f"T{n}"} for n in range(3, 10)]
    assert codes_at(errors_of(cq_doc)) == [
        ("V-UNKNOWN", f"{A}.credit_god"),
        ("V-ENUM", f"{T0}.items[0].ip_type"),
        ("V-MONEY-NEG", f"{T0}.registered_contract_amount"),
        ("V-DUP", f"{T1}.record_id"),
        ("V-MONEY-FMT", f"{A}.ip_contracts[9].registered_contract_amount"),
        ("V-REGION", f"{A}.registered_region"),
    ]


EXACT_MESSAGES = {
    "negative money string": 'money must not be negative: got "-200000"',
    "money with 万": '"50万" is not a money amount: write yuan as a decimal string such as '
    '"500000.00"',
    "not a calendar date": "2024-02-30 is not a calendar date",
    "slashed date": '"2024/06/01" is not an ISO date: write YYYY-MM-DD, e.g. "2024-06-01"',
    "unknown ip type": '"software_copyright" is not allowed: allowed values are invention_patent, '
    "utility_model, design_patent, trademark, other_ip",
    "misspelt field": 'unknown field "credit_god": did you mean "credit_good"?',
    "misspelt record field": 'unknown field "contract_dat": did you mean "contract_date"?',
    "duplicate record id": f'record_id "T1" is given twice: first at {T0}.record_id',
    "negative staff": "expected a whole number, 0 or more: got -3",
    "fractional staff": "expected a whole number: got 12.5",
    "null value": "null is not allowed: leave the field out when its value is unknown",
}


@pytest.mark.parametrize("case", list(EXACT_MESSAGES))
def test_messages_say_what_was_received_and_what_is_allowed(case: str, cq_doc: dict) -> None:
    CASES[case][0](cq_doc)
    (error,) = errors_of(cq_doc)
    assert error.message == EXACT_MESSAGES[case]
