"""A generated round (bench/population.py: all five documents, undecided records, missing facts,
applicants in and out of jurisdiction) decided in several chunks: it completes, every
application has its line, and the files agree with each other and with the pools' bounds. Decided
again by two worker processes (`--jobs 2`), every file is the same byte for byte."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import eligibility.round.run as run
import eligibility.round.workers as workers
from bench.population import generate
from eligibility.commands import main

COUNT = 45


def test_a_generated_round_in_chunks_completes_and_adds_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "DUCKDB_CHUNK_MIN", 20)  # three chunks, the last one short
    monkeypatch.setattr(run, "DUCKDB_CHUNK_MAX", 20)
    with open(tmp_path / "applications.jsonl", "w", encoding="utf-8") as handle:
        for document in generate(COUNT, 11):
            handle.write(json.dumps(document, ensure_ascii=False) + "\n")
    (tmp_path / "round.yaml").write_text(
        "schema: eligibility.round-file/1\nbatch_id: generated\n"
        "policies: [chongqing-2024, yubei-2024, national-2019, shanghai-2022, beijing-2022]\n"
        "context:\n  as_of: 2024-06-25\n  assessment_year: 2024\n"
        "applications: applications.jsonl\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["round", str(tmp_path / "round.yaml"), "--out", str(out), "--jobs", "1"]) in (0, 1)
    summary = json.loads((out / "round.json").read_text(encoding="utf-8"))
    assert summary["totals"]["applications"] == COUNT
    with open(out / "decisions.jsonl", encoding="utf-8") as handle:
        sources = [json.loads(line)["source"] for line in handle]
    assert sources == [f"applications.jsonl:{n}" for n in range(1, COUNT + 1)]
    assert not list(out.glob(".*"))  # the scratch folder is gone
    rows = list(
        csv.DictReader(io.StringIO((out / "allocation.csv").read_text(encoding="utf-8-sig")))
    )
    for pool in summary["pools"]:
        shares = [
            Decimal(row["award"])
            for row in rows
            if row["programme"] == pool["pool_id"] and row["award"]
        ]
        if pool["allocated"] is not None:
            assert sum(shares, Decimal(0)) == Decimal(pool["allocated"])
            assert Decimal(pool["allocated"]) <= Decimal(pool["available"])
        if pool["status"] == "prorated":
            assert Decimal(pool["allocated"]) == Decimal(pool["available"])
    for row in rows:
        if row["award"] and "–" not in row["entitlement"]:
            assert Decimal(row["award"]) <= Decimal(row["entitlement"])
    in_two = tmp_path / "in-two"
    calls: list[int] = []
    in_workers = workers.decide_in_workers

    def counted(*args: Any) -> Iterator[Any]:
        calls.append(args[-1])
        return in_workers(*args)

    monkeypatch.setattr(workers, "decide_in_workers", counted)
    command = ["round", str(tmp_path / "round.yaml"), "--out", str(in_two), "--jobs", "2"]
    assert main(command) in (0, 1)
    for name in ("decisions.jsonl", "round.json", "allocation.csv", "report.html"):
        assert (in_two / name).read_bytes() == (out / name).read_bytes(), name
    assert not list(in_two.glob(".*"))
    assert calls == [2]  # the chunks were decided by two worker processes
