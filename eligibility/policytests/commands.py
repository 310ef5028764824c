"""The bodies of `eligibility test` and `eligibility coverage` (wired in eligibility/commands.py).

A target is a policy file (`policies/chongqing-2024.policy`), its test file
(`policies/chongqing-2024.tests.yaml`) or a policy's name (`chongqing-2024`, looked up in
policies/). No target means every `policies/*.tests.yaml`.

Exit codes: 0 every case passes (test) / every rule-cited article is exercised (coverage);
1 some case fails / some article is flagged; 2 a test file is missing or invalid (every
problem is listed with its file:line:column, and nothing is run); 3 a policy does not compile.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from eligibility.compiler import CompiledPolicy, load_policy
from eligibility.policytests import report
from eligibility.policytests.coverage import coverage
from eligibility.policytests.load import load_suite
from eligibility.policytests.model import CaseRun, Suite
from eligibility.policytests.rounds import run_round_case
from eligibility.policytests.run import run_case
from eligibility.policytests.source import Location, Problem
from eligibility.resources import POLICY_DIR, policy_display_name

EXIT_PASS, EXIT_FAIL, EXIT_INVALID = 0, 1, 2
TESTS_SUFFIX = ".tests.yaml"


def suite_files(
    targets: Sequence[str], directory: Path = POLICY_DIR
) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    """(test file, policy file) for each target, and a problem for each one not found."""
    if not targets:
        tests = sorted(directory.glob(f"*{TESTS_SUFFIX}"))
        return _pairs(tests)
    tests = []
    for target in targets:
        path = Path(target)
        if target.endswith(TESTS_SUFFIX):
            tests.append(path)
        elif target.endswith(".policy"):
            tests.append(path.with_name(path.name.removesuffix(".policy") + TESTS_SUFFIX))
        else:
            tests.append(directory / f"{target}{TESTS_SUFFIX}")
    return _pairs(tests)


def _pairs(tests: list[Path]) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    pairs, problems = [], []
    for test in tests:
        policy = test.with_name(test.name.removesuffix(TESTS_SUFFIX) + ".policy")
        if not test.is_file():
            problems.append(
                Problem(
                    Location(_display(test), 1, 1),
                    "no such test file: write one beside the policy (see docs/policy-tests.md)",
                )
            )
        elif not policy.is_file():
            problems.append(
                Problem(
                    Location(_display(test), 1, 1),
                    f"no policy file {_display(policy)} beside this test file",
                )
            )
        else:
            pairs.append((test, policy))
    return pairs, problems


def _display(path: Path) -> str:
    return policy_display_name(path)


def load_suites(targets: Sequence[str]) -> tuple[list[tuple[Suite, CompiledPolicy]], list[Problem]]:
    """Every selected suite with its compiled policy, and every problem in them.
    A policy that does not compile raises DiagnosticError (exit 3 in the CLI)."""
    pairs, problems = suite_files(targets)
    suites = []
    for tests, policy_file in pairs:
        compiled = load_policy(policy_file)
        suite = load_suite(tests, Path(_display(policy_file)), compiled.policy, _display(tests))
        problems += suite.problems
        suites.append((suite, compiled))
    return suites, problems


def test_command(targets: Sequence[str], output: str) -> int:
    suites, problems = load_suites(targets)
    if problems:
        return _invalid(problems, output)
    results: report.Results = [
        (
            suite,
            [run_case(case, compiled) for case in suite.cases],
            [run_round_case(one, compiled, suite.cases) for one in suite.rounds],
        )
        for suite, compiled in suites
    ]
    if output == "json":
        print(json.dumps(report.test_json(results), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.test_lines(results)))
    passed = all(run.passed for _, runs, _ in results for run in runs) and all(
        run.passed for _, _, rounds in results for run in rounds
    )
    return EXIT_PASS if passed else EXIT_FAIL


def coverage_command(
    targets: Sequence[str],
    output: str,
    strict: bool = False,
    verbose: bool = False,
    by: str = "article",
) -> int:
    suites, problems = load_suites(targets)
    if problems:
        return _invalid(problems, output)
    if by == "condition":
        return _node_coverage(suites, output, verbose)
    reports = []
    for suite, compiled in suites:
        runs: tuple[CaseRun, ...] = tuple(run_case(case, compiled) for case in suite.cases)
        reports.append(coverage(suite, compiled.policy, runs, strict))
    if output == "json":
        print(json.dumps(report.coverage_json(reports, strict), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.coverage_lines(reports, strict, verbose)))
    return EXIT_FAIL if any(r.flagged for r in reports) else EXIT_PASS


def _node_coverage(suites: list[tuple[Suite, CompiledPolicy]], output: str, verbose: bool) -> int:
    """`coverage --by condition`: 1 when some condition, step or cap is not decided both ways."""
    from eligibility.policytests.node_coverage import node_coverage
    from eligibility.policytests.node_report import node_coverage_json, node_coverage_lines

    reports = [
        node_coverage(suite, compiled.policy, tuple(run_case(c, compiled) for c in suite.cases))
        for suite, compiled in suites
    ]
    if output == "json":
        print(json.dumps(node_coverage_json(reports), ensure_ascii=False, indent=2))
    else:
        print("\n".join(node_coverage_lines(reports, verbose)))
    return EXIT_FAIL if any(r.flagged for r in reports) else EXIT_PASS


def _invalid(problems: list[Problem], output: str) -> int:
    if output == "json":
        print(json.dumps(report.problems_json(problems), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.problem_lines(problems)), file=sys.stderr)
        print(f"{len(problems)} problem(s) in the test files: no case was run", file=sys.stderr)
    return EXIT_INVALID


def mutate_command(
    targets: Sequence[str],
    output: str,
    jobs: int | None = None,
    lines: Sequence[int] = (),
    verbose: bool = False,
) -> int:
    """`eligibility mutate`: 0 no mutant survives, 1 some survives (or a case fails on the
    policy itself), 2 a test file is missing or invalid, 3 a policy does not compile."""
    from eligibility.policytests.mutate import mutate_policy
    from eligibility.policytests.mutate_report import mutation_json, mutation_lines

    pairs, problems = suite_files(targets)
    loaded = []
    for tests, policy_file in pairs:
        compiled = load_policy(policy_file)
        suite = load_suite(tests, Path(_display(policy_file)), compiled.policy, _display(tests))
        problems += suite.problems
        loaded.append((suite, compiled, policy_file))
    if problems:
        return _invalid(problems, output)
    reports = [
        mutate_policy(
            suite,
            compiled,
            policy_file.read_text(encoding="utf-8"),
            _display(policy_file),
            jobs or os.cpu_count() or 1,
            frozenset(lines),
        )
        for suite, compiled, policy_file in loaded
    ]
    if output == "json":
        print(json.dumps(mutation_json(reports), ensure_ascii=False, indent=2))
    else:
        print("\n".join(mutation_lines(reports, verbose)))
    failed = any(r.count("survived") or r.failing_cases for r in reports)
    return EXIT_FAIL if failed else EXIT_PASS
