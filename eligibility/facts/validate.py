"""Applicant file → ApplicantFacts, or every InputError in it (rule-inventory §9).

    load_applicant(path, as_of=..., assessment_year=...)   reads, hashes, parses, validates
    validate_document(doc, source_sha256, ...)              validates an already parsed document

The file format is documented in docs/applicant-format.md and published as
schema/applicant.schema.json. Validation reads the document once (`facts.reader`), converting
and checking every value; only if that walk saw a shape the schema forbids is jsonschema
imported to list and explain every structural violation (`facts.structure`). A valid file
therefore never pays for jsonschema. Errors are sorted by path, then code, so output is stable.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from os import PathLike

from eligibility.collector import pausing
from eligibility.digest import sha256
from eligibility.facts.checks import check_applicant
from eligibility.facts.jsontext import parse_json, repeated_key_errors
from eligibility.facts.limits import MAX_FILE_BYTES, limit_errors, year_problem
from eligibility.facts.model import ApplicantFacts, EvaluationContext, InputError
from eligibility.facts.paths import child, sort_key
from eligibility.facts.reader import Walk, object_ok, read_applicant, read_value
from eligibility.facts.vocabulary import (
    FORMAT_VERSION,
    FieldKind,
    FieldSpec,
    collection_names,
    context_field,
    is_id,
)

__all__ = ["MAX_FILE_BYTES", "Result", "load_applicant", "parse_json", "validate_document"]

_TOP_KEYS = frozenset({"schema", "context", "applicant"})
_TOP_REQUIRED = frozenset({"schema", "applicant"})
_CONTEXT_KEYS = frozenset({"application_date", "assessment_year", "interpretations"})
_SWITCH = FieldSpec("interpretations", FieldKind.STRING, "口径开关")

Result = ApplicantFacts | tuple[InputError, ...]


def load_applicant(
    path: str | PathLike[str],
    *,
    as_of: datetime.date | None = None,
    assessment_year: int | None = None,
) -> Result:
    """Read and validate the applicant file at `path`. Never raises for a bad file."""
    data = _read_bytes(path)
    if isinstance(data, InputError):
        return (data,)
    doc = parse_json(data)
    if isinstance(doc, InputError):
        return (doc,)
    sha = sha256(data).hexdigest()
    return validate_document(doc, sha, as_of=as_of, assessment_year=assessment_year)


def _read_bytes(path: str | PathLike[str]) -> bytes | InputError:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return InputError("V-FILE", "$", f"cannot read applicant file: {error.strerror or error}")
    if len(data) > MAX_FILE_BYTES:
        return InputError("V-FILE", "$", f"applicant file is larger than {MAX_FILE_BYTES} bytes")
    return data


@pausing
def validate_document(
    doc: object,
    source_sha256: str,
    *,
    as_of: datetime.date | None = None,
    assessment_year: int | None = None,
) -> Result:
    """Validate a parsed applicant document (as `parse_json` returns it)."""
    # The size limits first, in one cheap walk: nothing costly is done with an oversized file.
    too_big = limit_errors(doc, frozenset(collection_names()))
    if too_big:
        return _sorted(too_big)
    walk = Walk()
    if isinstance(doc, dict):
        object_ok(walk, doc, _TOP_KEYS, _TOP_REQUIRED, "$")
        walk.shape(doc.get("schema") == FORMAT_VERSION)
        context = _context(doc, walk, as_of, assessment_year)
        reading = read_applicant(doc.get("applicant"), walk)
    else:
        walk.shape(False)
        context, reading = None, read_applicant(None, walk)
    errors = set(walk.errors)
    errors.update(check_applicant(reading.facts, reading.records))
    if not walk.shape_ok:
        from eligibility.facts.structure import structural_errors  # imports jsonschema

        errors.update(structural_errors(doc))
    if errors or context is None:
        return _sorted(errors)
    applicant_id = next(f.value for f in reading.facts if f.field == "applicant_id")
    return ApplicantFacts(
        str(applicant_id),
        reading.facts,
        reading.fields_present,
        reading.records,
        context,
        source_sha256,
    )


def _sorted(errors: Iterable[InputError]) -> tuple[InputError, ...]:
    return tuple(sorted(errors, key=lambda e: (sort_key(e.path), e.code, e.message)))


def _context(
    doc: dict[str, object], walk: Walk, as_of: datetime.date | None, assessment_year: int | None
) -> EvaluationContext | None:
    block = doc.get("context", {})
    object_ok(walk, block, _CONTEXT_KEYS, frozenset(), "$.context")
    values: dict[str, object] = {}
    if isinstance(block, dict):
        for name in ("application_date", "assessment_year"):
            spec = context_field(name)
            if name in block and spec is not None:
                fact = read_value(spec, block[name], f"$.context.{name}", walk)
                values[name] = fact.value if fact else None
    switches = _interpretations(
        block.get("interpretations", {}) if isinstance(block, dict) else {}, walk
    )
    day = as_of or values.get("application_date")
    if day is None:
        # (a context that is not an object is reported as such, at its own path)
        if "application_date" not in values and isinstance(block, dict):
            walk.errors.append(
                InputError(
                    "V-CONTEXT",
                    "$.context.application_date",
                    "no evaluation date: give context.application_date in the file, or an as-of date "
                    "when running the check",
                )
            )
        return None
    assert isinstance(day, datetime.date)
    year = _year(assessment_year, values, day, walk)
    return EvaluationContext(day, year, switches) if year is not None else None


def _year(
    argument: int | None, values: dict[str, object], day: datetime.date, walk: Walk
) -> int | None:
    if argument is None:
        if "assessment_year" in values:
            given = values["assessment_year"]
            return given if isinstance(given, int) else None
        # The year of the as-of date obeys the rule an explicit year does (9999-12-31 is a
        # date, but not a year any policy was written for).
        problem = year_problem(day.year)
        if problem is not None:
            walk.errors.append(
                InputError(
                    "V-CONTEXT",
                    "$.context.application_date",
                    f"{problem} (the year of the date {day}); give context.assessment_year",
                )
            )
            return None
        return day.year
    if isinstance(argument, bool) or not isinstance(argument, int) or year_problem(argument):
        walk.errors.append(
            InputError(
                "V-CONTEXT",
                "$.context.assessment_year",
                f"the assessment year given must be from 1900 to 2100: got {argument!r}",
            )
        )
        return None
    return argument


def _interpretations(block: object, walk: Walk) -> tuple[tuple[str, str], ...]:
    if not walk.shape(isinstance(block, dict)):
        return ()
    walk.errors += repeated_key_errors(block, "$.context.interpretations")
    assert isinstance(block, dict)
    out: list[tuple[str, str]] = []
    for key, value in block.items():
        if not walk.shape(is_id(key)):
            continue
        fact = read_value(_SWITCH, value, child("$.context.interpretations", key), walk)
        if fact is not None:
            out.append((key, str(fact.value)))
    return tuple(sorted(out))
