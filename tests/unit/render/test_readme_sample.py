"""The README's sample is what the command it names prints: every line of the excerpt (but the
`…` cuts) is a line of the output, in order (the review found a sample that contradicted
itself and its command)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eligibility.commands import main

ROOT = Path(__file__).resolve().parents[3]


def test_the_readme_sample_is_an_excerpt_of_its_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command, sample = re.search(
        r"An excerpt of `check (\S+) --explain`.*?```\n(.*?)```", readme, re.S
    ).groups()  # type: ignore[union-attr]
    assert main(["check", command, "--explain"]) == 0
    out = capsys.readouterr().out.splitlines()
    at = 0
    for line in sample.splitlines():
        if line == "…":
            continue
        assert line in out[at:], line
        at = out.index(line, at) + 1


def test_the_readme_checklist_sample_is_all_of_its_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The undetermined sample is the whole output of its command, checklist included."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"All of `check (\S+)\s+--policy (\S+)`:.*?```\n(.*?)```", readme, re.S)
    assert found is not None
    applicant, policy, sample = found.groups()
    assert main(["check", applicant, "--policy", policy]) == 0
    assert capsys.readouterr().out == sample
