"""Golden tests: the decision report (`check … --report FILE.html`) of two examples, one in
Chinese and one in English, against the Chongqing policy alone, compared byte for byte with
tests/golden/reports/. `UPDATE_GOLDENS=1 pytest tests/golden` rewrites them; `git diff` (or
opening the file in a browser) is the review. The page holds no time and no path: the same
decision gives the same bytes (the versions and the policies' hashes are in it, as in the
examples' JSON goldens)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.commands import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "reports"
CASES = [
    ("chongqing/passes-branch-a", "zh"),  # qualifies: amount steps, switches in force
    ("chongqing/missing-credit", "en"),  # undetermined: a missing fact
]


@pytest.mark.parametrize(("example", "lang"), CASES, ids=[f"{e}.{lang}" for e, lang in CASES])
def test_report_matches_the_golden(
    example: str,
    lang: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    update_goldens: bool,
) -> None:
    report = tmp_path / "report.html"
    code = main(
        [
            "check",
            str(ROOT / "examples" / f"{example}.json"),
            "--policy",
            "policies/chongqing-2024.policy",
            "--lang",
            lang,
            "--report",
            str(report),
        ]
    )
    capsys.readouterr()
    assert code == 0
    golden = GOLDEN / f"{example.replace('/', '__')}.{lang}.html"
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(report.read_bytes())
        return
    assert golden.exists(), f"no golden file {golden.name}: run with UPDATE_GOLDENS=1 and review"
    assert report.read_bytes() == golden.read_bytes()
