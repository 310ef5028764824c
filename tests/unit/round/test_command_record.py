"""`eligibility round … --record LOG`: the whole round as one audit entry that verifies and
replays identically; a log that cannot be written stops the round before any output file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from eligibility.commands import main

ROOT = Path(__file__).resolve().parents[3]
ROUNDS = ROOT / "examples" / "rounds"


def test_a_recorded_round_verifies_and_replays_identically(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "log.db"
    round_file = ROUNDS / "invalid-blocks-one-pool" / "round.yaml"
    assert main(["round", str(round_file), "--out", str(tmp_path / "out"), "--record", str(log),
                 "--by", "审计员"]) == 1  # fmt: skip
    capsys.readouterr()
    assert main(["audit", "list", str(log)]) == 0
    listed = capsys.readouterr().out
    assert "round" in listed and "审计员" in listed
    assert "CQ-R7-A" in listed and "CQ-R7-BAD" not in listed  # the refused one decided nothing
    assert main(["audit", "verify", str(log)]) == 0
    assert main(["audit", "replay", str(log)]) == 0
    assert "entry 1: identical" in capsys.readouterr().out
    with sqlite3.connect(log) as connection:
        (content,) = connection.execute("SELECT content FROM entries").fetchone()
    entry = json.loads(content)
    outcome = entry["round"]["outcome"]
    assert outcome["batch_id"] == "mixed-2024-r7"
    assert [a["applicant_id"] for a in outcome["invalid_applications"]] == ["CQ-R7-BAD"]
    pooled = [a for a in outcome["allocations"] if a["status"] != "not_claimed"]
    assert pooled and all("programme" in a for a in pooled)
    assert entry["round"]["inputs"]["round_file"] == "round.yaml"


def test_a_round_that_cannot_be_recorded_writes_no_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    not_a_log = tmp_path / "not-a-log.db"
    not_a_log.write_bytes(b"this is not an SQLite database" * 10)
    out = tmp_path / "out"
    round_file = ROUNDS / "cq-pool-exceeded" / "round.yaml"
    assert main(["round", str(round_file), "--out", str(out), "--record", str(not_a_log)]) == 6
    assert "error" in capsys.readouterr().err
    assert not (out / "round.json").exists() and not (out / "decisions.jsonl").exists()
