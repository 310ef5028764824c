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
import hashlib
import json
from decimal import Decimal
from os import PathLike

from eligibility.facts.checks import check_applicant
from eligibility.facts.layout import Token
from eligibility.facts.model import ApplicantFacts, EvaluationContext, InputError
from eligibility.facts.paths import quote, render, sort_key
from eligibility.facts.reader import Walk, object_ok, read_applicant, read_value
from eligibility.facts.values import NonFinite
from eligibility.facts.vocabulary import FORMAT_VERSION, FieldKind, FieldSpec, context_field, is_id

MAX_FILE_BYTES = 64 * 1024 * 1024
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
    sha = hashlib.sha256(data).hexdigest()
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


class _RepeatedKeys(dict):  # type: ignore[type-arg]
    """A JSON object in which some key was written more than once (JSON keeps the last)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    repeated = _RepeatedKeys(obj)
    names = [key for key, _ in pairs]
    repeated.repeated = tuple(sorted({key for key in names if names.count(key) > 1}))
    return repeated


def parse_json(data: bytes) -> object | InputError:
    """The JSON document in `data`: decimals stay exact, NaN/Infinity are kept for reporting."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return InputError("V-JSON", "$", f"not UTF-8 text: byte {data[error.start]:#04x} at "
                                         f"line {line}, column {column}")
    try:
        doc: object = json.loads(text, parse_float=Decimal, parse_constant=NonFinite,
                                 object_pairs_hook=_object)
        return doc
    except json.JSONDecodeError as error:
        return InputError("V-JSON", "$", f"not valid JSON: {error.msg} at line {error.lineno}, "
                                         f"column {error.colno}")
    except RecursionError:
        return InputError("V-JSON", "$", "not usable JSON: nested too deeply")
    except ValueError as error:  # e.g. an integer with more than 4300 digits
        return InputError("V-JSON", "$", f"not usable JSON: {error}")


def validate_document(
    doc: object,
    source_sha256: str,
    *,
    as_of: datetime.date | None = None,
    assessment_year: int | None = None,
) -> Result:
    """Validate a parsed applicant document (as `parse_json` returns it)."""
    walk = Walk()
    if isinstance(doc, dict):
        object_ok(walk, doc, _TOP_KEYS, _TOP_REQUIRED)
        walk.shape(doc.get("schema") == FORMAT_VERSION)
        context = _context(doc, walk, as_of, assessment_year)
        reading = read_applicant(doc.get("applicant"), walk)
    else:
        walk.shape(False)
        context, reading = None, read_applicant(None, walk)
    errors = set(walk.errors)
    errors.update(check_applicant(reading.facts, reading.records))
    errors.update(repeated_key_errors(doc))
    if not walk.shape_ok:
        from eligibility.facts.structure import structural_errors  # imports jsonschema

        errors.update(structural_errors(doc))
    if errors or context is None:
        return tuple(sorted(errors, key=lambda e: (sort_key(e.path), e.code, e.message)))
    applicant_id = next(f.value for f in reading.facts if f.field == "applicant_id")
    return ApplicantFacts(str(applicant_id), reading.facts, reading.fields_present,
                          reading.records, context, source_sha256)


def _context(doc: dict[str, object], walk: Walk, as_of: datetime.date | None,
             assessment_year: int | None) -> EvaluationContext | None:
    block = doc.get("context", {})
    object_ok(walk, block, _CONTEXT_KEYS, frozenset())
    values: dict[str, object] = {}
    if isinstance(block, dict):
        for name in ("application_date", "assessment_year"):
            spec = context_field(name)
            if name in block and spec is not None:
                fact = read_value(spec, block[name], ("context", name), walk)
                values[name] = fact.value if fact else None
    switches = _interpretations(block.get("interpretations", {}) if isinstance(block, dict)
                                else {}, walk)
    day = as_of or values.get("application_date")
    if day is None:
        if "application_date" not in values:
            walk.errors.append(InputError(
                "V-CONTEXT", "$.context.application_date",
                "no evaluation date: give context.application_date in the file, or an as-of date "
                "when running the check"))
        return None
    assert isinstance(day, datetime.date)
    year = _year(assessment_year, values, day, walk)
    return EvaluationContext(day, year, switches) if year is not None else None


def _year(argument: int | None, values: dict[str, object], day: datetime.date, walk: Walk
          ) -> int | None:
    if argument is None:
        given = values.get("assessment_year", day.year)
        return given if isinstance(given, int) else None
    if isinstance(argument, bool) or not isinstance(argument, int) or not 1900 <= argument <= 2100:
        walk.errors.append(InputError("V-CONTEXT", "$.context.assessment_year",
                                      f"the assessment year given must be from 1900 to 2100: "
                                      f"got {argument!r}"))
        return None
    return argument


def _interpretations(block: object, walk: Walk) -> tuple[tuple[str, str], ...]:
    if not walk.shape(isinstance(block, dict)):
        return ()
    assert isinstance(block, dict)
    out: list[tuple[str, str]] = []
    for key, value in block.items():
        if not walk.shape(is_id(key)):
            continue
        fact = read_value(_SWITCH, value, ("context", "interpretations", key), walk)
        if fact is not None:
            out.append((key, str(fact.value)))
    return tuple(sorted(out))


def repeated_key_errors(doc: object) -> tuple[InputError, ...]:
    """V-DUP for every key written twice in one object (json keeps the last one silently)."""
    found: list[InputError] = []
    stack: list[tuple[tuple[Token, ...], object]] = [((), doc)]
    while stack:
        tokens, node = stack.pop()
        if isinstance(node, _RepeatedKeys):
            found.extend(InputError("V-DUP", render((*tokens, key)),
                                    f"key {quote(key)} is written more than once in this object; "
                                    f"keep one")
                         for key in node.repeated)
        if isinstance(node, dict):
            stack.extend(((*tokens, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*tokens, i), v) for i, v in enumerate(node))
    return tuple(found)
