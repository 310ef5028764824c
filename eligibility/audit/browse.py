"""`audit list` (find entries) and `audit show` (print a stored decision as `check` did)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from eligibility.audit import store
from eligibility.audit.errors import LogInputError
from eligibility.audit.shape import ShapeError, read_content


def stored_content(connection: sqlite3.Connection, seq: int) -> dict[str, Any]:
    """Entry `seq`'s content, or LogInputError saying why it cannot be read."""
    entry = store.entry_at(connection, seq)
    if entry is None:
        raise LogInputError(f"error: the log has no entry {seq}")
    try:
        return read_content(entry.content)
    except ShapeError as error:
        raise LogInputError(f"error: entry {seq} cannot be read: {error} (run verify)") from None


def shown(connection: sqlite3.Connection, seq: int, explain: bool, form: str) -> str:
    """The exact text `check` printed for entry `seq` (stored when it was recorded) in the form
    asked for; a round's entry has no `check` output: its decisions and outcome, as JSON."""
    content = stored_content(connection, seq)
    if content["kind"] != "check":
        document = {"round": content.get("round"), "decisions": content.get("decisions")}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    printed = content["printed"]
    if form == "json":
        return str(printed["json"])
    return str(printed["explanation"] if explain else printed["summary"])


def _matches(result: dict[str, Any], programme: str) -> bool:
    return any(programme in str(result.get(key, "")) for key in ("programme", "title", "policy_id"))


def list_lines(
    connection: sqlite3.Connection, applicant: str | None, programme: str | None
) -> list[str]:
    """One line per entry found: id, time, author, kind, applicants, and the outcomes (of the
    programmes matching `programme` when given, else a count of those that qualify)."""
    lines = []
    for entry in store.entries(connection):
        try:
            decisions = read_content(entry.content)["decisions"]
        except ShapeError as error:
            lines.append(f"{entry.seq:>5}  cannot be read: {error} (run verify)")
            continue
        if applicant is not None and not any(d["applicant_id"] == applicant for d in decisions):
            continue
        results = [r for d in decisions for r in d["results"]]
        if programme is not None:
            results = [r for r in results if _matches(r, programme)]
            if not results:
                continue
            outcomes = "; ".join(
                f"{r['programme']} {r['outcome']}" + (f" {r['amount']}" if r["amount"] else "")
                for r in results
            )
        else:
            qualifying = sum(r["outcome"] == "qualifies" for r in results)
            outcomes = f"{qualifying} of {len(results)} programmes qualify"
        lines.append(
            f"{entry.seq:>5}  {entry.recorded_at}  {entry.recorded_by}  {entry.kind}  "
            f"{entry.applicant_ids}  {outcomes}"
        )
    return lines
