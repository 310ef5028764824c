"""The command line's streams and exit codes, run as a user would (a subprocess): a reader that
goes away, a full disk, a closed stdout, an ASCII locale and usage errors each end with their
documented status and at most one line on stderr, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eligibility import commands
from eligibility.commands import EXIT_BROKEN_PIPE, EXIT_OUTPUT, EXIT_POLICY, EXIT_USAGE

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "examples" / "chongqing" / "cap-binds.json")
CHECK = [sys.executable, "-m", "eligibility", "check"]


def _run(
    arguments: list[str], *, stdout: int | None = subprocess.PIPE, **environment: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        CHECK + arguments,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**os.environ, **environment},
        timeout=120,
        check=False,
    )


def _no_traceback(result: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in result.stderr
    assert len(result.stderr.decode().strip().splitlines()) <= 1


def test_a_reader_that_goes_away_ends_quietly() -> None:
    process = subprocess.Popen(
        [*CHECK, EXAMPLE, "--format", "json", "--explain"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()
    _, error = process.communicate(timeout=120)
    assert process.returncode == EXIT_BROKEN_PIPE
    assert error == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_disk_is_one_line_and_exit_5() -> None:
    with open("/dev/full", "wb") as full:
        result = _run([EXAMPLE], stdout=full.fileno())
    assert result.returncode == EXIT_OUTPUT
    assert result.stderr.decode().strip() == (
        "error: cannot write the output: No space left on device"
    )


def test_a_closed_stdout_is_one_line_and_exit_5() -> None:
    result = subprocess.run(
        f'exec >&-; exec "{sys.executable}" -m eligibility check "{EXAMPLE}"',
        shell=True,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )
    assert result.returncode == EXIT_OUTPUT
    _no_traceback(result)
    assert b"standard output is closed" in result.stderr


@pytest.mark.parametrize(
    "environment",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}],
    ids=["ascii", "C-locale"],
)
def test_output_is_utf8_whatever_the_locale(environment: dict[str, str]) -> None:
    result = _run([EXAMPLE, "--explain"], **environment)
    assert result.returncode == 0, result.stderr
    assert "知识产权运营绩效补贴" in result.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "arguments",
    [[], [EXAMPLE, "--format", "xml"], [EXAMPLE, "--as-of", "2024-02-30"], [EXAMPLE, "--bogus"]],
    ids=["no-file", "bad-format", "bad-date", "unknown-option"],
)
def test_usage_errors_have_their_own_code(arguments: list[str]) -> None:
    result = _run(arguments)
    assert result.returncode == EXIT_USAGE
    assert b"Traceback" not in result.stderr


def test_a_missing_policy_file_is_exit_3() -> None:
    result = _run([EXAMPLE, "--policy", "no-such.policy"])
    assert result.returncode == EXIT_POLICY
    _no_traceback(result)


def test_version() -> None:
    result = _run(["--version"])
    assert result.returncode == 0
    assert result.stdout.decode().startswith("eligibility ")


def test_json_output_is_the_same_from_any_directory(tmp_path: Path) -> None:
    """The review's 4e: provenance named the policy relative to the working directory."""
    outputs = set()
    for directory in (REPO, tmp_path, Path("/")):
        result = subprocess.run(
            [*CHECK, EXAMPLE, "--format", "json"],
            cwd=directory,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert b'"file": "policies/chongqing-2024.policy"' in outputs.pop()


@pytest.mark.parametrize(
    "arguments",
    [
        [EXAMPLE, "--explain", "--lang", "en", "--as-of", "2024-03-01", "--policy", "a.policy"],
        [EXAMPLE, "--format", "json", "--engine", "duckdb", "--assessment-year", "2023"],
        [EXAMPLE, "--format", "xml"],
        [EXAMPLE, "--bogus"],
        [EXAMPLE, "--as-of", "2024-02-30"],
        ["--help"],
        [],
    ],
    ids=["options", "json", "bad-format", "unknown-option", "bad-date", "help", "no-file"],
)
def test_check_parses_alone_as_among_every_command(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`eligibility check …` builds the parser of `check` alone (commands._parser): the same
    namespace, the same usage, help and errors as the parser of every command."""
    seen = []
    for parse in (commands.parse_arguments, commands._parser().parse_args):
        try:
            parsed: object = vars(parse(["check", *arguments]))
        except SystemExit as stop:
            parsed = stop.code
        seen.append((parsed, capsys.readouterr()))
    assert seen[0] == seen[1]
    assert commands._parser().format_help() != commands._parser(only_check=True).format_help()
