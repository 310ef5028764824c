"""`eligibility fields`: the checklist of every fact a programme reads, and its template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eligibility.commands import main
from eligibility.compiler import load_policy, policy_files
from eligibility.facts.validate import validate_document
from eligibility.ir.checklist import policy_checklists, row_path

ROOT = Path(__file__).resolve().parents[3]
CQ = "policies/chongqing-2024.policy"
OPERATION = "cq_operation_performance_subsidy"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")


def _fields(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fields", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    code, out, _ = _fields(capsys, "--format", "json", *args)
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def test_one_programme_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _fields(capsys, "--programme", OPERATION)
    assert code == 0 and err == ""
    assert out.startswith(
        "渝知发〔2024〕22号 · cq_operation_performance_subsidy 知识产权运营绩效补贴"
    )
    assert "信用良好/信用记录良好（credit_good）：是/否 · 第九条（一） · 申请人提供" in out
    assert "其他许可人经评审认可（等外，A-07）（ip_contracts[].reviewer_attestations" in out
    assert out.count("审核人提供") == 1 + 3  # the heading's count, then three rows
    assert "登记/备案合同金额（ip_contracts[].registered_contract_amount）：金额（元）" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _fields(capsys, "--programme", OPERATION, "--lang", "en")
    assert code == 0
    assert (
        "credit_good (信用良好/信用记录良好): yes/no · 第九条（一） · supplied by the applicant"
        in out
    )
    assert "reads 41 facts (3 supplied by a reviewer)" in out.replace("\n", " ")


def test_json_rows_carry_codes_and_labels(capsys: pytest.CaptureFixture[str]) -> None:
    document = _json(capsys, "--programme", OPERATION)
    assert document["schema"] == "eligibility.fields/1" and document["lang"] == "zh"
    (programme,) = document["programmes"]
    facts = {f["path"]: f for f in programme["facts"]}
    credit = facts["credit_good"]
    assert (credit["kind"], credit["supplier"], credit["supplier_label"]) == (
        "bool",
        "applicant",
        "申请人提供",
    )
    assert credit["citations"] == ["渝知发〔2024〕22号 第九条（一）"]
    legal_form = facts["legal_form"]
    assert {"code": "company", "label": "公司"} in legal_form["enum_values"]
    assert facts["ip_contracts"]["kind"] == "collection"
    assert facts["context.assessment_year"]["supplier"] == "intake"
    finding = facts["ip_contracts[].reviewer_attestations.cq11_3_licensor_accepted"]
    assert finding["supplier"] == "reviewer" and "A-07" in finding["label"]


def test_every_programme_of_a_policy(capsys: pytest.CaptureFixture[str]) -> None:
    document = _json(capsys, "--policy", CQ)
    assert [p["programme"] for p in document["programmes"]] == [
        "cq_centre_construction_comprehensive",
        "cq_centre_construction_industry",
        OPERATION,
    ]


def test_an_unknown_programme_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _fields(capsys, "--programme", "cq_operation_performance")
    assert code == 64 and out == ""
    assert "no programme 'cq_operation_performance'" in err
    assert "did you mean cq_operation_performance_subsidy?" in err


def test_a_missing_policy_file_is_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _fields(capsys, "--policy", "policies/nowhere.policy")
    assert code == 3 and "no policy file" in err


def test_every_missing_fact_of_the_examples_has_a_row() -> None:
    """Whatever `missing` names in a golden decision is a row of its programme's checklist:
    the checklist reads what evaluation reads."""
    own = sorted((ROOT / "examples").glob("*/*.policy"))  # examples/authoring's own policy
    rows = {
        (c.programme, row.path)
        for path in [*policy_files(), *own]
        for c in policy_checklists(load_policy(path).policy)
        for row in c.rows
    }
    seen = 0
    for golden in (ROOT / "tests/golden/examples").glob("*.json"):
        for result in json.loads(golden.read_text(encoding="utf-8")).get("results", []):
            for missing in result["missing"]:
                assert (result["programme"], row_path(missing)) in rows, (golden.name, missing)
                seen += 1
    assert seen > 100


def test_the_template_names_every_fact_and_is_refused_until_filled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _fields(capsys, "--programme", OPERATION, "--template")
    assert code == 0
    template = json.loads(out)
    assert template["schema"] == "eligibility.applicant/1"
    contract = template["applicant"]["ip_contracts"][0]
    assert contract["transferor"]["registered_region"] is None
    assert contract["items"][0] == {"ip_number": None, "ip_type": None}
    assert template["applicant"]["reviewer_attestations"]["cq9_2_typical_cases"] == {
        "value": None,
        "reviewer": None,
        "date": None,
    }
    errors = validate_document(template, "0" * 64)
    assert isinstance(errors, tuple)
    assert {e.code for e in errors} == {"V-TYPE"}  # every null: nothing else is wrong
    assert "$.applicant.credit_good" in {e.path for e in errors}
