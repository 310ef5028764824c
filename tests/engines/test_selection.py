"""Choosing the engine: `--engine auto` takes DuckDB only for an applicant with many records,
and the decision names the engine that ran."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from eligibility.commands import main
from eligibility.evaluate import AUTO_DUCKDB_RECORDS, choose_engine
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import load_applicant

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "national"
    / "selected-direct-application.json"
)


def _applicant() -> ApplicantFacts:
    applicant = load_applicant(EXAMPLE)
    assert isinstance(applicant, ApplicantFacts)
    return applicant


def test_auto_keeps_pydatalog_for_an_ordinary_applicant() -> None:
    assert choose_engine("auto", _applicant()) == "pydatalog"
    assert choose_engine("duckdb", _applicant()) == "duckdb"


def test_auto_takes_duckdb_above_the_record_threshold() -> None:
    bank = load_applicant(EXAMPLE.parents[1] / "beijing" / "bank-exactly-300m.json")
    assert isinstance(bank, ApplicantFacts) and 0 < len(bank.records) <= AUTO_DUCKDB_RECORDS
    assert choose_engine("auto", bank) == "pydatalog"
    copies = AUTO_DUCKDB_RECORDS // len(bank.records) + 1
    many = dataclasses.replace(bank, records=bank.records * copies)
    assert choose_engine("auto", many) == "duckdb"


@pytest.mark.parametrize(("engine", "named"), [("duckdb", "duckdb "), ("pydatalog", "pyDatalog ")])
def test_check_names_the_engine_that_ran(
    engine: str, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = str(Path(__file__).resolve().parents[2] / "policies" / "national-2019.policy")
    code = main(["check", str(EXAMPLE), "--policy", policy, "--format", "json", "--engine", engine])
    assert code == 0
    versions = json.loads(capsys.readouterr().out)["provenance"]["versions"]
    assert versions["engine"].startswith(named)
