"""Every golden decision and error document (examples and rounds) is valid against the
published `schema/decision.schema.json`, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Draft202012Validator(
    json.loads((ROOT / "schema" / "decision.schema.json").read_text(encoding="utf-8"))
)
GOLDENS = sorted(
    [
        *(ROOT / "tests/golden/examples").glob("*.json"),
        *(ROOT / "tests/golden/rounds").glob("*/decision.json"),
    ]
)


def test_the_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA.schema)


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_golden_decision_is_valid(golden: Path) -> None:
    document = json.loads(golden.read_text(encoding="utf-8"))
    if golden.parent.parent.name == "rounds":  # the round's golden leaves out the provenance
        document["provenance"] = {"applicant_sha256": "0" * 64, "policies": [], "versions": {}}
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in SCHEMA.iter_errors(document)]
    assert errors == []
