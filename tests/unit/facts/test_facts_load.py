"""Loading applicant files: the valid round trip, the evaluation context, files that are not JSON,
hostile strings, and the promise that a valid file never imports jsonschema."""

from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from facts_testing import DATA, REPO, codes_at, errors_of, facts_of

from eligibility.facts.model import ApplicantFacts, EvaluationContext, Fact, InputError
from eligibility.facts.validate import load_applicant

CQ_FILE = DATA / "chongqing-ops.json"


def _load(path: Path, **kwargs: object) -> ApplicantFacts:
    result = load_applicant(path, **kwargs)
    assert isinstance(result, ApplicantFacts), result
    return result


def test_valid_file_round_trip_applicant_facts() -> None:
    applicant = _load(CQ_FILE)
    assert applicant.applicant_id == "CQ-OPS-001"
    assert applicant.source_sha256 == hashlib.sha256(CQ_FILE.read_bytes()).hexdigest()
    assert applicant.context == EvaluationContext(
        datetime.date(2024, 10, 15), 2024, (("cq_branchA_amount_basis", "total"),)
    )
    by_path = {f.path: f for f in applicant.facts}
    assert by_path["$.applicant.credit_good"] == Fact(
        "credit_good", True, "$.applicant.credit_good"
    )
    assert by_path["$.applicant.full_time_ip_operation_staff"].value == 18
    assert [f for f in applicant.facts if f.field == "operating_regions"] == [
        Fact("operating_regions", "500103", "$.applicant.operating_regions[0]"),
        Fact("operating_regions", "500112", "$.applicant.operating_regions[1]"),
    ]
    attestation = "$.applicant.reviewer_attestations.cq9_2_typical_cases"
    assert by_path[f"{attestation}.value"] == Fact(
        "reviewer_attestations.cq9_2_typical_cases", True, f"{attestation}.value"
    )
    assert by_path[f"{attestation}.date"].value == datetime.date(2024, 10, 20)
    assert by_path[f"{attestation}.reviewer"].field == (
        "reviewer_attestations.cq9_2_typical_cases.reviewer"
    )
    amount = by_path[
        "$.applicant.selection_result.cq_centre_construction_comprehensive.approved_amount"
    ]
    assert amount.field == "selection_result.cq_centre_construction_comprehensive.approved_amount"
    assert amount.value == Decimal("4000000.00") and isinstance(amount.value, Decimal)
    assert by_path["$.applicant.applicant_kind"].value == "organisation"  # the default
    assert "applicant_kind" not in applicant.fields_present
    assert {
        "ip_contracts",
        "other_fiscal_support",
        "operating_regions",
        "reviewer_attestations.cq9_2_typical_cases",
    } <= applicant.fields_present
    assert "prior_awards" not in applicant.fields_present


def test_valid_file_round_trip_records() -> None:
    records = {(r.collection, r.record_id): r for r in _load(CQ_FILE).records}
    assert list(records) == [
        ("ip_contracts", "T1"),
        ("ip_contracts", "T2"),  # vocabulary order
        ("pledge_financings", "P1"),
        ("construction_periods", "construction_periods[0]"),
    ]
    t1 = records["ip_contracts", "T1"]
    assert t1.path == "$.applicant.ip_contracts[0]"
    facts = {f.path.removeprefix(t1.path): (f.field, f.value) for f in t1.facts}
    assert facts[".items[1].ip_type"] == ("items.ip_type", "utility_model")
    assert facts[".items[0].ip_number"] == ("items.ip_number", "ZL202310000001.1")
    assert facts[".transferor.entity_kinds[0]"] == ("transferor.entity_kinds", "university")
    assert facts[".cnipa_registration_date"] == (
        "cnipa_registration_date",
        datetime.date(2024, 3, 1),
    )
    assert facts[".registered_contract_amount"] == (
        "registered_contract_amount",
        Decimal("250000.00"),
    )
    assert facts[".reviewer_attestations.cq12_evidence_sufficient.value"] == (
        "reviewer_attestations.cq12_evidence_sufficient",
        True,
    )
    assert "transferee.enterprise_size" in t1.fields_present
    assert "cnipa_registration_date" not in records["ip_contracts", "T2"].fields_present
    p1 = {f.field: f.value for f in records["pledge_financings", "P1"].facts}
    assert p1["financing_service_fees.valuation"] == Decimal(5000)
    assert p1["repaid_in_full"] is False


def test_values_have_exact_python_types() -> None:
    applicant = _load(CQ_FILE)
    every = list(applicant.facts) + [f for r in applicant.records for f in r.facts]
    assert not [f for f in every if isinstance(f.value, float)]
    staff = next(f for f in every if f.field == "full_time_ip_operation_staff")
    assert type(staff.value) is int


def test_city_applicant(city_doc: dict) -> None:
    applicant = facts_of(city_doc)
    values = {f.path: f.value for f in applicant.facts}
    assert values["$.applicant.applicant_kind"] == "city"
    assert values["$.applicant.materials.provincial_recommendation_opinion"] is False
    assert values["$.applicant.plan_covers_mandatory_tasks[4]"] is False
    assert "central_service_fund_ip_operation_support_years" in applicant.fields_present
    assert applicant.context.assessment_year == 2019  # from the application date


def test_city_ranges(city_doc: dict) -> None:
    city_doc["applicant"].update(
        central_funding_total="140000000.00",
        central_funding_2019="150000000.01",
        province_code="330100",
    )
    assert codes_at(errors_of(city_doc)) == [
        ("V-RANGE", "$.applicant.central_funding_2019"),
        ("V-RANGE", "$.applicant.central_funding_2019"),
        ("V-RANGE", "$.applicant.central_funding_total"),
        ("V-REGION", "$.applicant.province_code"),
    ]


@pytest.mark.parametrize(
    ("as_of", "year", "expected"),
    [
        (None, None, (datetime.date(2024, 10, 15), 2024)),
        (datetime.date(2025, 1, 2), None, (datetime.date(2025, 1, 2), 2024)),
        (None, 2023, (datetime.date(2024, 10, 15), 2023)),
    ],
)
def test_context_arguments_override_the_file(
    as_of: datetime.date | None, year: int | None, expected: tuple[datetime.date, int]
) -> None:
    context = _load(CQ_FILE, as_of=as_of, assessment_year=year).context
    assert (context.as_of, context.assessment_year) == expected


def test_assessment_year_defaults_to_the_as_of_year(cq_doc: dict) -> None:
    del cq_doc["context"]
    context = facts_of(cq_doc, as_of=datetime.date(2023, 3, 1)).context
    assert (context.as_of, context.assessment_year, context.interpretations) == (
        datetime.date(2023, 3, 1),
        2023,
        (),
    )


def test_no_date_anywhere_is_a_context_error(cq_doc: dict) -> None:
    del cq_doc["context"]
    (error,) = errors_of(cq_doc)
    assert (error.code, error.path) == ("V-CONTEXT", "$.context.application_date")


def test_bad_assessment_year_argument(cq_doc: dict) -> None:
    assert codes_at(errors_of(cq_doc, assessment_year=99)) == [
        ("V-CONTEXT", "$.context.assessment_year")
    ]


def test_interpretation_values_must_be_strings(cq_doc: dict) -> None:
    cq_doc["context"]["interpretations"]["nat_deadline_inclusive"] = True
    assert codes_at(errors_of(cq_doc)) == [
        ("V-TYPE", "$.context.interpretations.nat_deadline_inclusive")
    ]


def test_hostile_strings_stay_data(tmp_path: Path) -> None:
    doc = json.loads(CQ_FILE.read_text(encoding="utf-8"))
    doc["applicant"]["name"] = "'); import os #"
    doc["applicant"]["ip_contracts"][0]["record_id"] = "__import__('os')"
    doc["applicant"]["parent_university_id"] = "{{7*7}} ${HOME} $(rm -rf /)"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    applicant = _load(path)
    values = {f.field: f.value for f in applicant.facts}
    assert values["name"] == "'); import os #"
    assert values["parent_university_id"] == "{{7*7}} ${HOME} $(rm -rf /)"
    assert applicant.records[0].record_id == "__import__('os')"


def test_hostile_keys_and_values_are_escaped_in_errors(cq_doc: dict) -> None:
    cq_doc["applicant"]["\u202eevil\x1b[31m\n"] = 1
    cq_doc["applicant"]["legal_form"] = "x\x1b[2J\ny"
    errors = errors_of(cq_doc)
    assert codes_at(errors) == [
        ("V-UNKNOWN", '$.applicant["\\u202eevil\\u001b[31m\\u000a"]'),
        ("V-ENUM", "$.applicant.legal_form"),
    ]
    for error in errors:
        assert error.message.isprintable() and error.path.isprintable()


def test_unpaired_surrogate_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.json"
    text = CQ_FILE.read_text(encoding="utf-8").replace('"张三"', '"\\ud800"')
    path.write_text(text, encoding="utf-8")
    result = load_applicant(path)
    assert isinstance(result, tuple)
    assert codes_at(result) == [
        ("V-TYPE", "$.applicant.reviewer_attestations.cq9_2_typical_cases.reviewer")
    ]


def test_missing_file(tmp_path: Path) -> None:
    result = load_applicant(tmp_path / "nope.json")
    assert isinstance(result, tuple) and [e.code for e in result] == ["V-FILE"]
    assert result[0].path == "$"


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    result = load_applicant(tmp_path)
    assert isinstance(result, tuple) and [e.code for e in result] == ["V-FILE"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"schema": "eligibility.applicant/1",\n  "applicant": {,}}',
            "not valid JSON: Expecting property name enclosed in double quotes at line 2, column 17",
        ),
        (b"", "not valid JSON: Expecting value at line 1, column 1"),
        (b'{"a": "\xff"}', "not UTF-8 text: byte 0xff at line 1, column 8"),
        (b"[" * 100_000, "not usable JSON: nested too deeply"),
    ],
)
def test_not_json_gives_line_and_column(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    assert load_applicant(path) == (InputError("V-JSON", "$", message),)


def test_repeated_key_is_not_silently_dropped(tmp_path: Path) -> None:
    text = CQ_FILE.read_text(encoding="utf-8").replace(
        '"credit_good": true,', '"credit_good": true, "credit_good": false,'
    )
    path = tmp_path / "repeated.json"
    path.write_text(text, encoding="utf-8")
    result = load_applicant(path)
    assert isinstance(result, tuple) and codes_at(result) == [("V-DUP", "$.applicant.credit_good")]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (
            '"record_id": "T2",',
            '"record_id": "T2", "record_id": "T3",',
            "$.applicant.ip_contracts[1].record_id",
        ),
        (
            '"value": true, "reviewer": "张三"',
            '"value": true, "value": false, "reviewer": "张三"',
            "$.applicant.reviewer_attestations.cq9_2_typical_cases.value",
        ),
        (
            '"schema": "eligibility.applicant/1",',
            '"schema": "eligibility.applicant/1", "schema": "x",',
            "$.schema",
        ),
        (
            '"cq_branchA_amount_basis": "total"',
            '"cq_branchA_amount_basis": "total", "cq_branchA_amount_basis": "per_transaction"',
            "$.context.interpretations.cq_branchA_amount_basis",
        ),
    ],
)
def test_repeated_keys_anywhere(tmp_path: Path, old: str, new: str, path: str) -> None:
    text = CQ_FILE.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / "repeated.json"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = load_applicant(target)
    assert isinstance(result, tuple) and ("V-DUP", path) in codes_at(result)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + CQ_FILE.read_bytes())
    assert _load(path).applicant_id == "CQ-OPS-001"


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    return set(out.split())


def test_a_valid_file_never_imports_jsonschema() -> None:
    """jsonschema costs ~85 ms of start-up and difflib is only for suggestions: a valid file
    needs neither. (typing and pathlib are not checked: an editable install's import finder
    loads them before any of our code runs.)"""
    modules = _modules_after(
        "from eligibility.facts.validate import load_applicant\n"
        f"assert not isinstance(load_applicant({str(CQ_FILE)!r}), tuple)"
    )
    assert not {"jsonschema", "difflib"} & modules


def test_an_invalid_shape_is_explained_with_jsonschema() -> None:
    bad = REPO / "examples" / "invalid" / "unknown-field.json"
    modules = _modules_after(
        "from eligibility.facts.validate import load_applicant\n"
        f"assert isinstance(load_applicant({str(bad)!r}), tuple)"
    )
    assert "jsonschema" in modules


def test_a_project_under_two_programmes_is_two_records(tmp_path: Path) -> None:
    """project_proposals has no id field (京 第十四条 compares one project under two programmes):
    a project_id that names one proposal names its record; a repeated one falls back to the index."""
    doc = json.loads(CQ_FILE.read_text(encoding="utf-8"))
    doc["applicant"]["project_proposals"] = [
        {"programme_id": "bj_key_industry_patent_operation", "project_id": "P1"},
        {"programme_id": "bj_patent_trading_service_capability", "project_id": "P1"},
        {"programme_id": "bj_patent_trading_service_capability", "project_id": "P2"},
    ]
    path = tmp_path / "proposals.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    records = [r for r in _load(path).records if r.collection == "project_proposals"]
    assert [r.record_id for r in records] == [
        "project_proposals[0]",
        "project_proposals[1]",
        "P2",
    ]
