"""Checks of a resolved policy beyond names, types and units: the mistakes that compile but do
not mean what their author meant (docs/diagnostics.md, one section per code).

`policy_checks(tree, policy)` runs every check over the syntax tree and the IR of one policy
and returns their diagnostics in source order: errors (E0311, a condition that the declared
types make always or never true) and warnings (W04xx, opinions). `compile` reports both and
fails on the errors; `eligibility lint` prints the warnings (`lint`, the seam it calls).
Each check is a module of its own with one function `check(tree, policy)`.
"""

from __future__ import annotations

from collections.abc import Callable

from eligibility.checks import (
    branches,
    constant,
    label_numbers,
    programme_ids,
    standing,
    unused,
)
from eligibility.diagnostics import Diagnostic, DiagnosticError
from eligibility.ir import nodes as ir
from eligibility.syntax import ast

Check = Callable[[ast.PolicyFile, ir.Policy], list[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    constant.check,
    label_numbers.check,
    unused.check,
    programme_ids.check,
    standing.check,
    branches.check,
)


def policy_checks(tree: ast.PolicyFile, policy: ir.Policy) -> tuple[Diagnostic, ...]:
    """Every check's diagnostics, each once, in source order."""
    found = dict.fromkeys(d for check in CHECKS for d in check(tree, policy))
    return tuple(sorted(found, key=lambda d: (d.span.line, d.span.column, d.code)))


def lint(text: str, file: str) -> tuple[Diagnostic, ...]:
    """Everything the compiler says about a policy text: its errors when it does not compile
    (syntax, names, types, the checks' errors), else the checks' warnings (maybe none)."""
    from eligibility.ir.from_ast import policy_from_ast
    from eligibility.syntax.parser import parse_policy

    try:
        tree = parse_policy(text, file)
        return policy_checks(tree, policy_from_ast(tree))
    except DiagnosticError as error:
        return error.diagnostics
