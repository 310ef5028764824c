"""`eligibility round … --record LOG`: the whole round as one audit-log entry (docs/audit-log.md).

The entry holds every decided application's bytes (a folder's files, or a JSONL file's lines)
with its decision, exactly as `check --format json` gives it, the round file, the policy texts,
and the round's outcome (round.json's summary plus every allocation). Refused applications
are in the outcome (`invalid_applications`), not among the applicant files: nothing was
decided for them. Recorded before any output file is written, so that a round whose files exist
was recorded (or `round` exited 6 and wrote nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eligibility.round.run import DecidedRound


def record_decided_round(
    log: Path, decided: DecidedRound, engine_requested: str, by: str | None
) -> None:
    """Append `decided` to `log`; raises `audit.errors.NotRecordedError` (exit 6) when it cannot."""
    from eligibility.audit.errors import LogInputError, NotRecordedError
    from eligibility.audit.record import Context, read_policies, record_round
    from eligibility.round.outputs import allocation_json, round_json
    from eligibility.round.run import decided_lines

    round_file = decided.round_file
    files = dict(_application_bytes(decided))
    applicants, decisions = [], []
    for document in decided_lines(decided):
        source = document.pop("source", None)
        if "provenance" not in document:  # a refused application's error document
            continue
        applicants.append((str(source), files[str(source)]))
        decisions.append(document)
    outcome: dict[str, Any] = round_json(decided) | {
        "allocations": [
            {"applicant_id": a.applicant_id, "programme": f"{a.policy_id}.{a.programme_id}"}
            | allocation_json(a)
            for a in decided.outcome.allocations
        ]
    }
    inputs = {
        "round_file": round_file.source.name,
        "round_file_text": round_file.source.read_text(encoding="utf-8"),
        "batch_id": round_file.batch_id,
    }
    context = Context(
        round_file.as_of, round_file.assessment_year, engine_requested, decided.engine
    )
    try:
        policies = read_policies(round_file.policies, [p.vocabulary for p in decided.policies])
    except OSError as error:
        raise NotRecordedError(
            f"error: cannot read {error.filename} again to record it: {error.strerror}"
        ) from None
    try:
        record_round(log, inputs, applicants, decisions, outcome, policies, context, by)
    except LogInputError as error:  # for `round`, 2 means a bad round file: one code, 6
        raise NotRecordedError(str(error)) from None


def _application_bytes(decided: DecidedRound) -> Iterator[tuple[str, bytes]]:
    """(source as the decisions name it, the bytes its provenance hashes) of each application."""
    from eligibility.round.applications import application_files, jsonl_lines, source_name

    round_file = decided.round_file
    shown_from = round_file.source.parent
    if round_file.applications_kind == "folder":
        for path in application_files(round_file.applications):
            yield source_name(path, shown_from), path.read_bytes()
        return
    for source, line in jsonl_lines(round_file.applications, shown_from):
        yield source, line.rstrip(b"\r\n")
