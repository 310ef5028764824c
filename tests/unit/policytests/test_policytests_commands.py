"""`eligibility test` and `eligibility coverage`: reports, summary line and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from policytests_testing import OPERATION, at, write_suite

from eligibility.commands import main

CASES = f"""\
cases:
  - name: three deals qualify
    applicant:
      ip_contracts:
        - {{<<: *deal, record_id: T1}}
        - {{<<: *deal, record_id: T2}}
        - {{<<: *deal, record_id: T3}}
    expect:
      {OPERATION}: {{outcome: qualifies, amount: "4800.00"}}
  - name: two deals are not enough
    applicant:
      ip_contracts:
        - {{<<: *deal, record_id: T1}}
        - {{<<: *deal, record_id: T2}}
    expect:
      {OPERATION}: {{outcome: qualifies}}
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def _in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(tmp_path / "cache"))


def test_test_reports_each_case_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_suite(tmp_path, CASES)
    code, out, err = _run(capsys, "test", "cq.policy")
    lines = out.splitlines()
    assert code == 1 and err == ""
    assert lines[0] == "cq.tests.yaml · cq.policy (渝知发〔2024〕22号)"
    assert lines[1] == "PASS  three deals qualify"
    assert lines[2] == f"FAIL  two deals are not enough  ({at(tmp_path, 'two deals')})"
    assert "        outcome:    expected qualifies, got does_not_qualify" in lines
    assert lines[-1] == "1 passed, 1 failed"


def test_test_exits_0_when_every_case_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_suite(tmp_path, CASES.replace("{outcome: qualifies}", "{outcome: does_not_qualify}"))
    code, out, _ = _run(capsys, "test", "cq.tests.yaml")
    assert code == 0 and out.splitlines()[-1] == "2 passed, 0 failed"


def test_test_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_suite(tmp_path, CASES)
    code, out, _ = _run(capsys, "test", "cq.policy", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert (document["schema"], document["passed"], document["failed"]) == (
        "eligibility.policy-tests/1",
        1,
        1,
    )
    failed = document["cases"][1]
    assert failed["id"] == "cq::two deals are not enough" and failed["passed"] is False
    assert failed["programmes"][0]["differences"][0] == {
        "aspect": "outcome",
        "expected": "qualifies",
        "actual": "does_not_qualify",
        "note": "",
    }


def test_an_invalid_test_file_is_reported_at_its_line_and_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_suite(tmp_path, CASES.replace('amount: "4800.00"', "amount: 4800.00"))
    code, out, err = _run(capsys, "test", "cq.policy")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        (
            f"error: {at(tmp_path, '4800.00')}: 4800.00 is written as a number with a decimal point, "
            "which YAML reads as a binary fraction that can lose the fen: write amounts of money in "
            'quotes, as "4800.00"'
        ),
        "1 problem(s) in the test files: no case was run",
    ]
    assert "Traceback" not in err


def test_a_missing_test_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "test", "nowhere.policy")
    assert code == 2
    assert err.startswith("error: nowhere.tests.yaml:1:1: no such test file")


def test_coverage_flags_articles_no_case_exercises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_suite(tmp_path, "binding_articles: [第十三条, 第十四条]\n" + CASES)
    code, out, _ = _run(capsys, "coverage", "cq.policy")
    lines = out.splitlines()
    assert code == 1
    assert "cq.policy · 渝知发〔2024〕22号 · 2 test case(s)" in lines
    assert any(line.startswith("  第十一条（二）") and line.endswith("no test") for line in lines)
    assert any(line.startswith("  第十四条") and "no rule" in line for line in lines)
    assert "  第十一条（二）: no test case exercises it" in lines
    assert "  第十四条: listed in binding_articles, but no rule cites it" in lines
    assert lines[-1].endswith("flagged")


def test_coverage_json_lists_rules_and_cases_in_policy_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_suite(tmp_path, CASES)
    code, out, _ = _run(capsys, "coverage", "cq.policy", "--format", "json", "--strict")
    document = json.loads(out)
    assert code == 1 and document["exercised_by"] == "reasons"
    (policy,) = document["policies"]
    articles = {a["citation"].split(" ")[1]: a for a in policy["articles"]}
    first_lines = [a["rules"][0]["line"] for a in policy["articles"] if a["rules"]]
    assert first_lines == sorted(first_lines)
    assert articles["第十条"]["cases"] == ["three deals qualify"]
    assert articles["第九条（二）"]["status"] == "tested"
    assert {r["kind"] for r in articles["第十条"]["rules"]} == {"filter", "step", "cap"}
    assert articles["第十五条"]["status"] == "no test"
