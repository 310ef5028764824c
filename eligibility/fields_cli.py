"""`eligibility fields`: the checklist of the facts each programme reads (docs/fields.md).

`--programme ID` (repeatable) chooses programmes among the policies applied (`--policy FILE`,
or every shipped policy); `--format json` gives `eligibility.fields/1`; `--template` an
applicant file to fill in, with a placeholder for every fact the applicant supplies.
Exit 0, 3 for a policy that does not compile or is not there, 64 for an unknown programme.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from eligibility.ir.checklist import Checklist, policy_checklists

EXIT_OK, EXIT_USAGE = 0, 64


def chosen_checklists(
    policies: tuple[Path, ...], programmes: list[str]
) -> tuple[Checklist, ...] | str:
    """The checklists asked for, in the policies' order; an error message for an unknown id."""
    from eligibility.compiler import load_policy

    every = tuple(c for path in policies for c in policy_checklists(load_policy(path).policy))
    if not programmes:
        return every
    known = {c.programme: c for c in every}
    for wanted in programmes:
        if wanted not in known:
            close = difflib.get_close_matches(wanted, list(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            return f"error: no programme {wanted!r} in the policies applied{hint}"
    return tuple(c for c in every if c.programme in programmes)


def fields_command(
    policies: tuple[Path, ...], programmes: list[str], lang: str, fmt: str, template: bool
) -> int:
    from eligibility.render.checklist import checklist_blocks, checklists_json
    from eligibility.render.json import dumps
    from eligibility.render.text import plain_blocks
    from eligibility.render.wording import wording

    chosen = chosen_checklists(policies, programmes)
    if isinstance(chosen, str):
        print(chosen, file=sys.stderr)
        return EXIT_USAGE
    w = wording(lang)
    if template:
        from eligibility.render.template import applicant_template

        print(dumps(applicant_template(chosen, w)))
    elif fmt == "json":
        print(dumps(checklists_json(chosen, w.lang)))
    else:
        sys.stdout.write(plain_blocks(checklist_blocks(chosen, w.lang)))
    return EXIT_OK
