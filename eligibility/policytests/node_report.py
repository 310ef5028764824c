"""The report of `eligibility coverage --by condition`: per programme, each condition node,
amount step and cap with the number of cases deciding it each way (text), or every case by
name (JSON, `eligibility.policy-node-coverage/1`)."""

from __future__ import annotations

import unicodedata
from typing import Any

from eligibility.ir.quantities import citation_prefix
from eligibility.policytests.node_coverage import WAYS, Entry, NodeCoverage

SCHEMA = "eligibility.policy-node-coverage/1"
_LABEL_CELLS = 44


def node_coverage_lines(reports: list[NodeCoverage], verbose: bool = False) -> list[str]:
    """A table per programme: line, kind, label, and the number of cases each way (a condition:
    holds / fails / undetermined; a step: non-zero / zero / unknown; a cap: binds / within /
    unknown); `⚑` marks an entry no case decides both ways. With `verbose`, the cases."""
    heading = (
        "A condition, step or cap is decided by the cases that expect something of its "
        "programme; ⚑: not decided both ways."
    )
    lines = [heading, ""]
    for report in reports:
        lines.append(f"{report.policy_file} · {report.document} · {report.case_count} test case(s)")
        programme = None
        for entry in report.entries:
            if entry.programme != programme:
                programme = entry.programme
                lines += [f"  {programme}", "    line  kind       true false  none"]
            counts = "".join(f"{len(cases):>6}" for _, cases in entry.decided)
            flag = "  ⚑" if entry.flagged else ""
            label = _fit(entry.label or entry.entry_id)
            where = _short(entry.citation, report.document)
            lines.append(
                f"    {entry.span.line:>4}  {entry.kind:<9}{counts}  {label}  [{where}]{flag}"
            )
            if verbose:
                lines += _case_lines(entry)
        flagged = report.flagged
        lines.append(
            f"  {len(report.entries)} condition(s), step(s) and cap(s): "
            f"{len(report.entries) - len(flagged)} decided both ways, {len(flagged)} flagged"
        )
        lines.append("")
    total = sum(len(r.entries) for r in reports)
    flagged_total = sum(len(r.flagged) for r in reports)
    lines.append(
        f"{total} entries: {total - flagged_total} decided both ways, {flagged_total} flagged"
    )
    return lines


def _case_lines(entry: Entry) -> list[str]:
    return [f"            {way}: {name}" for way, cases in entry.decided for name in cases]


def _short(citation: str, document: str) -> str:
    return citation.removeprefix(citation_prefix(document))


def _fit(text: str) -> str:
    """The label cut (…) or padded to a fixed number of terminal cells."""
    out, cells = "", 0
    for ch in text:
        width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if cells + width > _LABEL_CELLS - 1:
            return out + "…" + " " * (_LABEL_CELLS - cells - 1)
        out, cells = out + ch, cells + width
    return out + " " * (_LABEL_CELLS - cells)


def node_coverage_json(reports: list[NodeCoverage]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "policies": [
            {
                "policy": r.policy_file,
                "document": r.document,
                "cases": r.case_count,
                "entries": [
                    {
                        "programme": e.programme,
                        "id": e.entry_id,
                        "kind": e.kind,
                        "label": e.label,
                        "citation": e.citation,
                        "file": e.span.file,
                        "line": e.span.line,
                        "column": e.span.column,
                        "decided": {way: list(cases) for way, cases in e.decided},
                        "flagged": e.flagged,
                    }
                    for e in r.entries
                ],
            }
            for r in reports
        ],
        "flagged": sum(len(r.flagged) for r in reports),
    }


assert all(len(ways) == 3 for ways in WAYS.values())  # the table has three columns
