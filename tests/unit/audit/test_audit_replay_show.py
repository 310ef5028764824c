"""`audit show` prints byte for byte what `check` printed; `audit list` finds entries;
`audit replay` decides each entry again from its stored inputs (not the files on disk) and
reports identical, or the first differing field with the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.unit.audit.conftest import CHONGQING, EXAMPLES, check_arguments, run


@pytest.mark.parametrize(
    ("seq", "options"), [(1, []), (2, ["--explain"]), (3, ["--format", "json"])]
)
def test_show_prints_exactly_what_check_printed(
    recorded: tuple[Path, tuple[str, ...]], seq: int, options: list[str]
) -> None:
    log, printed = recorded
    code, out, _ = run(["audit", "show", str(log), str(seq), *options])
    assert code == 0 and out == printed[seq - 1]


def test_show_gives_every_form_of_a_check_whichever_was_printed(
    recorded: tuple[Path, tuple[str, ...]],
) -> None:
    log, printed = recorded  # entries 1 and 3: the same applicant, text then JSON
    assert run(["audit", "show", str(log), "3"])[1] == printed[0]
    assert run(["audit", "show", str(log), "1", "--format", "json"])[1] == printed[2]


def test_list_finds_entries_by_applicant_and_programme(
    recorded: tuple[Path, tuple[str, ...]],
) -> None:
    log, _ = recorded
    code, out, _ = run(["audit", "list", str(log)])
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["1", "2", "3"]
    assert "auditor-test" in out
    out = run(["audit", "list", str(log), "--applicant", "CQ-OPS-003"])[1]
    assert [line.split()[0] for line in out.splitlines()] == ["2"]
    out = run(["audit", "list", str(log), "--programme", "cq_operation_performance_subsidy"])[1]
    assert "cq_operation_performance_subsidy qualifies 500000.00" in out.splitlines()[0]
    assert run(["audit", "list", str(log), "--applicant", "nobody"])[1] == "no entries found\n"


def test_replay_of_the_recorded_checks_is_identical(recorded: tuple[Path, tuple[str, ...]]) -> None:
    log, _ = recorded
    code, out, _ = run(["audit", "replay", str(log)])
    assert (code, out) == (0, "entry 1: identical\nentry 2: identical\nentry 3: identical\n")


def test_replay_uses_the_stored_policy_text_not_the_file(tmp_path: Path) -> None:
    """Recorded with an edited copy of the policy, then the copy is edited back: replay
    still decides with the text that was applied, and is identical."""
    copy = tmp_path / "chongqing-2024.policy"
    original = CHONGQING.read_text(encoding="utf-8")
    assert "at most 50万元" in original
    copy.write_text(original.replace("at most 50万元", "at most 40万元"), encoding="utf-8")
    log = tmp_path / "log.db"
    arguments = check_arguments(EXAMPLES / "cap-binds.json", [], log)
    arguments[arguments.index(str(CHONGQING))] = str(copy)
    assert run(arguments)[0] == 0
    shutil.copyfile(CHONGQING, copy)
    assert run(["audit", "replay", str(log)])[:2] == (0, "entry 1: identical\n")


def test_replay_under_an_amended_policy_names_the_difference_and_the_reason(
    recorded: tuple[Path, tuple[str, ...]], tmp_path: Path
) -> None:
    """The honest way to ask "what changes under the amended text": the log is untouched and
    replay is given the amended file, which it applies instead of the stored text."""
    log, _ = recorded
    amended = tmp_path / "chongqing-2024-amended.policy"
    amended.write_text(
        CHONGQING.read_text(encoding="utf-8").replace("at most 50万元", "at most 40万元"),
        encoding="utf-8",
    )
    code, out, _ = run(["audit", "replay", str(log), "1", "--policy", str(amended)])
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("entry 1: differs at $[0].results[")
    assert '"500000.00" → "400000.00"' in lines[0]
    assert lines[1].startswith("  reason: policy text: 渝知发〔2024〕22号 replaced by ")


def test_a_new_checker_version_that_decides_alike_is_identical_and_named(
    recorded: tuple[Path, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from eligibility import evaluate

    monkeypatch.setattr(evaluate, "__version__", "9.9.9")
    code, out, _ = run(["audit", "replay", str(recorded[0]), "2"])
    assert code == 0
    assert out == "entry 2: identical (decided alike despite: checker version: 0.1.0 → 9.9.9)\n"


def test_replay_on_the_other_engine_is_identical_and_names_it(
    recorded: tuple[Path, tuple[str, ...]],
) -> None:
    code, out, _ = run(["audit", "replay", str(recorded[0]), "1", "--engine", "duckdb"])
    assert code == 0 and out.startswith("entry 1: identical (decided alike despite: engine: ")


@pytest.mark.parametrize("command", ["show", "replay"])
def test_an_unknown_id_is_bad_input(recorded: tuple[Path, tuple[str, ...]], command: str) -> None:
    code, out, err = run(["audit", command, str(recorded[0]), "99"])
    assert (code, out, err) == (2, "", "error: the log has no entry 99\n")


def test_show_report_is_the_page_check_wrote(
    recorded: tuple[Path, tuple[str, ...]], tmp_path: Path
) -> None:
    """`audit show --report`: the entry decided again from its stored inputs, with its stored
    versions, drawn as the same page `check --report` writes; `show` prints as usual."""
    log, printed = recorded
    shown = tmp_path / "shown.html"
    arguments = ["audit", "show", str(log), "2", "--explain", "--report", str(shown)]
    assert run(arguments)[:2] == (0, printed[1])
    checked = tmp_path / "checked.html"
    arguments = ["check", str(EXAMPLES / "all-branches-fail.json"), "--policy", str(CHONGQING)]
    assert run([*arguments, "--report", str(checked)])[0] == 0
    assert shown.read_text(encoding="utf-8") == checked.read_text(encoding="utf-8")


def test_show_report_refuses_a_decision_that_is_not_the_recorded_one(log: Path) -> None:
    """The stored decision edited (as tampering would): no report of what was not decided."""
    import sqlite3

    with sqlite3.connect(log) as db:
        db.execute(
            "UPDATE entries SET content = replace(content, '500000.00', '600000.00') WHERE seq = 1"
        )
    db.close()
    code, out, err = run(
        ["audit", "show", str(log), "1", "--report", str(log.with_suffix(".html"))]
    )
    assert (code, out) == (2, "")
    assert "entry 1 is decided differently now" in err
    assert not log.with_suffix(".html").exists()
