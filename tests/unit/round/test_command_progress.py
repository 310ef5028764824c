"""The round's progress bar: drawn on a terminal, silent otherwise (a pipe, a log, CI)."""

from __future__ import annotations

import io

import pytest

from eligibility.render.progress import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_bar_count_up(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.delenv("ELIGIBILITY_NO_PROGRESS", raising=False)
    with progress_bar("deciding", 10) as advance:
        advance(4)
        advance(6)
    drawn = terminal.getvalue()
    assert "deciding" in drawn and "10/10" in drawn


def test_a_pipe_sees_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    with progress_bar("deciding", 10) as advance:
        advance(10)
    assert pipe.getvalue() == ""


def test_the_variable_silences_it_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv("ELIGIBILITY_NO_PROGRESS", "1")
    with progress_bar("deciding", 10) as advance:
        advance(10)
    assert terminal.getvalue() == ""
