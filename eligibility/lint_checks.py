"""The lint checks: opinions about a policy that compiles, reported as warnings (W04xx).

A warning never stops a policy from compiling or an applicant from being checked; it points at
text that is legal but probably not what its author meant (a label whose number disagrees with
the value beside it, a set declared and never used, a branch that can never hold …).

This module is the seam between the checks and the commands that print them: a check is a
function from a `LintInput` (the syntax tree as written and the resolved IR) to the warnings it
finds; `CHECKS` lists every check, and `warnings()` runs them all. `eligibility lint`
(`eligibility/lint.py`) prints what `warnings()` returns; a new check only has to be added to
`CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from eligibility.diagnostics import Diagnostic
from eligibility.frozen import frozen_record
from eligibility.ir import nodes as ir
from eligibility.syntax import ast


@frozen_record
class LintInput:
    """What a check may read: the policy as written (spans, labels, comments dropped) and as
    resolved (ids, full citations, record sets, each programme's condition tree)."""

    tree: ast.PolicyFile
    policy: ir.Policy


Check = Callable[[LintInput], Iterable[Diagnostic]]


def compiler_checks(given: LintInput) -> list[Diagnostic]:
    """The checks of `eligibility.checks` (W0401-W0406). Their errors (E0311) stop `compile`,
    so they stop `lint` too: raised as DiagnosticError, printed as `compile` prints them."""
    from eligibility.checks import policy_checks
    from eligibility.diagnostics import DiagnosticError

    found = policy_checks(given.tree, given.policy)
    if any(d.is_error for d in found):
        raise DiagnosticError(found, {given.tree.path: given.tree.text})
    return list(found)


# Every lint check, in the order their warnings are reported for one place in the text.
CHECKS: tuple[Check, ...] = (compiler_checks,)


def warnings(
    tree: ast.PolicyFile, policy: ir.Policy, checks: tuple[Check, ...] | None = None
) -> list[Diagnostic]:
    """The warnings of every check (or of `checks`), in text order; a check that reports an
    error code (E…) is a bug of the check, not of the policy, and raises AssertionError."""
    found: list[Diagnostic] = []
    for check in CHECKS if checks is None else checks:
        for diagnostic in check(LintInput(tree, policy)):
            assert not diagnostic.is_error, f"a lint check reported an error: {diagnostic}"
            found.append(diagnostic)
    return sorted(found, key=lambda d: (d.span.file, d.span.line, d.span.column, d.code))
