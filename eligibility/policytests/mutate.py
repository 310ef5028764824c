"""Mutation testing of a policy: does some legal test case notice when one number, date or
comparison word of the policy changes? (`eligibility mutate`, docs/policy-tests.md)

Each mutant (policytests.mutants) is compiled once. A mutant that does not compile is
`invalid`; one that compiles to the same programmes as the policy is `unchanged` (nothing
to notice); one in a step nothing reads is `explanation` (see policytests.mutants: it is not
run). A mutant of a pool or of a number of applicants (`at most 10 applicants`) is run
against the test file's funding rounds (their applicants decided once: no decision reads
either), and is `explanation` when the file has no round. Otherwise only the programmes the edit changed are compiled to Datalog and only
the cases expecting something of them are run, first the cases that killed earlier mutants;
the first case that fails `kills` the mutant, and a mutant no case kills `survived`.
Programmes are evaluated independently of each other (each has its own clauses; record sets
and interpretations are shared, so a change to one of them counts as a change to every
programme), which is what makes evaluating a part of the policy give the same results.

Mutants run in parallel processes (`jobs`); each process receives the policy and its cases
once, when it is forked.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
from dataclasses import dataclass
from typing import Literal

from eligibility.compiler import CompiledPolicy, compile_ir
from eligibility.datalog.engine import evaluate_reusing
from eligibility.diagnostics import DiagnosticError
from eligibility.evaluate import decide
from eligibility.ir import nodes as ir
from eligibility.ir.from_ast import policy_from_ast
from eligibility.ir.walk import condition_exprs, walk_conditions, walk_expr
from eligibility.policytests.model import PolicyCase, RoundCase, Suite
from eligibility.policytests.mutants import Mutant, apply, mutants
from eligibility.policytests.rounds import (
    Decided,
    allocate,
    compare_round,
    decide_round,
    run_round_case,
)
from eligibility.policytests.run import compare, run_case
from eligibility.syntax.parser import parse_policy

Status = Literal["killed", "survived", "invalid", "unchanged", "explanation"]
STATUSES: tuple[Status, ...] = ("killed", "survived", "invalid", "unchanged", "explanation")
_EXPLANATION_ONLY = "a step nothing reads: only the explanation shows it"
_NO_ROUND = "only a funding round reads it, and the test file has none"


@dataclass(frozen=True, slots=True)
class MutantResult:
    mutant: Mutant
    status: Status
    note: str  # killed: the case that killed it; invalid: why it does not compile


@dataclass(frozen=True, slots=True)
class PolicyMutation:
    """The mutants of one policy and what its cases made of them."""

    policy_file: str
    tests_file: str
    cases: int
    failing_cases: tuple[str, ...]  # fail on the policy itself: not used to kill mutants
    results: tuple[MutantResult, ...]
    seconds: float

    def count(self, status: Status, operator: str | None = None) -> int:
        return sum(
            1
            for r in self.results
            if r.status == status and (operator is None or r.mutant.operator == operator)
        )


@dataclass(frozen=True, slots=True)
class _Work:
    """What every mutant of one policy shares; set before the worker processes fork."""

    text: str
    file: str
    policy: ir.Policy
    cases: tuple[PolicyCase, ...]
    mutants: tuple[Mutant, ...]
    rounds: tuple[tuple[RoundCase, Decided], ...] = ()


_work: _Work | None = None
_order: list[int] = []  # case indices, the last killer first (per process)


def mutate_policy(
    suite: Suite,
    compiled: CompiledPolicy,
    text: str,
    file: str,
    jobs: int = 1,
    lines: frozenset[int] = frozenset(),
) -> PolicyMutation:
    """Every mutant of the policy (only those on `lines`, when given) against the suite's
    cases. Raises DiagnosticError when the policy itself does not compile."""
    global _work, _order  # noqa: PLW0603 - the worker processes' task table, set before forking
    started = time.perf_counter()
    found = tuple(m for m in mutants(text, file) if not lines or m.span.line in lines)
    runs = [run_case(case, compiled) for case in suite.cases]
    passing = tuple(run.case for run in runs if run.passed)
    failing = tuple(run.case.name for run in runs if not run.passed)
    round_runs = [run_round_case(one, compiled, suite.cases) for one in suite.rounds]
    failing += tuple(f"round {run.case.name}" for run in round_runs if not run.passed)
    rounds = tuple((r.case, decide_round(r.case, compiled)) for r in round_runs if r.passed)
    _work = _Work(text, file, compiled.policy, passing, found, rounds)
    _order = list(range(len(passing)))
    if jobs > 1 and len(found) > 1:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(found))) as pool:
            results = tuple(pool.imap(_classify, range(len(found)), chunksize=1))
    else:
        results = tuple(_classify(index) for index in range(len(found)))
    _work = None
    return PolicyMutation(
        file,
        suite.file,
        len(suite.cases),
        failing,
        results,
        time.perf_counter() - started,
    )


def _classify(index: int) -> MutantResult:
    assert _work is not None, "mutate_policy sets the work before classifying"
    mutant = _work.mutants[index]
    if mutant.explanation_only:
        return MutantResult(mutant, "explanation", _EXPLANATION_ONLY)
    try:
        policy = policy_from_ast(parse_policy(apply(_work.text, mutant), _work.file))
    except DiagnosticError as error:
        first = error.diagnostics[0] if error.diagnostics else None
        return MutantResult(mutant, "invalid", first.message if first else "does not compile")
    except Exception as error:  # noqa: BLE001 - a bug of the compiler, shown in the report
        return MutantResult(mutant, "invalid", f"internal error: {type(error).__name__}: {error}")
    if mutant.round_only:
        return _round_mutant(mutant, policy)
    affected = affected_programmes(_work.policy, policy)
    if not affected:
        return MutantResult(mutant, "unchanged", "compiles to the same programmes")
    needed = affected | {read for p in policy.programmes if p.programme_id in affected
                         for read in awards_read(p)}  # fmt: skip
    part = dataclasses.replace(
        policy, programmes=tuple(p for p in policy.programmes if p.programme_id in needed)
    )
    compiled = compile_ir(part)
    for position, case_index in enumerate(_order):
        case = _work.cases[case_index]
        if not any(e.programme in affected for e in case.expectations):
            continue
        if _kills(case, compiled, affected):
            _order.insert(0, _order.pop(position))  # likely to kill the next mutant too
            return MutantResult(mutant, "killed", case.name)
    return MutantResult(mutant, "survived", "")


def _round_mutant(mutant: Mutant, policy: ir.Policy) -> MutantResult:
    """A mutant of a pool or of a number of applicants, against the test file's rounds."""
    assert _work is not None, "mutate_policy sets the work before classifying"
    if _round_parts(policy) == _round_parts(_work.policy):
        return MutantResult(mutant, "unchanged", "compiles to the same pools and limits")
    if not _work.rounds:
        return MutantResult(mutant, "explanation", _NO_ROUND)
    for case, decided in _work.rounds:
        try:
            differences = compare_round(case, allocate(case, policy, decided))
        except Exception:  # noqa: BLE001 - the round cannot be shared out: the case would fail
            return MutantResult(mutant, "killed", f"round {case.name}")
        if differences:
            return MutantResult(mutant, "killed", f"round {case.name}")
    return MutantResult(mutant, "survived", "")


def _round_parts(policy: ir.Policy) -> list[object]:
    """What a round reads of a policy that no single decision does."""
    return [(p.amount.pool if p.amount else None, p.applicant_limits) for p in policy.programmes]


def affected_programmes(before: ir.Policy, after: ir.Policy) -> frozenset[str]:
    """The programmes whose rules differ between two versions of a policy: every programme when
    a shared part (record sets, interpretations, validity period) differs."""
    every = frozenset(p.programme_id for p in after.programmes)
    shared = ("record_sets", "interpretations", "in_force_from", "in_force_until")
    if any(getattr(before, name) != getattr(after, name) for name in shared):
        return every
    if [p.programme_id for p in before.programmes] != [p.programme_id for p in after.programmes]:
        return every
    changed = frozenset(
        new.programme_id
        for old, new in zip(before.programmes, after.programmes, strict=False)
        if old != new
    )
    readers = {p.programme_id for p in after.programmes if awards_read(p) & changed}
    return changed | readers  # a changed award changes the conditions that read it


def awards_read(programme: ir.Programme) -> frozenset[str]:
    """The programmes whose award `award(p)` this programme's conditions read."""
    return frozenset(
        e.programme
        for cond in walk_conditions(programme.condition)
        for expr in condition_exprs(cond)
        for e in walk_expr(expr)
        if isinstance(e, ir.AwardOf)
    )


def _kills(case: PolicyCase, compiled: CompiledPolicy, affected: frozenset[str]) -> bool:
    try:
        decision = decide((compiled,), case.applicant, evaluator=evaluate_reusing, proposals=False)
    except Exception:  # noqa: BLE001 - the engine cannot evaluate it: the case would fail
        return True
    by_programme = {r.programme: r for r in decision.results}
    return any(
        compare(expectation, by_programme.get(expectation.programme))
        for expectation in case.expectations
        if expectation.programme in affected
    )
