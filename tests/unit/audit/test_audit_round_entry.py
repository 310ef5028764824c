"""`record_round`: a whole funding round as one entry in one transaction, from plain data (the
round command will pass its own), verifiable, listable, showable and replayable like a check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eligibility.audit.errors import NotRecordedError
from eligibility.audit.record import Context, read_policies, record_round
from tests.unit.audit.conftest import CHONGQING, EXAMPLES, run

APPLICANTS = (EXAMPLES / "cap-binds.json", EXAMPLES / "all-branches-fail.json")
OUTCOME = {"budget": "5000000.00", "allocations": {"CQ-OPS-004": "500000.00"}, "pro_rated": False}


@pytest.fixture(scope="module")
def decisions() -> list[dict[str, Any]]:
    from eligibility.compiler import load_policy
    from eligibility.evaluate import decide_many
    from eligibility.facts.validate import load_applicant
    from eligibility.render.json import decision_json

    applicants = [load_applicant(path) for path in APPLICANTS]
    assert not any(isinstance(a, tuple) for a in applicants)
    found = decide_many((load_policy(CHONGQING),), applicants, "pydatalog")  # type: ignore[arg-type]
    return [decision_json(d) for d in found]


def _record(log: Path, decisions: list[dict[str, Any]]) -> int:
    entry = record_round(
        log,
        {"policy": "chongqing-2024", "year": 2024},
        [(path.name, path.read_bytes()) for path in APPLICANTS],
        decisions,
        OUTCOME,
        read_policies([CHONGQING]),
        Context(None, None, "pydatalog", "pydatalog"),
        by="bureau",
    )
    return entry.seq


def test_a_round_is_one_entry_that_verifies_lists_shows_and_replays(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    log = tmp_path / "log.db"
    assert _record(log, decisions) == 1
    assert run(["audit", "verify", str(log)])[:2] == (
        0,
        f"ok: 1 entry, one unbroken chain; head {_head(log)}\n",
    )
    listed = run(["audit", "list", str(log), "--applicant", "CQ-OPS-003"])[1]
    assert listed.split()[:5] == ["1", listed.split()[1], "bureau", "round", "CQ-OPS-004,"]
    shown = json.loads(run(["audit", "show", str(log), "1"])[1])
    assert shown["round"]["outcome"] == OUTCOME and len(shown["decisions"]) == 2
    assert run(["audit", "replay", str(log)])[:2] == (0, "entry 1: identical\n")


def _head(log: Path) -> str:
    import sqlite3

    connection = sqlite3.connect(log)
    try:
        return str(connection.execute("SELECT hash FROM entries").fetchone()[0])
    finally:
        connection.close()


def test_a_round_needs_one_decision_per_applicant(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    with pytest.raises(ValueError, match="one decision per applicant"):
        _record(tmp_path / "log.db", decisions[:1])
    assert not (tmp_path / "log.db").exists()


def test_a_round_whose_decisions_came_from_other_inputs_is_refused(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    swapped = [decisions[1], decisions[0]]  # each decision beside the other applicant's file
    with pytest.raises(NotRecordedError, match="not the file its decision was made from"):
        _record(tmp_path / "log.db", swapped)
