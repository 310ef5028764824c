"""`eligibility fields --template`: an applicant file to fill in, with every fact the chosen
programmes read set to `null`.

`null` is never a valid value (docs/applicant-format.md), so `check` refuses a template until
each `null` is replaced or its key removed, naming the path of every one left (V-TYPE): a fact
cannot be forgotten silently. A collection holds one record with its id field; a reviewer's
finding is `{"value": null, "reviewer": null, "date": null}`, a selection `{"selected": null}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eligibility.facts import vocabulary
from eligibility.ir.checklist import Checklist
from eligibility.render.wording import Wording

_FINDING = {"value": None, "reviewer": None, "date": None}


def applicant_template(checklists: Iterable[Checklist], w: Wording) -> dict[str, Any]:
    del w  # the template is codes and nulls: the same in every language
    context: dict[str, Any] = {}
    applicant: dict[str, Any] = {"applicant_id": None, "name": None}
    for checklist in checklists:
        for row in checklist.rows:
            if row.path.startswith("context."):
                context[row.path.removeprefix("context.")] = None
            elif row.kind == "collection":
                _record(applicant, row.path)
            elif "[]." in row.path:
                collection, _, field = row.path.partition("[].")
                _put(_record(applicant, collection), field.split("."))
            else:
                _put(applicant, row.path.split("."))
    return {"schema": vocabulary.FORMAT_VERSION, "context": context, "applicant": applicant}


def _record(applicant: dict[str, Any], collection: str) -> dict[str, Any]:
    """The one record of `collection`, made with its id field on first use."""
    records = applicant.setdefault(collection, [{}])
    record: dict[str, Any] = records[0]
    spec = vocabulary.collection(collection)
    if spec is not None and spec.id_field is not None:
        record.setdefault(spec.id_field, None)
    return record


def _put(target: dict[str, Any], parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head == vocabulary.ATTESTATIONS and rest:
        target.setdefault(head, {}).setdefault(rest[0], _FINDING.copy())
        return
    if head == vocabulary.SELECTION and len(rest) == 2:
        target.setdefault(head, {}).setdefault(rest[0], {})[rest[1]] = None
        return
    if not rest:
        target.setdefault(head, None)
        return
    group = vocabulary.group(head)
    if group is not None and group.is_list:
        inner = target.setdefault(head, [dict.fromkeys(group.required)])[0]
    else:
        inner = target.setdefault(head, {})
    _put(inner, rest)
