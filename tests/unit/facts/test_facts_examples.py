"""Each file in examples/invalid/ is rejected with exactly the error it was written to show."""

from __future__ import annotations

import pytest
from facts_testing import REPO, codes_at

from eligibility.facts.validate import load_applicant

INVALID = REPO / "examples" / "invalid"
C = "$.applicant.ip_contracts"
EXPECTED = {
    "negative-amount.json": [("V-MONEY-NEG", f"{C}[0].registered_contract_amount")],
    "bad-date.json": [("V-DATE", f"{C}[0].contract_date")],
    "money-with-unit.json": [("V-MONEY-FMT", f"{C}[1].registered_contract_amount")],
    "unknown-enum.json": [("V-ENUM", f"{C}[0].items[1].ip_type")],
    "duplicate-record-id.json": [("V-DUP", f"{C}[1].record_id")],
    "contradiction.json": [("V-CONTRA", f"{C}[1].cnipa_registration_date")],
    "unknown-field.json": [("V-UNKNOWN", "$.applicant.credit_god")],
}


def test_every_invalid_example_is_covered() -> None:
    assert sorted(p.name for p in INVALID.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_example(name: str) -> None:
    result = load_applicant(INVALID / name)
    assert isinstance(result, tuple)
    assert codes_at(result) == EXPECTED[name]


def test_negative_amount_message() -> None:
    result = load_applicant(INVALID / "negative-amount.json")
    assert isinstance(result, tuple)
    assert result[0].message == 'money must not be negative: got "-200000.00"'
