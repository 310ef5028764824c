"""The round file (docs/round-format.md): a valid one is read with every value in place; each
kind of mistake is reported at its line and column with a message naming the key, and
`eligibility round` exits 2 without deciding anything."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from eligibility.commands import main
from eligibility.resources import PACKAGE_DIR
from eligibility.round.roundfile import (
    ROUND_FILE_SCHEMA,
    RoundFileError,
    load_round_file,
    show_path,
)

ROOT = Path(__file__).resolve().parents[3]
VALID = """\
schema: eligibility.round-file/1
batch_id: cq-2024-r1
title: 2024年度运营绩效补贴
policies: [chongqing-2024]
context:
  as_of: 2025-03-15
  assessment_year: 2024
applications: applications
pools:
  cq_2024.cq_operation_performance_subsidy: "1000000.00"
interpretations:
  pool_overflow_rule: prorate
"""


def _round(tmp_path: Path, text: str) -> Path:
    (tmp_path / "applications").mkdir(exist_ok=True)
    path = tmp_path / "round.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_round_file_is_read_with_paths_resolved_beside_it(tmp_path: Path) -> None:
    read = load_round_file(_round(tmp_path, VALID))
    assert read.batch_id == "cq-2024-r1"
    assert read.title == "2024年度运营绩效补贴"
    assert read.as_of == datetime.date(2025, 3, 15)
    assert read.assessment_year == 2024
    assert read.policies == (PACKAGE_DIR / "policies" / "chongqing-2024.policy",)
    assert read.applications == tmp_path / "applications"
    assert read.applications_kind == "folder"
    assert read.pools == (("cq_2024.cq_operation_performance_subsidy", Decimal("1000000.00")),)
    assert read.interpretations == (("pool_overflow_rule", "prorate"),)
    assert read.span(("context", "as_of")).line == 6


def test_the_assessment_year_defaults_to_the_year_of_the_as_of_date(tmp_path: Path) -> None:
    text = VALID.replace("  assessment_year: 2024\n", "")
    assert load_round_file(_round(tmp_path, text)).assessment_year == 2025


def test_a_jsonl_file_and_a_policy_file_beside_the_round_file(tmp_path: Path) -> None:
    (tmp_path / "apps.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "mine.policy").write_text("", encoding="utf-8")
    text = VALID.replace("applications: applications", "applications: apps.jsonl")
    text = text.replace("[chongqing-2024]", "[mine.policy]")
    read = load_round_file(_round(tmp_path, text))
    assert read.applications_kind == "jsonl"
    assert read.policies == (tmp_path / "mine.policy",)


BAD = [
    # (name, replace this, by that, line, column, words the message must contain)
    ("unknown key", "title:", "titel:", 3, 1, "titel is not a key of the round file"),
    ("missing key", "batch_id: cq-2024-r1\n", "", 1, 1, "the key batch_id is required"),
    ("wrong format", "round-file/1", "round-file/9", 1, 9, "schema must be"),
    ("impossible date", "2025-03-15", "2025-02-30", 6, 10, "'2025-02-30' is not a date"),
    ("unknown policy", "[chongqing-2024]", "[chongqing-2042]", 4, 12, "no policy 'chongqing-2042'"),
    ("money as a number", '"1000000.00"', "1000000", 10, 45, "write money as a quoted string"),
    ("money with a unit", '"1000000.00"', '"100万元"', 10, 45, "is not an amount of money"),
    ("bad pool id", "cq_2024.cq_operation", "cq_2024/cq_operation", 10, 3, "is not a pool id"),
    (
        "no applications",
        "applications: applications",
        "applications: nowhere",
        8,
        15,
        "is not there",
    ),
    ("repeated key", "title: 2024", "batch_id: x\ntitle: 2024", 3, 1, "batch_id is given twice"),
    ("bad YAML", "policies: [chongqing-2024]", "policies: [chongqing-2024", 5, 8, "not valid YAML"),
    ("year out of range", "assessment_year: 2024", "assessment_year: 1800", 7, 20, "1800"),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "words"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_each_mistake_is_reported_at_its_place(
    tmp_path: Path, old: str, new: str, line: int, column: int, words: str
) -> None:
    assert old in VALID
    path = _round(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(RoundFileError) as raised:
        load_round_file(path)
    shown = raised.value.render()
    assert words in shown
    assert f"{path}:{line}:{column}" in shown
    assert "nothing was decided" in shown


AGAINST_POLICIES = [
    (
        "cq_2024.cq_operation_performance_subsidy:",
        "cq_2024.cq_operation_performance_subsidi:",
        "no policy of the round declares this pool",
        "did you mean cq_2024.cq_operation_performance_subsidy?",
    ),
    (
        "pool_overflow_rule: prorate",
        "pool_overflow_rule: share",
        "'share' is not a reading",
        "allowed: prorate, review",
    ),
    (
        "pool_overflow_rule: prorate",
        "pool_overflow_rul: prorate",
        "declares this switch",
        "did you mean pool_overflow_rule?",
    ),
    (
        "pool_overflow_rule: prorate",
        "cq_branchA_amount_basis: each",
        "'each' is not a reading",
        "allowed: total, per_transaction",
    ),
]


@pytest.mark.parametrize(("old", "new", "words", "hint"), AGAINST_POLICIES)
def test_pools_and_switches_must_exist_in_the_round_s_policies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, words: str, hint: str
) -> None:
    path = _round(tmp_path, VALID.replace(old, new))
    assert main(["round", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert words in err and hint in err
    assert f"{path}:" in err
    assert not (tmp_path / "out").exists()


def test_the_command_exits_2_for_a_bad_round_file_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _round(tmp_path, VALID.replace("2025-03-15", "2025-13-01"))
    assert main(["round", str(path), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert "context.as_of: '2025-13-01' is not a date" in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_a_missing_round_file_exits_2_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["round", str(tmp_path / "absent.yaml")]) == 2
    assert "cannot read the round file" in capsys.readouterr().err


def test_the_published_schema_is_the_one_the_reader_uses() -> None:
    published = ROOT / "schema" / "round-file.schema.json"
    assert published.read_bytes() == ROUND_FILE_SCHEMA.read_bytes()
    schema = json.loads(published.read_text(encoding="utf-8"))
    assert schema["properties"]["schema"]["const"] == "eligibility.round-file/1"


def test_every_shipped_round_example_is_a_valid_round_file() -> None:
    examples = sorted((ROOT / "examples" / "rounds").glob("*/round.yaml"))
    assert examples
    for example in examples:
        load_round_file(example)


def test_key_paths_are_shown_as_the_documentation_writes_them() -> None:
    assert show_path(("context", "as_of")) == "context.as_of"
    assert show_path(("policies", 1)) == "policies[1]"
    assert show_path(()) == "(the document)"
