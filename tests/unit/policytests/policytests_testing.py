"""Helpers for the tests of the policy-test runner: a test file written beside a copy of the
Chongqing policy, loaded as a Suite."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from eligibility.policytests.load import load_suite
from eligibility.policytests.model import Suite
from tests.support import POLICY_FILE, REPO, chongqing

OPERATION = "cq_operation_performance_subsidy"

# A test file's opening: an applicant meeting every 第九条 condition except the thresholds,
# and a template contract that counts for 第九条 and 第十条 in 2024.
HEADER = """\
defaults:
  context: {application_date: 2025-03-15, assessment_year: 2024}
  applicant:
    legal_form: company
    entity_kinds: [ip_operation_service_institution]
    operating_regions: ["500103"]
    credit_good: true
    cq_centre_type: none
    cq_centre_status: none
    reviewer_attestations:
      cq9_2_typical_cases: {value: true, reviewer: 评审组, date: 2025-04-10}
    construction_periods: []  # stated as none: an absent collection is unknown
    pledge_financings: []
templates:
  - &deal
    record_id: T1
    contract_kind: transfer
    items: [{ip_number: ZL1, ip_type: invention_patent}]
    transferor: {registered_region: "500106"}
    transferee: {registered_region: "500112"}
    served_party: both
    facilitated_by_applicant: true
    cnipa_registration_status: registered
    cnipa_registration_date: 2024-03-02
    registered_contract_amount: "200000.00"
"""


def write_suite(directory: Path, cases: str, header: str = HEADER) -> Path:
    """`cases` (a YAML `cases:` block, dedented) after `header`, as cq.tests.yaml beside a
    copy of the Chongqing policy (cq.policy). Returns the test file's path."""
    shutil.copy(REPO / POLICY_FILE, directory / "cq.policy")
    path = directory / "cq.tests.yaml"
    path.write_text(header + textwrap.dedent(cases), encoding="utf-8")
    return path


def load(directory: Path, cases: str, header: str = HEADER) -> Suite:
    path = write_suite(directory, cases, header)
    return load_suite(path, directory / "cq.policy", chongqing().policy, "cq.tests.yaml")


def messages(suite: Suite) -> list[str]:
    return [str(problem) for problem in suite.problems]


def at(directory: Path, snippet: str, nth: int = 1) -> str:
    """`cq.tests.yaml:line:column` of the `nth` occurrence of `snippet` in the test file."""
    seen = 0
    text = (directory / "cq.tests.yaml").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        column = line.find(snippet)
        while column >= 0:
            seen += 1
            if seen == nth:
                return f"cq.tests.yaml:{number}:{column + 1}"
            column = line.find(snippet, column + 1)
    raise AssertionError(f"{snippet!r} is not in the test file")
