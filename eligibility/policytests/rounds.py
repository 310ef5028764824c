"""Running a round case of a policy's test file: each applicant decided as a case is, then the
round shared out as `eligibility round` shares it (round.from_decisions, round.allocate), and
its pools, shares and round-level issues compared with what the case expects.

The decisions do not read a pool, so `eligibility mutate` decides a round's applicants once
and shares the round out again for each mutant of a pool (`allocate` with the mutant's policy).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from eligibility.compiler import CompiledPolicy
from eligibility.datalog.engine import evaluate_reusing
from eligibility.decision.proof import Decision
from eligibility.evaluate import decide
from eligibility.facts.model import ApplicantFacts
from eligibility.ir import nodes as ir
from eligibility.policytests.model import Difference, PolicyCase, RoundCase, RoundRun
from eligibility.round.allocate import allocate_round
from eligibility.round.from_decisions import pool_id, round_input_from_decisions
from eligibility.round.model import Allocation, RoundOutcome

Decided = tuple[tuple[ApplicantFacts, Decision], ...]


def decide_round(case: RoundCase, compiled: CompiledPolicy) -> Decided:
    return tuple(
        (applicant, decide((compiled,), applicant, evaluator=evaluate_reusing, proposals=False))
        for applicant in case.applicants
    )


def run_round_case(
    case: RoundCase, compiled: CompiledPolicy, cases: Sequence[PolicyCase]
) -> RoundRun:
    decided = decide_round(case, compiled)
    copies = tuple(_copy_differences(case, decided, compiled, cases))
    return RoundRun(case, copies + compare_round(case, allocate(case, compiled.policy, decided)))


def allocate(case: RoundCase, policy: ir.Policy, decided: Decided) -> RoundOutcome:
    available = {pool_id(policy.policy_id, p): money for p, money in case.available}
    return allocate_round(
        round_input_from_decisions([policy], decided, (), available, dict(case.switches))
    )


def compare_round(case: RoundCase, outcome: RoundOutcome) -> tuple[Difference, ...]:
    """Every way the round's outcome differs from what the case expects; empty when it passes."""
    out: list[Difference] = []
    pools = {pool.programme_id: pool for pool in outcome.pools}
    for expected in case.pools:
        pool = pools.get(expected.programme)
        if pool is None:
            out.append(Difference(f"pool {expected.programme}", "a pool", "no pool in the round"))
            continue
        checks = (
            ("status", expected.status, pool.status),
            ("requested", expected.requested, pool.requested),
            ("allocated", expected.allocated, pool.allocated),
        )
        for aspect, want, got in checks:
            if want is not None and want != got:
                shown = "none" if got is None else str(got)
                out.append(Difference(f"pool {expected.programme} {aspect}", str(want), shown))
    shares = {(a.applicant_id, a.programme_id): a for a in outcome.allocations}
    for award in case.awards:
        found = shares.get((award.applicant_id, award.programme))
        if found is None or found.share != award.share:
            aspect = f"share {award.applicant_id} {award.programme}"
            out.append(Difference(aspect, str(award.share), _share(found)))
    if case.issues is not None:
        codes = sorted({issue.code for issue in outcome.issues})
        if set(case.issues) != set(codes):
            out.append(
                Difference(
                    "issues", ", ".join(sorted(case.issues)) or "none", ", ".join(codes) or "none"
                )
            )
    return tuple(out)


def _share(found: Allocation | None) -> str:
    if found is None:
        return "no claim on the pool"
    if found.share is not None:
        return str(found.share)
    low = "?" if found.share_low is None else str(found.share_low)
    high = "?" if found.share_high is None else str(found.share_high)
    return f"{found.status} ({low}–{high})"


def _copy_differences(
    case: RoundCase, decided: Decided, compiled: CompiledPolicy, cases: Sequence[PolicyCase]
) -> Iterator[Difference]:
    """A copy must be decided as its case is: numbering its names must not change a thing."""
    if not case.copies_of:
        return
    by_id = {facts.applicant_id: decision for facts, decision in decided}
    by_name = {c.name: c for c in cases}
    originals: dict[str, dict[str, tuple[str, Decimal | None]]] = {}
    for copy_id, name in case.copies_of:
        if name not in originals:
            decision = decide(
                (compiled,), by_name[name].applicant, evaluator=evaluate_reusing, proposals=False
            )
            originals[name] = _results(decision)
        if _results(by_id[copy_id]) != originals[name]:
            yield Difference(
                f"copy {copy_id}",
                f"decided as case {name!r}",
                "decided otherwise: the policy reads a name or id that copies number",
            )


def _results(decision: Decision) -> dict[str, tuple[str, Decimal | None]]:
    return {r.programme: (r.outcome, r.amount) for r in decision.results}
