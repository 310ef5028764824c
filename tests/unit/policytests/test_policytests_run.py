"""Running cases: the comparison, the reasons for an outcome, and the report of a failure."""

from __future__ import annotations

from pathlib import Path

from policytests_testing import OPERATION, load

from eligibility.evaluate import decide
from eligibility.policytests.report import case_lines
from eligibility.policytests.run import reasons, run_case, why_lines
from tests.support import CQ, EXAMPLES, chongqing, load_example

THREE_DEALS = """\
    applicant:
      ip_contracts:
        - {<<: *deal, record_id: T1}
        - {<<: *deal, record_id: T2}
        - {<<: *deal, record_id: T3}
"""


def _runs(tmp_path: Path, cases: str):  # type: ignore[no-untyped-def]
    suite = load(tmp_path, cases)
    assert not suite.problems, suite.problems
    return [run_case(case, chongqing()) for case in suite.cases]


def test_a_failing_case_shows_what_differs(tmp_path: Path) -> None:
    (run,) = _runs(
        tmp_path,
        f"""\
cases:
  - name: wrong on every count
{THREE_DEALS}
    expect:
      {OPERATION}:
        outcome: does_not_qualify
        amount: "4800.01"
        missing: [credit_good]
        citations: [第十五条, 第十九条, 第十条]
        because: [第六条, 第九条（二）]
""",
    )
    assert not run.passed
    lines = case_lines(run, CQ)
    assert lines[:9] == [
        "FAIL  wrong on every count  (cq.tests.yaml:27:11)",
        f"      {OPERATION}",
        "        outcome:    expected does_not_qualify, got qualifies",
        "        amount:     expected 4800.01, got 4800.00",
        "        missing:    expected [credit_good], got []  (not missing: credit_good)",
        "        citation absent: 第十五条",
        "        citation absent: 第十九条  (no rule of the policy cites it)",
        "        not among the reasons: 第六条",
        "        actual result:",
    ]
    # then the amount's computation, as the explanation shows it
    assert lines[9].startswith("          运营绩效金额: ") and "240,000.00" in lines[9]
    assert "          四舍五入到分 (R3): 4,800.00 元" in lines[10:]


def test_a_passing_case_is_one_line(tmp_path: Path) -> None:
    (run,) = _runs(
        tmp_path,
        f"""\
cases:
  - name: right
{THREE_DEALS}
    expect:
      {OPERATION}:
        outcome: qualifies
        amount: "4800"
        missing: []
        citations: [第十条, 第九条(二)]
        because: [第九条（二）, 第十条]
""",
    )
    assert run.passed
    assert case_lines(run, CQ) == ["PASS  right"]


def test_reasons_of_an_exclusion_are_the_exclusion() -> None:
    applicant = load_example(EXAMPLES / "under-construction.json")
    result = next(r for r in decide((chongqing(),), applicant).results if r.programme == OPERATION)
    assert reasons(result) == (f"{CQ} 第八条", f"{CQ} 第十三条")
    assert f"{CQ} 第九条（二）" in result.citations  # shown, but not a reason
    # 第十三条 excludes on the stated status and on the listed period: each reason is a line
    lines = why_lines(result)
    assert all(line.startswith("✗ excluded: ") for line in lines)
    assert all(line.endswith(f"[{CQ} 第十三条]") for line in lines)
    assert any("cq_centre_status = under_construction" in line for line in lines)
    assert any("construction_periods[0]" in line for line in lines)


def test_reasons_of_a_failed_threshold_include_records_left_out() -> None:
    applicant = load_example(EXAMPLES / "all-branches-fail.json")
    result = next(r for r in decide((chongqing(),), applicant).results if r.programme == OPERATION)
    found = reasons(result)
    assert f"{CQ} 第九条（二）" in found and f"{CQ} 第十一条" in found
    assert f"{CQ} 第十三条" not in found and f"{CQ} 第九条（一）" not in found


def test_reasons_of_an_undetermined_result_are_the_missing_facts(tmp_path: Path) -> None:
    (run,) = _runs(
        tmp_path,
        f"""\
cases:
  - name: no credit
    unknown: [credit_good]
{THREE_DEALS}
    expect:
      {OPERATION}: {{outcome: qualifies}}
""",
    )
    (result,) = [r for r in run.results if r.programme == OPERATION]
    assert reasons(result) == (f"{CQ} 第八条", f"{CQ} 第九条", f"{CQ} 第九条（一）")
    assert run.checks[0].why == (f"? 信用良好: credit_good: not stated [{CQ} 第九条（一）]",)
