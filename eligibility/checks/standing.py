"""W0404: an exclusion or a requirement whose sense is inverted on a fact of standing. Some
facts say plainly which value is the good one: 信用良好 (`credit_good`) and 经营状态正常
(`operating_status_normal`) are good when true, 弄虚作假 (`fraud_debarment`) is bad when true.
No document excludes an applicant for being in good standing or requires one to be in bad
standing, so `excluded when …: credit_good is true` is a sense inverted by mistake."""

from __future__ import annotations

from collections.abc import Iterator

from eligibility.checks.conditions import placed_conditions
from eligibility.diagnostics import Diagnostic
from eligibility.ir import nodes as ir
from eligibility.syntax import ast

# the value of each fact of standing that speaks in the applicant's favour
GOOD_VALUE = {"credit_good": True, "operating_status_normal": True, "fraud_debarment": False}


def _tests(cond: ir.Cond, positive: bool = True) -> Iterator[tuple[ir.Test, bool]]:
    """The bool tests under `cond`, each with whether it counts for (True) or against the
    condition (under an odd number of `none`/`not`)."""
    match cond:
        case ir.AllOf() | ir.AnyOf():
            for child in cond.children:
                yield from _tests(child, positive)
        case ir.Not():
            yield from _tests(cond.child, not positive)
        case ir.Test(test=ir.IsBool()) if cond.field.scope == "applicant":
            yield cond, positive


def check(tree: ast.PolicyFile, policy: ir.Policy) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for placed in placed_conditions(policy):
        if placed.role not in ("requires", "excluded"):
            continue
        for test, positive in _tests(placed.cond):
            good = GOOD_VALUE.get(test.field.path)
            if good is None or not isinstance(test.test, ir.IsBool) or test.quantifier != "one":
                continue
            value = test.test.expected if positive else not test.test.expected
            excluding = placed.role == "excluded"
            if (value == good) != excluding:
                continue
            written = str(test.test.expected).lower()
            other = str(not test.test.expected).lower()
            verdict = "good" if value == good else "bad"
            found.append(
                Diagnostic(
                    "W0404",
                    f"this {'exclusion' if excluding else 'requirement'} "
                    f"{'excludes' if excluding else 'admits only'} applicants in {verdict} "
                    f"standing (`{test.field.path} is {written}`, {test.field.label})",
                    test.meta.span,
                    "sense inverted?",
                    help=f"did you mean `{test.field.path} is {other}`?",
                )
            )
    return found
