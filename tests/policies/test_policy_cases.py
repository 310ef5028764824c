"""Every case of every `policies/*.tests.yaml`, one pytest test each (id `<policy>::<case>`),
checked by the same comparison as `eligibility test` (`policytests.run.compare`).

A test file that cannot be read, or a policy that does not compile, is one failing test
(`<policy>::<invalid test file>`) whose message lists every problem, rather than an error
that stops collection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eligibility.compiler import CompiledPolicy, load_policy
from eligibility.diagnostics import DiagnosticError, render_all
from eligibility.policytests.load import load_suite, suite_name
from eligibility.policytests.model import PolicyCase
from eligibility.policytests.report import case_lines
from eligibility.policytests.run import run_case
from eligibility.resources import POLICY_DIR

ROOT = Path(__file__).resolve().parents[2]


def _params() -> Iterator[object]:
    # the shipped policies, and the example of docs/writing-a-policy.md with its own facts
    authoring = sorted((ROOT / "examples" / "authoring").glob("*.tests.yaml"))
    for tests in [*sorted(POLICY_DIR.glob("*.tests.yaml")), *authoring]:
        name = suite_name(tests)
        policy_file = tests.with_name(f"{name}.policy")
        try:
            compiled = load_policy(policy_file)
        except DiagnosticError as error:
            yield pytest.param(None, None, render_all(error), id=f"{name}::<policy error>")
            continue
        shown = str(tests.relative_to(ROOT))
        suite = load_suite(tests, policy_file.relative_to(ROOT), compiled.policy, shown)
        if suite.problems:
            message = "\n".join(str(p) for p in suite.problems)
            yield pytest.param(None, None, message, id=f"{name}::<invalid test file>")
        for case in suite.cases:
            yield pytest.param(case, compiled, "", id=case.case_id)


@pytest.mark.parametrize(("case", "compiled", "problems"), list(_params()))
def test_policy_case(
    case: PolicyCase | None, compiled: CompiledPolicy | None, problems: str
) -> None:
    if case is None or compiled is None:
        pytest.fail(problems, pytrace=False)
    run = run_case(case, compiled)
    if not run.passed:
        pytest.fail("\n".join(case_lines(run, compiled.policy.document_number)), pytrace=False)


@pytest.mark.parametrize(("case", "compiled", "problems"), list(_params()))
def test_datalog_agrees_with_the_reference_evaluator(
    case: PolicyCase | None, compiled: CompiledPolicy | None, problems: str
) -> None:
    """The differential oracle over every legal test case of every document: the model the
    engine derives (full program and gate program) equals the reference evaluator's."""
    if case is None or compiled is None:
        pytest.skip("reported by test_policy_case")
    from eligibility.datalog.engine import evaluate
    from eligibility.datalog.facts import ground_facts
    from eligibility.decision.reference import reference_model

    ground = ground_facts(case.applicant, compiled.region_fields)
    engine = evaluate(compiled.program, ground, case.applicant.applicant_id)
    reference = reference_model(compiled.policy, case.applicant)
    assert engine.verdicts == reference.verdicts
    assert engine.values == reference.values
    assert engine.upper == reference.upper
    assert engine.members == reference.members
    assert engine.undecided == reference.undecided
    assert engine.rejections == reference.rejections
    assert engine.passing == reference.passing
    assert engine.record_values == reference.record_values
    gates = evaluate(compiled.gate_program, ground, case.applicant.applicant_id)
    assert gates.verdicts.items() <= engine.verdicts.items()
