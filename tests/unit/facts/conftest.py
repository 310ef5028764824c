"""Fixtures for the applicant-input tests (helpers live in facts_testing.py)."""

from __future__ import annotations

import pytest
from facts_testing import city_document, cq_document


@pytest.fixture
def cq_doc() -> dict:
    """A fresh copy of a valid Chongqing operation-institution applicant, as parsed."""
    return cq_document()


@pytest.fixture
def city_doc() -> dict:
    """A fresh copy of a valid NAT city applicant, as parsed."""
    return city_document()
