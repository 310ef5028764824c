"""Helpers for the applicant-input tests: sample documents and checking functions.

(A uniquely named module rather than `conftest`, which is ambiguous to import when several
test folders have one.)
"""

from __future__ import annotations

import copy
from pathlib import Path

from eligibility.facts.model import ApplicantFacts, InputError
from eligibility.facts.validate import parse_json, validate_document

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[3]

_CQ = parse_json((DATA / "chongqing-ops.json").read_bytes())
_CITY = parse_json((DATA / "nat-city.json").read_bytes())


def cq_document() -> dict:
    """A fresh copy of a valid Chongqing operation-institution applicant, as parsed."""
    return copy.deepcopy(_CQ)


def city_document() -> dict:
    """A fresh copy of a valid NAT city applicant, as parsed."""
    return copy.deepcopy(_CITY)


def errors_of(doc: object, **context: object) -> tuple[InputError, ...]:
    """The errors validation reports for `doc`; fails the test if it validates."""
    result = validate_document(doc, "0" * 64, **context)
    assert isinstance(result, tuple), "expected input errors, got a valid applicant"
    return result


def facts_of(doc: object, **context: object) -> ApplicantFacts:
    """The validated applicant; fails the test, listing the errors, if it does not validate."""
    result = validate_document(doc, "0" * 64, **context)
    assert not isinstance(result, tuple), "\n".join(map(str, result))
    return result


def codes_at(errors: tuple[InputError, ...]) -> list[tuple[str, str]]:
    return [(e.code, e.path) for e in errors]
