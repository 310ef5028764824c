"""A programme's checklist of facts (`ir.checklist`) in words and as JSON: `eligibility fields`,
and the last lines of a check with missing facts, which show the same rows for what is missing.

A row reads `label（path）：type · articles · who supplies it`; articles lose their document's
title, which the programme's heading names once. The JSON row carries the codes (`kind`,
`supplier`, full `citations`) and, beside them, labels in the chosen language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from eligibility.decision.proof import Decision, MissingFact
from eligibility.facts.enum_labels import ENUM_LABELS
from eligibility.facts.paths import visible
from eligibility.ir.checklist import Checklist, FactRow
from eligibility.render.text import Block, TreeNode, ranked
from eligibility.render.wording import Lang, Wording, wording

FIELDS_SCHEMA = "eligibility.fields/1"
_RECORD_ID = re.compile(r"\[([^\]]*)\]")
SUPPLIER_KEYS: dict[str, str] = {
    "applicant": "supplier.applicant",
    "reviewer": "supplier.reviewer",
    "intake": "supplier.intake",
}
KIND_KEYS: dict[str, str] = {
    "bool": "kind.bool",
    "int": "kind.int",
    "money": "kind.money",
    "date": "kind.date",
    "region": "kind.region",
    "enum": "kind.enum",
    "string": "kind.string",
    "year": "kind.year",
    "collection": "kind.collection",
}


def kind_label(row: FactRow, w: Wording) -> str:
    kind = w(KIND_KEYS[row.kind]) + (f" {row.unit}" if row.unit and row.kind != "money" else "")
    return w("kind.many", kind) if row.many and row.kind != "collection" else kind


def row_text(row: FactRow, document: str, w: Wording, paths: tuple[str, ...] = ()) -> str:
    """One row in words; `paths`: the missing facts it stands for, whose records are named."""
    articles = w("list.sep_long").join(dict.fromkeys(w.article(c, document) for c in row.citations))
    text = w(
        "fields.row",
        row.label,
        row.path,
        kind_label(row, w),
        articles,
        w(SUPPLIER_KEYS[row.supplier]),
    )
    records = [m.group(1) for path in paths if (m := _RECORD_ID.search(path))]
    shown = text + (w("fields.records", w.join(dict.fromkeys(records))) if records else "")
    return visible(shown)  # record ids come from the applicant file


def checklist_blocks(checklists: Iterable[Checklist], lang: Lang = "zh") -> list[Block]:
    """`eligibility fields`: per programme a heading and its rows, in the order it reads them."""
    w = wording(lang)
    blocks: list[Block] = []
    for checklist in checklists:
        reviewer = sum(1 for row in checklist.rows if row.supplier == "reviewer")
        heading = w(
            "fields.heading",
            checklist.document,
            checklist.programme,
            checklist.title,
            len(checklist.rows),
            reviewer,
        )
        rows = tuple(
            TreeNode(((row_text(row, checklist.document, w), ""),)) for row in checklist.rows
        )
        if blocks:
            blocks.append(())
        blocks.append(TreeNode(((heading, "heading"),), rows))
    return blocks


def missing_blocks(decision: Decision, lang: Lang = "zh") -> list[Block]:
    """The checklist of what is missing, per programme whose outcome or amount waits for it
    (neither one that does not qualify anyway nor a document that does not apply): the last lines of `check` when any programme lacks a fact."""
    w = wording(lang)
    programmes = []
    for r in ranked(decision.results):  # in the summary's order
        if not r.missing_facts or r.not_applicable or r.outcome == "does_not_qualify":
            continue  # a programme that fails anyway needs nothing more
        rows = tuple(
            TreeNode(((row_text(row, r.document, w, paths), ""),)) for row, paths in r.missing_facts
        )
        title = w("fields.missing_programmes", r.programme, r.title)
        programmes.append(TreeNode(((title, ""),), rows))
    if not programmes:
        return []
    return [(), TreeNode(((w("fields.missing_heading"), "heading"),), tuple(programmes))]


def row_json(row: FactRow, w: Wording, paths: tuple[str, ...] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": row.path,
        "label": row.label,
        "kind": row.kind,
        "kind_label": kind_label(row, w),
        "unit": row.unit,
        "many": row.many,
        "supplier": row.supplier,
        "supplier_label": w(SUPPLIER_KEYS[row.supplier]),
        "citations": list(row.citations),
    }
    if row.enum_values and paths is None:  # `fields` only: a decision stays small
        out["enum_values"] = [
            {"code": code, "label": ENUM_LABELS.get(code, code) if w.lang == "zh" else code}
            for code in row.enum_values
        ]
    if paths is not None:
        out["missing"] = list(paths)
    return out


def missing_facts_json(facts: tuple[MissingFact, ...], w: Wording) -> list[dict[str, Any]]:
    return [row_json(row, w, paths) for row, paths in facts]


def checklists_json(checklists: Iterable[Checklist], lang: Lang = "zh") -> dict[str, Any]:
    w = wording(lang)
    return {
        "schema": FIELDS_SCHEMA,
        "lang": lang,
        "programmes": [
            {
                "policy_id": c.policy_id,
                "policy": c.document,
                "programme": c.programme,
                "title": c.title,
                "facts": [row_json(row, w) for row in c.rows],
            }
            for c in checklists
        ],
    }
