"""The published schema: up to date with the vocabulary, a valid Draft 2020-12 schema, and in
agreement with the validator on the sample files."""

from __future__ import annotations

import json

import pytest
from facts_testing import DATA, REPO
from jsonschema import Draft202012Validator, FormatChecker

from eligibility.facts import docgen
from eligibility.facts.schema import build_schema, main, schema_text

COMMITTED = REPO / "schema" / "applicant.schema.json"


def test_committed_schema_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "schema/applicant.schema.json is stale: run "
        "`python -m eligibility.facts.schema > schema/applicant.schema.json`"
    )


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out == schema_text()
    assert main(["--nonsense"]) == 2


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json.loads(COMMITTED.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", ["chongqing-ops.json", "nat-city.json"])
def test_sample_files_satisfy_the_published_schema(name: str) -> None:
    validator = Draft202012Validator(
        json.loads(COMMITTED.read_text(encoding="utf-8")), format_checker=FormatChecker()
    )
    doc = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(doc)] == []


def test_schema_states_the_value_formats() -> None:
    defs = build_schema()["$defs"]
    validator = Draft202012Validator(defs["money"])
    assert validator.is_valid("250000.00") and validator.is_valid("7")
    for bad in ("-1", "1.005", "50万", "1e5", "NaN", 250000):
        assert not validator.is_valid(bad), bad
    assert defs["date"]["format"] == "date"
    region = Draft202012Validator(defs["region"])
    assert region.is_valid("500112") and not region.is_valid("999999")


def test_money_amounts_are_strings_in_the_schema() -> None:
    contract = build_schema()["properties"]["applicant"]["properties"]["ip_contracts"]["items"]
    amount = contract["properties"]["registered_contract_amount"]
    assert amount["$ref"] == "#/$defs/money"
    assert contract["additionalProperties"] is False
    assert contract["required"] == ["record_id"]


def test_docs_field_tables_are_up_to_date() -> None:
    text = docgen.DOC.read_text(encoding="utf-8")
    generated = text.split(docgen.BEGIN)[1].split(docgen.END)[0]
    assert generated == "\n" + docgen.tables(), (
        "docs/applicant-format.md is stale: run `python -m eligibility.facts.docgen --write`"
    )
