"""Funding rounds in a policy's test file (`rounds:`): copies numbered as other enterprises,
every mistake reported where it is written, a round run and compared as `eligibility round`
shares it out, and `eligibility test` failing on a round that differs."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from policytests_testing import OPERATION, at, load, messages, write_suite

from eligibility.commands import main
from eligibility.policytests.load_rounds import numbered
from eligibility.policytests.rounds import run_round_case
from tests.support import chongqing

# A Chongqing applicant at the 第十条 cap: 40% × 62,500,000.00 × 2% = 500,000.00.
CAPPED = """\
cases:
  - name: capped
    applicant:
      applicant_id: CQ-R
      name: 重庆某运营公司
      ip_contracts:
        - {<<: *deal, record_id: T1, registered_contract_amount: "20000000.00",
           transferee: {name: 重庆某运营公司, registered_region: "500112"}}
        - {<<: *deal, record_id: T2, registered_contract_amount: "20000000.00"}
        - {<<: *deal, record_id: T3, registered_contract_amount: "22500000.00"}
    expect:
      cq_operation_performance_subsidy: {outcome: qualifies, amount: "500000.00"}
"""


def _with(rounds: str) -> str:
    return CAPPED + textwrap.dedent(rounds)


def test_a_copy_is_another_enterprise_with_the_same_facts() -> None:
    document = {
        "applicant": {
            "applicant_id": "CQ-R",
            "name": "重庆某运营公司",
            "credit_good": True,
            "ip_contracts": [
                {
                    "record_id": "T1",
                    "transferor": {"name": "重庆某大学"},
                    "transferee": {"name": "重庆某运营公司"},
                    "items": [{"ip_number": "ZL1"}],
                }
            ],
        }
    }
    copy = numbered(document, "07")
    assert copy["applicant"]["applicant_id"] == "CQ-R-07"
    assert copy["applicant"]["name"] == "重庆某运营公司（07）"
    [record] = copy["applicant"]["ip_contracts"]
    assert record["record_id"] == "T1-07"
    assert record["transferor"] == {"name": "重庆某大学（07）"}
    assert record["transferee"] == {"name": "重庆某运营公司（07）"}  # still the applicant
    assert record["items"] == [{"ip_number": "ZL1"}]
    assert document["applicant"]["applicant_id"] == "CQ-R"  # the case itself is untouched


def test_eleven_copies_at_the_cap_share_the_pool_pro_rata(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        _with(
            """\
        rounds:
          - name: eleven
            applicants: [{case: capped, copies: 11}]
            expect:
              pools:
                cq_operation_performance_subsidy:
                  {status: prorated, requested: "5500000.00", allocated: "5000000.00"}
              awards:
                CQ-R-01: {cq_operation_performance_subsidy: "454545.46"}
                CQ-R-06: {cq_operation_performance_subsidy: "454545.45"}
              issues: []
        """
        ),
    )
    assert messages(suite) == []
    [eleven] = suite.rounds
    assert [a.applicant_id for a in eleven.applicants][:2] == ["CQ-R-01", "CQ-R-02"]
    assert eleven.copies_of[0] == ("CQ-R-01", "capped")
    run = run_round_case(eleven, chongqing(), suite.cases)
    assert run.differences == ()


def test_what_a_round_expects_is_compared(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        _with(
            """\
        rounds:
          - name: ten
            applicants: [{case: capped, copies: 10}]
            available: {cq_operation_performance_subsidy: "4000000.00"}
            expect:
              pools: {cq_operation_performance_subsidy: {status: not_exceeded}}
              awards: {CQ-R-01: {cq_operation_performance_subsidy: "500000.00"}}
              issues: [R-QUOTA]
        """
        ),
    )
    [ten] = suite.rounds
    assert ten.available == (("cq_operation_performance_subsidy", Decimal("4000000.00")),)
    run = run_round_case(ten, chongqing(), suite.cases)
    assert [(d.aspect, d.expected, d.actual) for d in run.differences] == [
        (f"pool {OPERATION} status", "not_exceeded", "prorated"),
        (f"share CQ-R-01 {OPERATION}", "500000.00", "400000.00"),
        ("issues", "R-QUOTA", "none"),
    ]


def test_round_mistakes_are_reported_where_they_are_written(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        _with(
            """\
        rounds:
          - name: mistakes
            applicants: [caped]
            expect: {}
          - name: capped
            applicants: [{case: capped, copies: 0}]
            expect: {issues: []}
          - name: pools
            applicants: [capped]
            available: {cq_centre_construction_industry: "1.00"}
            expect: {issues: []}
          - name: awards
            applicants: [capped]
            expect:
              pools: {cq_operation_performance_subsidy: {status: over}}
          - name: ids
            applicants: [capped]
            expect:
              awards: {CQ-X: {cq_operation_performance_subsidy: "1.00"}}
        """
        ),
    )
    assert messages(suite) == [
        f"{at(tmp_path, 'caped')}: round 'mistakes': `caped` is not a valid case of this file "
        "(did you mean `capped`?)",
        f"{at(tmp_path, 'capped', 2)}: round 'capped': a case or round has this name already "
        f"(line {at(tmp_path, 'capped').split(':')[1]}): names must be unique",
        f"{at(tmp_path, '0}]')}: round 'capped': `copies` must be a whole number from 1 to 200",
        f"{at(tmp_path, 'cq_centre_construction_industry')}: round 'pools': "
        "`cq_centre_construction_industry` is no programme with a pool in this policy "
        "(pools: cq_operation_performance_subsidy)",
        f"{at(tmp_path, 'over')}: round 'awards', pool `cq_operation_performance_subsidy`: "
        "`status` is 'over'; write one of not_exceeded, prorated, undetermined, blocked, review",
        f"{at(tmp_path, 'CQ-X')}: round 'ids': `CQ-X` is not an applicant of this round "
        "(did you mean `CQ-R`?)",
    ]


@pytest.mark.parametrize(("share", "code"), [("454545.46", 0), ("454545.45", 1)])
def test_eligibility_test_fails_on_a_round_that_differs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    share: str,
    code: int,
) -> None:
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(tmp_path / "cache"))
    rounds = f"""\
        rounds:
          - name: eleven
            applicants: [{{case: capped, copies: 11}}]
            expect:
              awards: {{CQ-R-05: {{cq_operation_performance_subsidy: "{share}"}}}}
        """
    tests = write_suite(tmp_path, _with(rounds))
    assert main(["test", str(tests), "--format", "json"]) == code
    report = json.loads(capsys.readouterr().out)
    [eleven] = report["rounds"]
    assert (eleven["name"], eleven["passed"], len(eleven["applicants"])) == (
        "eleven",
        code == 0,
        11,
    )
    assert report["failed"] == code
