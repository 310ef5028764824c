"""Golden tests: `eligibility round` on every shipped example round (examples/rounds/).

For each round, round.json and allocation.csv are compared byte for byte with the files in
tests/golden/rounds/<round>/, and one applicant's decision line (the smallest applicant id with
an award in a pool, else the smallest) as indented JSON without its provenance (the engine's and
Python's versions and the policies' hashes are covered by the examples' goldens; here they would
only churn). `UPDATE_GOLDENS=1 pytest tests/golden` rewrites them; `git diff` is the review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eligibility.commands import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "rounds"
ROUNDS = sorted((ROOT / "examples" / "rounds").glob("*/round.yaml"))


def _chosen_decision(lines: list[dict[str, Any]]) -> dict[str, Any]:
    decided = [d for d in lines if "results" in d]
    pooled = [
        d for d in decided if any((r.get("allocation") or {}).get("pool_id") for r in d["results"])
    ]
    chosen = min(pooled or decided, key=lambda d: d["applicant_id"])
    chosen = dict(chosen)
    chosen.pop("provenance", None)
    return chosen


@pytest.mark.parametrize("round_file", ROUNDS, ids=[p.parent.name for p in ROUNDS])
def test_round_outputs_match_the_goldens(
    round_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    update_goldens: bool,
) -> None:
    code = main(["round", str(round_file), "--out", str(tmp_path)])
    capsys.readouterr()
    assert code in (0, 1)
    lines = [json.loads(line) for line in (tmp_path / "decisions.jsonl").open(encoding="utf-8")]
    produced = {
        "round.json": (tmp_path / "round.json").read_bytes(),
        "allocation.csv": (tmp_path / "allocation.csv").read_bytes(),
        "decision.json": (
            json.dumps(_chosen_decision(lines), ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8"),
    }
    folder = GOLDEN / round_file.parent.name
    if update_goldens:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in produced.items():
            (folder / name).write_bytes(content)
        return
    for name, content in produced.items():
        expected = folder / name
        assert expected.exists(), f"no golden {expected}: run UPDATE_GOLDENS=1 pytest tests/golden"
        assert content == expected.read_bytes(), name  # bytes: the CSV's BOM and CRLF count
