"""A log that cannot be written makes `check --record` fail with one clear line and exit 6,
printing no decision (an auditor must never believe a decision was recorded when it was not),
and leaves no part of an entry. Bad input to the audit commands exits 2, never 4."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from eligibility.audit import store
from eligibility.audit.errors import EXIT_NOT_RECORDED
from tests.unit.audit.conftest import EXAMPLES, check_arguments, run


def _record(log: Path) -> tuple[int, str, str]:
    return run(check_arguments(EXAMPLES / "cap-binds.json", [], log))


def _count(log: Path) -> int:
    connection = sqlite3.connect(f"{log.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM entries").fetchone()[0])
    finally:
        connection.close()


def _limit_pages(monkeypatch: pytest.MonkeyPatch, extra_pages: int) -> None:
    """A full disk: every connection the log opens may grow the file by `extra_pages` only."""
    connect = store._connect

    def limited(path: Path, read_only: bool) -> sqlite3.Connection:
        connection = connect(path, read_only)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")
        return connection

    monkeypatch.setattr(store, "_connect", limited)


def test_a_full_disk_fails_cleanly_and_prints_no_decision(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _count(log)
    _limit_pages(monkeypatch, 2)  # an entry takes tens of pages
    code, out, err = _record(log)
    assert (code, out) == (EXIT_NOT_RECORDED, "")
    assert err.startswith(f"error: cannot record in the audit log {log}: the disk")
    assert len(err.splitlines()) == 1
    monkeypatch.undo()
    assert _count(log) == before
    assert run(["audit", "verify", str(log)])[0] == 0


def test_a_read_only_log_fails_cleanly(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opened read-only by SQLite (root ignores file modes, so the mode is forced here too)."""
    connect = store._connect
    monkeypatch.setattr(store, "_connect", lambda path, read_only: connect(path, True))
    code, out, err = _record(log)
    assert (code, out) == (EXIT_NOT_RECORDED, "")
    assert "the log is read-only" in err and len(err.splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_a_read_only_file_fails_cleanly(log: Path) -> None:
    log.chmod(0o444)
    code, out, err = _record(log)
    assert (code, out) == (EXIT_NOT_RECORDED, "") and "read-only" in err


def test_a_log_in_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    code, out, err = _record(tmp_path / "no-such-directory" / "log.db")
    assert (code, out) == (EXIT_NOT_RECORDED, "")
    assert "cannot be opened or created there" in err and len(err.splitlines()) == 1


def test_a_file_that_is_not_a_log_is_refused_and_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a database, certainly not a log\n" * 100)
    code, out, err = _record(other)
    assert (code, out) == (EXIT_NOT_RECORDED, "") and "is not an audit log" in err
    assert other.read_text().startswith("not a database")


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    for arguments, status in (
        (check_arguments(EXAMPLES / "cap-binds.json", [], other), EXIT_NOT_RECORDED),
        (["audit", "verify", str(other)], 2),
    ):
        code, out, err = run(arguments)
        assert (code, out) == (status, "") and "not an audit log" in err


@pytest.mark.parametrize("command", ["verify", "list", "replay", "checkpoint"])
def test_a_missing_log_is_bad_input(tmp_path: Path, command: str) -> None:
    code, out, err = run(["audit", command, str(tmp_path / "missing.db")])
    assert (code, out) == (2, "") and err.startswith("error: no audit log at ")
    assert not (tmp_path / "missing.db").exists()  # reading never creates a log


def test_a_bad_key_and_a_bad_checkpoint_are_bad_input(log: Path, tmp_path: Path) -> None:
    key = tmp_path / "bad.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n")
    code, _, err = run(["audit", "checkpoint", str(log), "--key", str(key)])
    assert code == 2 and "is not an unencrypted PEM private key" in err
    assert run(["audit", "checkpoint", str(log), "--key", str(tmp_path / "none.key")])[0] == 2
    checkpoint = tmp_path / "checkpoint.json"
    checkpoint.write_text("{}")
    code, _, err = run(["audit", "verify", str(log), "--checkpoint", str(checkpoint)])
    assert code == 2 and "is not an audit checkpoint" in err


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    key = tmp_path / "k"
    key.write_text("precious")
    code, _, err = run(["audit", "keygen", "--out", str(key)])
    assert code == 2 and "not overwriting" in err and key.read_text() == "precious"


def test_a_refused_applicant_is_not_recorded(tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    code, _, _ = run(check_arguments(bad, [], log))
    assert code == 2 and not log.exists()
