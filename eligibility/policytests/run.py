"""Running a case: evaluate its applicant against its policy, then compare each expected
programme with the result. `compare` is the one comparison used by `eligibility test` and by
pytest (tests/policies/test_policy_cases.py).

Two kinds of citation checks:
- `citations`: the citation appears in the result's `citations`, the list the explanation
  shows (every condition of the programme's tree, the reasons records were left out and, when
  it qualifies, the amount's steps and caps);
- `because`: the citation is among the *reasons for the outcome* (`reasons`): for a
  programme that does not qualify, the failing conditions only; for one that is undetermined,
  the undetermined ones; for one that qualifies, the conditions that hold and the amount. A
  rule coded against the wrong article fails this check even when the outcome is right.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from eligibility.compiler import CompiledPolicy
from eligibility.datalog.engine import evaluate_reusing
from eligibility.decision.proof import ProgrammeResult, ProofNode
from eligibility.evaluate import decide
from eligibility.facts import vocabulary
from eligibility.policytests.model import (
    CaseRun,
    Difference,
    Expectation,
    PolicyCase,
    ProgrammeCheck,
)  # fmt: skip
from eligibility.policytests.rules import policy_citations

_MARK = {"holds": "✓", "fails": "✗", "undetermined": "?"}
_MAX_WHY = 8


def run_case(case: PolicyCase, compiled: CompiledPolicy) -> CaseRun:
    # The policy's program is loaded into the engine once for all its cases (2-3× faster).
    with vocabulary.using(vocabulary.for_policies([compiled.policy.vocabulary])):
        decision = decide((compiled,), case.applicant, evaluator=evaluate_reusing, proposals=False)
    by_programme = {r.programme: r for r in decision.results}
    cited = policy_citations(compiled.policy)
    checks = []
    for expectation in case.expectations:
        result = by_programme.get(expectation.programme)
        differences = compare(expectation, result, cited)
        why = why_lines(result) if differences and result else ()
        checks.append(ProgrammeCheck(expectation.programme, differences, why))
    return CaseRun(case, tuple(checks), decision.results)


def compare(
    expectation: Expectation, result: ProgrammeResult | None, cited: frozenset[str] = frozenset()
) -> tuple[Difference, ...]:
    """Every way `result` differs from `expectation`; empty when the case passes.
    `cited` (every citation of the policy) only adds a note to an absent citation."""
    if result is None:
        return (
            Difference(
                "outcome", expectation.outcome, "not evaluated", "the policy has no such programme"
            ),
        )
    out: list[Difference] = []
    if result.outcome != expectation.outcome:
        out.append(Difference("outcome", expectation.outcome, result.outcome))
    for aspect, expected, actual in (
        ("amount", expectation.amount, result.amount),
        ("max_amount", expectation.max_amount, result.max_amount),
    ):
        if expected is not None and actual != expected:
            out.append(Difference(aspect, _money(expected), _money(actual)))
    if expectation.missing is not None and set(expectation.missing) != set(result.missing):
        out.append(_missing_difference(expectation.missing, result.missing))
    for aspect, wanted, present in (
        ("citations", expectation.citations, result.citations),
        ("because", expectation.because, reasons(result)),
    ):
        for citation in wanted:
            if citation not in present:
                note = "" if citation in cited or not cited else "no rule of the policy cites it"
                out.append(Difference(aspect, citation, "absent", note))
    return tuple(out)


def _money(value: Decimal | None) -> str:
    return "none" if value is None else f"{value:.2f}"


def _missing_difference(expected: tuple[str, ...], actual: tuple[str, ...]) -> Difference:
    extra = [m for m in actual if m not in expected]
    absent = [m for m in expected if m not in actual]
    notes = ([f"also missing: {', '.join(extra)}"] if extra else []) + (
        [f"not missing: {', '.join(absent)}"] if absent else []
    )
    return Difference("missing", _list(expected), _list(actual), "; ".join(notes))


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(items) + "]"


# ── the reasons for an outcome ───────────────────────────────────────────────────────────────


def deciding(node: ProofNode) -> Iterator[ProofNode]:
    """The nodes that decide `node`'s verdict, `node` first: under a failing all-of its
    failing children, under a holding any-of its holding children, under a `not` its child,
    and so on down."""
    yield node
    if node.kind == "not":
        children: tuple[ProofNode, ...] = node.children
    else:
        children = tuple(c for c in node.children if c.verdict == node.verdict)
    for child in children:
        yield from deciding(child)


def reasons(result: ProgrammeResult) -> tuple[str, ...]:
    """The citations of the reasons for the result's outcome (see the module's docstring)."""
    out: list[str] = []
    for node in deciding(result.proof):
        out.append(node.citation)
        out += [r.citation for note in node.records for r in note.reasons]
    if result.amount_proof and result.proof.verdict == "holds":
        out += [line.citation for line in result.amount_proof.lines]
    return tuple(dict.fromkeys(c for c in out if c))


def why_lines(result: ProgrammeResult) -> tuple[str, ...]:
    """A few lines saying why the result is what it is, shown beside a failing case: the
    deciding conditions when the conditions do not all hold, and the amount's computation
    when they do."""
    holds = result.proof.verdict == "holds"
    lines = (
        []
        if holds
        else [_why(node, negated) for node, negated in _deciding_leaves(result.proof, False)]
    )
    if len(lines) > _MAX_WHY:
        lines = lines[:_MAX_WHY] + [f"… and {len(lines) - _MAX_WHY} more"]
    if result.amount_proof and holds:
        lines += [f"{line.label}: {line.computation}" for line in result.amount_proof.lines]
    return tuple(lines)


def _why(node: ProofNode, negated: bool) -> str:
    if negated:  # the condition of an exclusion: holding means excluded
        head = {
            "holds": "✗ excluded",
            "fails": "✓ not excluded",
            "undetermined": "? perhaps excluded",
        }[node.verdict] + f": {node.label}"
    else:
        head = f"{_MARK[node.verdict]} {node.label}"
    return (
        head
        + (f": {node.detail}" if node.detail else "")
        + (f" [{node.citation}]" if node.citation else "")
    )


def _deciding_leaves(node: ProofNode, negated: bool) -> Iterator[tuple[ProofNode, bool]]:
    children = (
        node.children
        if node.kind == "not"
        else tuple(c for c in node.children if c.verdict == node.verdict)
    )
    if not children:
        yield node, negated
    for child in children:
        yield from _deciding_leaves(child, negated != (node.kind == "not"))
