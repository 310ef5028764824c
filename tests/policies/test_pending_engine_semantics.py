"""Legal test cases of the 2026-12 audit that depend on the engine's reading of absent facts.

The 2026-12 audit of the Shanghai and Beijing policies (SH-6, BJ-5, BJ-7) found answers that
only the engine can put right: an absent collection read as "none" in an exclusion, and a sum
over a record whose amount is missing bounded as if it were 0. The policies cannot say this in
the language, so each case here states the answer the text requires and is a strict xfail: when
the engine learns it, the case passes, the xfail turns into a failure, and the case belongs in
`policies/<name>.tests.yaml`.

SH-6 and BJ-7 (an absent collection in an exclusion) and BJ-5 (a sum over a record whose
amount is missing) now pass: an absent collection is unknown and such a sum has no upper bound
(issue #7 item 2); they stay here, run as ordinary cases, because their defaults differ from the
policies' own test files. (The Chongqing grace-year case that waited here for a decided
"is stated" test now passes and lives in policies/chongqing-2024.tests.yaml.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eligibility.compiler import CompiledPolicy, load_policy
from eligibility.policytests.load import load_suite, suite_name
from eligibility.policytests.model import PolicyCase
from eligibility.policytests.report import case_lines
from eligibility.policytests.run import run_case
from eligibility.resources import POLICY_DIR

ROOT = Path(__file__).resolve().parents[2]
PENDING = Path(__file__).parent / "pending"


def _params() -> Iterator[object]:
    for tests in sorted(PENDING.glob("*.tests.yaml")):
        policy_file = POLICY_DIR / f"{suite_name(tests)}.policy"
        compiled = load_policy(policy_file)
        suite = load_suite(tests, policy_file, compiled.policy, str(tests.relative_to(ROOT)))
        assert not suite.problems, "\n".join(str(p) for p in suite.problems)
        for case in suite.cases:
            yield pytest.param(case, compiled, id=case.case_id)


@pytest.mark.parametrize(("case", "compiled"), list(_params()))
def test_pending_case(case: PolicyCase, compiled: CompiledPolicy) -> None:
    run = run_case(case, compiled)
    assert run.passed, "\n".join(case_lines(run, compiled.policy.document_number))
