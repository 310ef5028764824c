"""The round's applications, one at a time: a folder of applicant JSON files (in name order) or
one JSONL file (one applicant document per line), each validated as `check` validates a file,
with the round's as-of date and assessment year.

A bad application is not fatal to the round: it comes out as an `RefusedApplication` naming
where it is (the file, or the JSONL line), the applicant id when the document has a readable
one, and every error with its JSON path; the allocation then blocks only what depends on it.
Applications are read lazily, so a round of any size is held one chunk at a time.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eligibility.facts.model import ApplicantFacts, InputError
from eligibility.facts.validate import MAX_FILE_BYTES, load_applicant, parse_json, validate_document


@dataclass(frozen=True, slots=True)
class RefusedApplication:
    """An application that did not pass validation: where it is and why (V-BATCH)."""

    source: str  # "applications/acme.json" or "applications.jsonl:12"
    applicant_id: str  # the document's applicant_id when readable, else the source
    errors: tuple[InputError, ...]


@dataclass(frozen=True, slots=True)
class Application:
    """A valid application and where it came from."""

    source: str
    facts: ApplicantFacts


@dataclass(frozen=True, slots=True)
class UnreadApplication:
    """An application not yet read: a file of a folder (`path`) or a JSONL file's line (`line`,
    as read). A round hands these to the process deciding them, which reads them."""

    source: str
    path: Path | None = None
    line: bytes = b""


def read_applications(
    where: Path, kind: str, as_of: datetime.date, assessment_year: int, shown_from: Path
) -> Iterator[Application | RefusedApplication]:
    """Each application at `where` in order; sources are shown relative to `shown_from`."""
    for unread in unread_applications(where, kind, shown_from):
        yield read_application(unread, as_of, assessment_year)


def unread_applications(where: Path, kind: str, shown_from: Path) -> Iterator[UnreadApplication]:
    """Each application at `where` in order, unread (a folder's files are not opened)."""
    if kind == "folder":
        for path in application_files(where):
            yield UnreadApplication(source_name(path, shown_from), path=path)
        return
    for source, line in jsonl_lines(where, shown_from):
        yield UnreadApplication(source, line=line)


def read_application(
    unread: UnreadApplication, as_of: datetime.date, assessment_year: int
) -> Application | RefusedApplication:
    """The application validated as `check` validates a file, or refused with its errors."""
    shown, path = unread.source, unread.path
    if path is None:
        return _from_line(unread.line, shown, as_of, assessment_year)
    result = load_applicant(path, as_of=as_of, assessment_year=assessment_year)
    if isinstance(result, ApplicantFacts):
        return Application(shown, result)
    return RefusedApplication(shown, _readable_id(path.read_bytes(), shown), result)


def application_files(where: Path) -> list[Path]:
    """A folder's applications, in the order a round decides them."""
    return sorted(where.glob("*.json"))


def jsonl_lines(where: Path, shown_from: Path) -> Iterator[tuple[str, bytes]]:
    """Each non-blank line of a JSONL file, as read, with its source (`file.jsonl:N`)."""
    shown_file = source_name(where, shown_from)
    with open(where, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield f"{shown_file}:{number}", line


def _from_line(
    line: bytes, source: str, as_of: datetime.date, assessment_year: int
) -> Application | RefusedApplication:
    if len(line) > MAX_FILE_BYTES:
        error = InputError("V-FILE", "$", f"the line is longer than {MAX_FILE_BYTES} bytes")
        return RefusedApplication(source, source, (error,))
    doc = parse_json(line)
    if isinstance(doc, InputError):
        return RefusedApplication(source, source, (doc,))
    sha = hashlib.sha256(line.rstrip(b"\r\n")).hexdigest()
    result = validate_document(doc, sha, as_of=as_of, assessment_year=assessment_year)
    if isinstance(result, ApplicantFacts):
        return Application(source, result)
    return RefusedApplication(source, _id_of(doc, source), result)


def _readable_id(data: bytes, fallback: str) -> str:
    doc = parse_json(data[: MAX_FILE_BYTES + 1])
    return fallback if isinstance(doc, InputError) else _id_of(doc, fallback)


def _id_of(doc: object, fallback: str) -> str:
    """The applicant_id of a document that failed validation, if it has a plain one."""
    if isinstance(doc, dict):
        applicant = doc.get("applicant")
        if isinstance(applicant, dict):
            found = applicant.get("applicant_id")
            if isinstance(found, str) and found.strip():
                return found
    return fallback


def source_name(path: Path, base: Path) -> str:
    """How a round names an application's file: relative to the round file's folder."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)
