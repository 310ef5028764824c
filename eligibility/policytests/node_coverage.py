"""Coverage per condition and per amount term (`eligibility coverage --by condition`): for each
condition node of each programme, which test cases decide it true (holds), which false
(fails) and which leave it undetermined; for each amount step, the cases where its value is
non-zero, zero or unknown; for each cap, the cases where it binds, where the amount stays
within it, or where that is unknown.

Only the cases that expect something of the programme count: a case that does not name the
programme asserts nothing about it, so its verdicts would pin nothing. A node decided only one
way is flagged: a mutant that flips it (a threshold moved, `all` read as `any`) goes unnoticed
by every case, which is what `eligibility mutate` finds the slow way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from eligibility.decision.proof import AmountLine, ProgrammeResult, ProofNode
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from eligibility.policytests.model import CaseRun, Suite
from eligibility.span import Span

# the two ways each kind of entry can be decided, and the third: not decided
WAYS = {
    "condition": ("holds", "fails", "undetermined"),
    "step": ("non-zero", "zero", "unknown"),
    "cap": ("binds", "within", "unknown"),
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One condition node, amount step or cap, and the cases deciding it each way."""

    programme: str
    entry_id: str
    kind: str  # condition | step | cap
    label: str
    citation: str
    span: Span
    decided: tuple[tuple[str, tuple[str, ...]], ...]  # (way, case names) in WAYS order

    def cases(self, way: str) -> tuple[str, ...]:
        return dict(self.decided)[way]

    @property
    def flagged(self) -> bool:
        """Not decided both ways by some case."""
        true_way, false_way, _ = WAYS[self.kind]
        return not (self.cases(true_way) and self.cases(false_way))


@dataclass(frozen=True, slots=True)
class NodeCoverage:
    suite: str
    policy_file: str
    document: str
    case_count: int
    entries: tuple[Entry, ...]

    @property
    def flagged(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.flagged)


def node_coverage(suite: Suite, policy: ir.Policy, runs: tuple[CaseRun, ...]) -> NodeCoverage:
    entries: list[Entry] = []
    for programme in policy.programmes:
        results = [
            (run.case.name, result)
            for run in runs
            if any(e.programme == programme.programme_id for e in run.case.expectations)
            for result in run.results
            if result.programme == programme.programme_id
        ]
        entries += _conditions(programme, results)
        entries += _amount_terms(programme, results)
    return NodeCoverage(
        suite.name, str(suite.policy_file), policy.document_number, len(runs), tuple(entries)
    )


def _conditions(
    programme: ir.Programme, results: list[tuple[str, ProgrammeResult]]
) -> Iterator[Entry]:
    verdicts = [(name, {n.node_id: n.verdict for n in _walk(r.proof)}) for name, r in results]
    for node in walk_conditions(programme.condition):
        meta = node.meta
        decided = tuple(
            (way, tuple(name for name, seen in verdicts if seen.get(meta.node_id) == way))
            for way in WAYS["condition"]
        )
        yield Entry(
            programme.programme_id,
            meta.node_id,
            "condition",
            meta.label,
            meta.citation,
            meta.span,
            decided,
        )


def _walk(node: ProofNode) -> Iterator[ProofNode]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _amount_terms(
    programme: ir.Programme, results: list[tuple[str, ProgrammeResult]]
) -> Iterator[Entry]:
    if programme.amount is None:
        return
    shown = [
        (name, r.amount_proof.lines if r.amount_proof and r.proof.verdict == "holds" else ())
        for name, r in results
    ]
    for step in programme.amount.steps:
        ways = [(name, _step_way(_line(lines, step.label, step.citation))) for name, lines in shown]
        yield _entry(programme, step.step_id, "step", step.label, step.citation, step.span, ways)
    for cap in programme.amount.caps:
        ways = [(name, _cap_way(_line(lines, cap.label, cap.citation))) for name, lines in shown]
        yield _entry(programme, cap.cap_id, "cap", cap.label, cap.citation, cap.span, ways)


def _entry(
    programme: ir.Programme,
    entry_id: str,
    kind: str,
    label: str,
    citation: str,
    span: Span,
    ways: list[tuple[str, str | None]],
) -> Entry:
    decided = tuple((way, tuple(name for name, seen in ways if seen == way)) for way in WAYS[kind])
    return Entry(programme.programme_id, entry_id, kind, label, citation, span, decided)


def _line(lines: tuple[AmountLine, ...], label: str, citation: str) -> AmountLine | None:
    return next((x for x in lines if x.label == label and x.citation == citation), None)


def _step_way(line: AmountLine | None) -> str | None:
    """None when the amount was not computed for the case (the programme does not qualify)."""
    if line is None:
        return None
    try:  # "40% × 500,000.00 + … = 200,000.00 元"
        value = Decimal(line.computation.rsplit("=", 1)[-1].split()[0].replace(",", ""))
    except (InvalidOperation, IndexError):
        return "unknown"
    return "zero" if value == 0 else "non-zero"


def _cap_way(line: AmountLine | None) -> str | None:
    if line is None:
        return None
    if line.computation.startswith("capped at"):
        return "binds"
    return "within" if line.computation.startswith("within the cap of") else "unknown"
