"""Fixtures of the audit-log tests: a log with three recorded checks, made once through the
real command line (`main([... "--record", ...])`) and copied for each test that tampers with it."""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from eligibility.audit import store
from eligibility.audit.verify import Verdict, verify
from eligibility.commands import main

REPO = Path(__file__).resolve().parents[3]
CHONGQING = REPO / "policies" / "chongqing-2024.policy"
EXAMPLES = REPO / "examples" / "chongqing"
# (arguments after the applicant, applicant file): three checks in three output forms
RECORDED = (
    ([], EXAMPLES / "cap-binds.json"),
    (["--explain"], EXAMPLES / "all-branches-fail.json"),
    (["--format", "json"], EXAMPLES / "cap-binds.json"),
)


def check_arguments(applicant: Path, extra: list[str], log: Path) -> list[str]:
    return ["check", str(applicant), "--policy", str(CHONGQING), *extra, "--record", str(log)]


def run(arguments: list[str]) -> tuple[int, str, str]:
    """The command line in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(arguments)
    return code, out.getvalue(), err.getvalue()


def verdict_of(log: Path) -> Verdict:
    with store.reading(log) as connection:
        return verify(connection)


@pytest.fixture(scope="session")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, ...]]:
    """A log of the RECORDED checks (by 'auditor-test') and what each printed."""
    log = tmp_path_factory.mktemp("recorded") / "log.db"
    printed = []
    for extra, applicant in RECORDED:
        code, out, _ = run([*check_arguments(applicant, extra, log), "--by", "auditor-test"])
        assert code == 0
        printed.append(out)
    return log, tuple(printed)


@pytest.fixture
def log(recorded: tuple[Path, tuple[str, ...]], tmp_path: Path) -> Path:
    """A fresh copy of the recorded log, for a test to tamper with."""
    copy = tmp_path / "log.db"
    shutil.copyfile(recorded[0], copy)
    return copy


@pytest.fixture
def db(log: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the copy, as an auditor's `sqlite3 log.db` would be."""
    connection = sqlite3.connect(log, isolation_level=None)
    yield connection
    connection.close()
