"""The round's files in the output folder: round.json (`eligibility.round/1`), allocation.csv
(UTF-8 with a BOM, so that Excel reads the Chinese) and each decision line extended by its
allocation (decisions.jsonl). Documented in docs/round-format.md.

Money is a string with two decimals, as in decisions. round.json and allocation.csv list pools,
issues and rows in the core's order (by id), so the same round gives the same bytes whatever
the order of its applications; decisions.jsonl follows the applications' order.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from eligibility.round.model import Allocation, Entitlement, PoolOutcome, RoundIssue
from eligibility.round.run import DecidedRound

ROUND_SCHEMA = "eligibility.round/1"
CSV_COLUMNS = (
    "applicant", "name", "programme", "title", "outcome",
    "entitlement", "award", "status", "article", "round_errors",
)  # fmt: skip


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def entitlement_text(entitlement: Entitlement | None) -> str:
    """ "8000.00", or a range "0.00–8400.00" ("…" open above) when facts are missing."""
    if entitlement is None:
        return ""
    if entitlement.exact is not None:
        return f"{entitlement.exact:.2f}"
    return f"{entitlement.low:.2f}–{money(entitlement.high) or '…'}"


def allocation_article(allocation: Allocation) -> str:
    """The article that fixed the award: the last step's (the pool's rule, or the amount's)."""
    cited = [step.citation for step in allocation.steps if step.citation]
    return cited[-1] if cited else ""


def titles(decided: DecidedRound) -> dict[tuple[str, str], str]:
    return {
        (policy.policy_id, programme.programme_id): programme.title
        for policy in decided.policies
        for programme in policy.programmes
    }


def applicable(decided: DecidedRound) -> list[Allocation]:
    """The allocations of programmes whose document applies to the applicant (not the
    programmes of another jurisdiction or kind of applicant): the rows of the outputs."""
    shown = decided.applicable
    return [
        a for a in decided.outcome.allocations
        if (a.applicant_id, a.policy_id, a.programme_id) in shown
    ]  # fmt: skip


def _pool(pool: PoolOutcome, title: str) -> dict[str, Any]:
    return {
        "pool_id": pool.pool_id,
        "policy_id": pool.policy_id,
        "programme": pool.programme_id,
        "title": title,
        "label": pool.label,
        "citation": pool.citation,
        "rule": pool.rule,
        "rule_citation": pool.rule_citation,
        "rule_note": pool.rule_note,
        "declared": money(pool.declared),
        "available": money(pool.available),
        "requested": money(pool.requested),
        "requested_high": money(pool.requested_high),
        "allocated": money(pool.allocated),
        "status": pool.status,
        "pro_rated": pool.prorated,
        "factor": None if pool.factor is None else str(pool.factor),
        "applicants": len(pool.applicants),
        "reason": pool.reason,
        "missing": list(pool.missing),
    }


def _issue(issue: RoundIssue) -> dict[str, Any]:
    return {
        "code": issue.code,
        "message": issue.message,
        "article": issue.citation,
        "applicants": list(issue.applicants),
        "pools": list(issue.pool_ids),
    }


def round_json(decided: DecidedRound) -> dict[str, Any]:
    """The round's summary: totals, pools, errors and warnings, invalid applications."""
    outcome, names = decided.outcome, titles(decided)
    rows = applicable(decided)
    definite = [a.share for a in rows if a.status in ("definite", "not_pooled") and a.share]
    refused = sorted(decided.refused, key=lambda r: (r.applicant_id, r.source))
    return {
        "schema": ROUND_SCHEMA,
        "batch_id": decided.round_file.batch_id,
        "title": decided.round_file.title,
        "as_of": decided.round_file.as_of.isoformat(),
        "assessment_year": decided.round_file.assessment_year,
        "policies": [
            {"policy_id": p.policy_id, "document": p.document_number} for p in decided.policies
        ],
        "switches": dict(outcome.switches) | dict(decided.applicant_switches),
        "totals": {
            "applications": decided.applications,
            "invalid": len(decided.refused),
            "awards": len(definite),
            "awarded": money(sum(definite, Decimal("0.00"))),
            "undetermined": sum(1 for a in rows if a.status not in _SETTLED),
        },
        "pools": [_pool(p, names.get((p.policy_id, p.programme_id), "")) for p in outcome.pools],
        "errors": [_issue(i) for i in outcome.issues if i.severity == "error"],
        "warnings": [_issue(i) for i in outcome.issues if i.severity == "warning"],
        "invalid_applications": [
            {
                "applicant_id": r.applicant_id,
                "source": r.source,
                "errors": [
                    {"code": e.code, "path": e.path, "message": e.message} for e in r.errors
                ],
            }
            for r in refused
        ],
    }


_SETTLED = ("definite", "not_pooled", "not_claimed")


def write_round_json(decided: DecidedRound, out: Path) -> None:
    text = json.dumps(round_json(decided), ensure_ascii=False, indent=2) + "\n"
    (out / "round.json").write_text(text, encoding="utf-8")


def allocation_csv(decided: DecidedRound) -> str:
    """One row per applicant and programme of a document that applies to it; a BOM for Excel.
    The award is blank unless definite (an undetermined or blocked share is not a number);
    `round_errors` names the round-level errors naming the applicant (R-QUOTA: a hard quota or
    selection exceeded, which the checker does not resolve), so no row reads as settled."""
    names, programme_titles = dict(decided.names), titles(decided)
    flagged = round_errors_by_applicant(decided)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in applicable(decided):
        writer.writerow(
            (
                a.applicant_id, names.get(a.applicant_id, ""), f"{a.policy_id}.{a.programme_id}",
                programme_titles.get((a.policy_id, a.programme_id), ""), a.outcome,
                entitlement_text(a.entitlement), money(a.share) or "", a.status,
                allocation_article(a), flagged.get(a.applicant_id, ""),
            )
        )  # fmt: skip
    return "\ufeff" + buffer.getvalue()


def round_errors_by_applicant(decided: DecidedRound) -> dict[str, str]:
    """The codes of the round-level errors naming each applicant ("R-QUOTA V-DUP")."""
    codes: dict[str, set[str]] = {}
    for issue in decided.outcome.issues:
        if issue.severity == "error":
            for applicant_id in issue.applicants:
                codes.setdefault(applicant_id, set()).add(issue.code)
    return {applicant_id: " ".join(sorted(found)) for applicant_id, found in codes.items()}


def write_allocation_csv(decided: DecidedRound, out: Path) -> None:
    with open(out / "allocation.csv", "w", encoding="utf-8", newline="") as handle:
        handle.write(allocation_csv(decided))


def allocation_json(allocation: Allocation) -> dict[str, Any]:
    """The allocation step added to a decision's result: entitlement → cap → share."""
    entitlement = allocation.entitlement
    return {
        "status": allocation.status,
        "pool_id": allocation.pool_id,
        "entitlement": None
        if entitlement is None
        else {
            "low": money(entitlement.low),
            "high": money(entitlement.high),
            "missing": list(entitlement.missing),
        },
        "share": money(allocation.share),
        "share_low": money(allocation.share_low),
        "share_high": money(allocation.share_high),
        "steps": [
            {"label": s.label, "citation": s.citation, "computation": s.computation}
            for s in allocation.steps
        ],
    }
