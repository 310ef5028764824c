"""Shared fixtures for the applicant input stage: sample documents and a checking helper."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from eligibility.facts.model import ApplicantFacts, InputError
from eligibility.facts.validate import parse_json, validate_document

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[3]

_CQ = parse_json((DATA / "chongqing-ops.json").read_bytes())
_CITY = parse_json((DATA / "nat-city.json").read_bytes())


@pytest.fixture
def cq_doc() -> dict:  # type: ignore[type-arg]
    """A fresh copy of a valid Chongqing operation-institution applicant, as parsed."""
    return copy.deepcopy(_CQ)  # type: ignore[return-value]


@pytest.fixture
def city_doc() -> dict:  # type: ignore[type-arg]
    """A fresh copy of a valid NAT city applicant, as parsed."""
    return copy.deepcopy(_CITY)  # type: ignore[return-value]


def errors_of(doc: object, **context: object) -> tuple[InputError, ...]:
    """The errors validation reports for `doc`; fails the test if it validates."""
    result = validate_document(doc, "0" * 64, **context)  # type: ignore[arg-type]
    assert isinstance(result, tuple), "expected input errors, got a valid applicant"
    return result


def facts_of(doc: object, **context: object) -> ApplicantFacts:
    """The validated applicant; fails the test, listing the errors, if it does not validate."""
    result = validate_document(doc, "0" * 64, **context)  # type: ignore[arg-type]
    assert not isinstance(result, tuple), "\n".join(map(str, result))
    return result


def codes_at(errors: tuple[InputError, ...]) -> list[tuple[str, str]]:
    return [(e.code, e.path) for e in errors]


Mutation = Callable[[dict], None]  # type: ignore[type-arg]
