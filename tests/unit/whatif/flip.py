"""The check behind `test_proposals_flip`: every proposal, applied to its applicant, makes
the programme qualify. Shared by the test and by `python -m tests.unit.whatif.flip` (which
prints the rate over every example and legal test case)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eligibility.compiler import CompiledPolicy, load_policy
from eligibility.decision.proof import Proposal
from eligibility.evaluate import decide, interpretations_in_force
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import load_applicant
from eligibility.policytests.load import load_suite
from eligibility.whatif.apply import apply_proposal

REPO = Path(__file__).resolve().parents[3]
DOCUMENTS = ("beijing-2022", "chongqing-2024", "national-2019", "shanghai-2022", "yubei-2024")


@dataclass(frozen=True)
class Case:
    name: str
    policy: CompiledPolicy
    applicant: ApplicantFacts


@dataclass(frozen=True)
class Outcome:
    case: str
    programme: str
    proposal: int
    flipped: bool
    got: str


def cases() -> Iterator[Case]:
    """Every shipped example and legal test case, each with its own document's policy."""
    for name in DOCUMENTS:
        policy = load_policy(REPO / "policies" / f"{name}.policy")
        examples = sorted((REPO / "examples" / name.split("-")[0]).glob("*.json"))
        for path in examples:
            applicant = load_applicant(path)
            assert isinstance(applicant, ApplicantFacts), path
            yield Case(f"{path.parent.name}/{path.name}", policy, applicant)
        tests = REPO / "policies" / f"{name}.tests.yaml"
        suite = load_suite(tests, tests.with_suffix("").with_suffix(".policy"), policy.policy, name)
        for case in suite.cases:
            yield Case(f"{name}.tests.yaml: {case.name}", policy, case.applicant)


def check(case: Case) -> tuple[list[Outcome], Counter[str]]:
    """Each proposal of each programme that does not qualify, applied and decided again; and
    the programmes with no proposal, counted by outcome."""
    decision = decide((case.policy,), case.applicant)
    policy = case.policy.policy
    readings = {r.name: r.value for r in interpretations_in_force(policy, case.applicant)}
    out: list[Outcome] = []
    none: Counter[str] = Counter()
    for result in decision.results:
        if result.outcome == "qualifies":
            continue
        if not result.would_change:
            kind = "not_applicable" if result.not_applicable else result.outcome
            none[kind] += 1
        for index, proposal in enumerate(result.would_change):
            changed = apply_proposal(case.applicant, proposal, policy, readings)
            again = decide((case.policy,), changed)
            got = next(r for r in again.results if r.programme == result.programme).outcome
            out.append(Outcome(case.name, result.programme, index, got == "qualifies", got))
    return out, none


def check_to_cap(case: Case) -> list[Outcome]:
    """Each `to_cap` raise, applied: the award must then be its cap."""
    decision = decide((case.policy,), case.applicant)
    policy = case.policy.policy
    readings = {r.name: r.value for r in interpretations_in_force(policy, case.applicant)}
    out = []
    for result in decision.results:
        for index, change in enumerate(result.to_cap):
            changed = apply_proposal(case.applicant, Proposal((change,)), policy, readings)
            again = decide((case.policy,), changed)
            after = next(r for r in again.results if r.programme == result.programme)
            reached = after.outcome == "qualifies" and after.amount == change.target
            out.append(Outcome(case.name, result.programme, index, reached, str(after.amount)))
    return out


def main() -> None:
    """`python -m tests.unit.whatif.flip [STRIDE]`: every STRIDE-th case (default: all)."""
    stride = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    outcomes: list[Outcome] = []
    none: Counter[str] = Counter()
    for case in list(cases())[::stride]:
        print(case.name, flush=True)
        found, missing = check(case)
        found += check_to_cap(case)
        outcomes += found
        none += missing
        for o in found:
            if not o.flipped:
                print(f"NOT FLIPPED {o.case} {o.programme} #{o.proposal}: {o.got}")
    flipped = sum(o.flipped for o in outcomes)
    print(
        f"proposals {len(outcomes)}, flipped {flipped}; programmes without proposal: {dict(none)}"
    )


if __name__ == "__main__":
    main()
