"""W0403: a `programme_id` value that names no programme. Prior awards and applications name
the programme they were for; a value misspelt in a filter (`programme_id in
{xh_guanbiao_awrd}`) matches no record, so the rule silently never applies. The programmes
known are this policy's and those of the shipped policies (a prior award may come from
another document)."""

from __future__ import annotations

import re
from functools import cache

from eligibility.checks.conditions import placed_conditions
from eligibility.diagnostics import Diagnostic
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from eligibility.resources import shipped_policy_files
from eligibility.syntax import ast

_PROGRAMME = re.compile(r"^programme\s+([a-z_][A-Za-z0-9_]*)", re.MULTILINE)
FIELDS = frozenset({"programme_id"})


@cache
def shipped_programmes() -> frozenset[str]:
    """The programme ids of the shipped policies, read from their text (not compiled)."""
    return frozenset(
        name
        for path in shipped_policy_files()
        for name in _PROGRAMME.findall(path.read_text(encoding="utf-8"))
    )


def check(tree: ast.PolicyFile, policy: ir.Policy) -> list[Diagnostic]:
    import difflib

    own = [p.programme_id for p in policy.programmes]
    known = set(own) | shipped_programmes()
    found: list[Diagnostic] = []
    for placed in placed_conditions(policy):
        for cond in walk_conditions(placed.cond):
            if not (isinstance(cond, ir.Test) and isinstance(cond.test, ir.OneOf)):
                continue
            if cond.field.path.rsplit(".", 1)[-1] not in FIELDS:
                continue
            for value in cond.test.values:
                if value in known:
                    continue
                close = difflib.get_close_matches(value, [*own, *sorted(known)], n=1)
                found.append(
                    Diagnostic(
                        "W0403",
                        f"`{value}` is not a programme of this policy or of a shipped one",
                        cond.meta.span,
                        "no such programme",
                        (f"programmes here: {', '.join(own)}",) if own else (),
                        f"did you mean `{close[0]}`?"
                        if close
                        else "write the programme id as it is declared after `programme`",
                    )
                )
    return found
