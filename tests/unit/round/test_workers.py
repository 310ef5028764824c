"""A worker that cannot go on stops the round with exit 71 and one line, no traceback and no
output file: a policy changed between the command's start and the worker's, or the pool broke."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import eligibility.round.run as run
import eligibility.round.workers as workers
from eligibility.commands import main
from eligibility.round.run import ChunkTask

ROUND = Path(__file__).parents[3] / "examples" / "rounds" / "cq-pool-exceeded" / "round.yaml"
POLICY = Path(__file__).parents[3] / "policies" / "chongqing-2024.policy"


def test_a_worker_whose_policy_text_changed_decides_nothing() -> None:
    workers._start((POLICY,), ("0" * 64,))
    try:
        task = ChunkTask((), Path("unused.jsonl"), datetime.date(2025, 3, 15), 2024, (), "duckdb")
        with pytest.raises(workers.WorkerError, match="changed while the round ran"):
            workers._decide(task)
    finally:
        workers._Loaded.problem = ""
        workers._Loaded.stack.close()


def test_a_failed_worker_is_exit_71_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise workers.WorkerError("a worker process deciding the round ended abruptly")

    monkeypatch.setattr(run, "decide_round", broken)
    out = tmp_path / "out"
    assert main(["round", str(ROUND), "--out", str(out), "--jobs", "2"]) == 71
    assert capsys.readouterr().err == (
        "error: a worker process deciding the round ended abruptly\n"
    )
    assert list(out.iterdir()) == []


def test_jobs_must_be_a_positive_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["round", str(ROUND), "--jobs", "0"])
    assert stopped.value.code == 64
    assert "at least 1" in capsys.readouterr().err
