"""The test cases of a policy, as read from `policies/<name>.tests.yaml`, and their results.

Plain frozen data, handed from `policytests.load` to `policytests.run`, `policytests.coverage`
and `policytests.report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from eligibility.decision.proof import Outcome, ProgrammeResult
from eligibility.facts.model import ApplicantFacts
from eligibility.policytests.source import Location, Problem

OUTCOMES: tuple[Outcome, ...] = ("qualifies", "does_not_qualify", "undetermined")


@dataclass(frozen=True, slots=True)
class Expectation:
    """What one case expects of one programme. None (or empty) means "not checked"."""

    programme: str
    outcome: Outcome
    amount: Decimal | None
    max_amount: Decimal | None
    missing: tuple[str, ...] | None  # compared as a set: exactly these facts are missing
    citations: tuple[str, ...]  # full citations the result's `citations` must contain
    because: tuple[str, ...]  # full citations that must be among the reasons for the outcome
    where: Location


@dataclass(frozen=True, slots=True)
class PolicyCase:
    suite: str  # the policy's name: "chongqing-2024"
    name: str
    description: str
    applicant: ApplicantFacts
    expectations: tuple[Expectation, ...]
    where: Location

    @property
    def case_id(self) -> str:
        return f"{self.suite}::{self.name}"


@dataclass(frozen=True, slots=True)
class Suite:
    """One test file: its cases, or the problems that keep it from being run."""

    name: str
    file: str  # as displayed
    policy_file: Path
    document: str
    cases: tuple[PolicyCase, ...]
    binding_articles: tuple[str, ...]  # full citations the authors expect rules for (optional)
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Difference:
    """One way a programme's result differs from what the case expects."""

    aspect: str  # outcome | amount | max_amount | missing | citations | because
    expected: str
    actual: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ProgrammeCheck:
    programme: str
    differences: tuple[Difference, ...]
    why: tuple[str, ...]  # the actual result's reasons, shown beside a failure


@dataclass(frozen=True, slots=True)
class CaseRun:
    case: PolicyCase
    checks: tuple[ProgrammeCheck, ...]
    results: tuple[ProgrammeResult, ...]

    @property
    def passed(self) -> bool:
        return not any(check.differences for check in self.checks)
