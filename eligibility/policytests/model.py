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
    rounds: tuple[RoundCase, ...] = ()


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


# ── funding rounds ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class PoolExpectation:
    """What a round case expects of one programme's pool. None means "not checked"."""

    programme: str
    status: str | None  # not_exceeded | prorated | undetermined | blocked | review
    requested: Decimal | None
    allocated: Decimal | None
    where: Location


@dataclass(frozen=True, slots=True)
class AwardExpectation:
    """The share one applicant is allotted by one programme's round."""

    applicant_id: str
    programme: str
    share: Decimal
    where: Location


@dataclass(frozen=True, slots=True)
class RoundCase:
    """A funding round over some of the suite's cases: their applicants decided one by one, then
    shared out together (pools, quotas, claims) as `eligibility round` does.

    `copies_of` names, for each applicant made by `copies:`, the case whose facts it repeats
    (the copy must be decided as that case is); `available` is money still available per
    programme's pool (absent: the total the policy declares)."""

    suite: str
    name: str
    description: str
    applicants: tuple[ApplicantFacts, ...]
    copies_of: tuple[tuple[str, str], ...]  # (the copy's applicant id, the case's name)
    available: tuple[tuple[str, Decimal], ...]
    switches: tuple[tuple[str, str], ...]
    pools: tuple[PoolExpectation, ...]
    awards: tuple[AwardExpectation, ...]
    issues: tuple[str, ...] | None  # the codes of the round's errors and warnings, as a set
    where: Location

    @property
    def programmes(self) -> frozenset[str]:
        """The programmes whose round this case checks."""
        return frozenset(p.programme for p in self.pools) | {a.programme for a in self.awards}


@dataclass(frozen=True, slots=True)
class RoundRun:
    case: RoundCase
    differences: tuple[Difference, ...]

    @property
    def passed(self) -> bool:
        return not self.differences
