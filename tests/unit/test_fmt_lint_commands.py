"""`eligibility fmt` and `eligibility lint` as a user runs them: exit codes, what is printed,
files rewritten or left alone, and the lint seam (`lint_checks.CHECKS`) with a check slotted in."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from eligibility import lint_checks
from eligibility.commands import main
from eligibility.diagnostics import Diagnostic, DiagnosticError
from eligibility.lint import lint
from eligibility.lint_checks import LintInput, warnings
from eligibility.resources import shipped_policy_files
from eligibility.span import Span

ROOT = Path(__file__).resolve().parents[2]
TIDY = (
    'policy t "标题"\n  document "d"\n\n'
    'programme p "项目" [一] {\n  requires "信用良好": credit_good is true [一]\n}\n'
)
MESSY = 'policy t   "标题"\ndocument "d"\nprogramme p "项目" [ 一 ] { requires "信用良好":credit_good is true [一] }\n'


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files are named as given, relative to the working directory


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_bytes(text.encode("utf-8"))
    return Path(name)


def test_fmt_check_is_clean_on_the_repository() -> None:
    """What CI runs (.ci/run): `eligibility fmt --check policies/ examples/`."""
    assert main(["fmt", "--check", str(ROOT / "policies"), str(ROOT / "examples")]) == 0


def test_fmt_check_names_the_files_that_would_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messy, tidy = _write(tmp_path, "messy.policy", MESSY), _write(tmp_path, "tidy.policy", TIDY)
    assert main(["fmt", "--check", "."]) == 1
    out, err = capsys.readouterr()
    assert f"Would reformat: {messy}" in out and str(tidy) not in out
    assert "1 file(s) would be reformatted, 1 file(s) already formatted" in err
    assert messy.read_text(encoding="utf-8") == MESSY  # --check writes nothing


def test_fmt_diff_prints_a_patch_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messy = _write(tmp_path, "messy.policy", MESSY)
    assert main(["fmt", "--diff", str(messy)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"--- {messy}\t(original)\n+++ {messy}\t(formatted)\n")
    assert '+  requires "信用良好": credit_good is true [一]\n' in out
    assert messy.read_text(encoding="utf-8") == MESSY


def test_fmt_rewrites_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = _write(tmp_path, "messy.policy", "\ufeff" + MESSY.replace("\n", "\r\n"))
    assert main(["fmt", str(messy)]) == 0
    assert messy.read_bytes() == TIDY.encode("utf-8")  # no BOM, \n line endings
    assert f"Reformatted: {messy}" in capsys.readouterr().out
    assert main(["fmt", "--check", str(messy)]) == 0


def test_fmt_of_a_syntax_error_is_the_usual_diagnostic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _write(tmp_path, "broken.policy", TIDY.replace('"信用良好":', '"信用良好"'))
    tidy = _write(tmp_path, "tidy.policy", MESSY)
    assert main(["fmt", str(broken), str(tidy), "missing.policy"]) == 3
    err = capsys.readouterr().err
    assert "error[E0101]: unexpected `credit_good`" in err
    assert f"--> {broken}:5:" in err and "^^^^^^^^^^^ not expected here" in err
    assert "error: no policy file missing.policy" in err
    assert tidy.read_text(encoding="utf-8") == TIDY  # the other files are still formatted


@pytest.mark.parametrize("argv", [["fmt", "--bogus", "x.policy"], ["fmt"], ["fmt", "--check"]])
def test_fmt_usage_error(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:  # no file named: nothing to rewrite by default
        main(argv)
    assert raised.value.code == 64


# ── lint ───────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("policy", shipped_policy_files(), ids=lambda p: p.stem)
def test_the_shipped_policies_lint_clean(policy: Path) -> None:
    assert lint(policy.read_text(encoding="utf-8"), policy.name) == []


def _requires_labels(found: LintInput) -> Iterable[Diagnostic]:
    """A stand-in check for the tests: every labelled `requires` (W0499)."""
    for definition in found.tree.definitions:
        for clause in getattr(definition, "clauses", ()):
            label = getattr(clause.node, "label", None)
            if label:
                yield Diagnostic("W0499", f"a label: {label}", clause.node.span, "here")


def test_lint_prints_warnings_like_errors_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lint_checks, "CHECKS", (_requires_labels,))
    policy = _write(tmp_path, "t.policy", TIDY)
    assert main(["lint", str(policy)]) == 1
    out = capsys.readouterr().out
    assert out == (
        "warning[W0499]: a label: 信用良好\n"
        f" --> {policy}:5:12\n"
        "  |\n"
        '5 |   requires "信用良好": credit_good is true [一]\n'
        "  |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ here\n"
        "\n"
        "1 file(s) linted: 1 warning(s) in 1 file(s), 0 file(s) with errors\n"
    )


def test_lint_clean_exits_0_and_errors_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(_write(tmp_path, "t.policy", TIDY))]) == 0
    assert "0 warning(s)" in capsys.readouterr().out
    bad = _write(tmp_path, "bad.policy", TIDY.replace("credit_good", "credit_god"))
    assert main(["lint", str(bad)]) == 3
    assert "error[E0204]: unknown applicant field `credit_god`" in capsys.readouterr().err
    assert main(["lint", "missing.policy"]) == 3


def test_lint_raises_errors_as_compile_does() -> None:
    with pytest.raises(DiagnosticError):
        lint(TIDY.replace("credit_good", "credit_god"), "t.policy")


def test_a_check_reporting_an_error_code_is_a_bug_of_the_check() -> None:
    def wrong(_: LintInput) -> Iterable[Diagnostic]:
        yield Diagnostic("E0999", "not a warning", Span("t", 1, 1, 1, 2))

    from eligibility.ir.from_ast import policy_from_ast
    from eligibility.syntax.parser import parse_policy

    tree = parse_policy(TIDY, "t")
    with pytest.raises(AssertionError, match="a lint check reported an error"):
        warnings(tree, policy_from_ast(tree), (wrong,))


def test_fmt_stdin_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class _Stdin:
        def __init__(self, data: bytes) -> None:
            self.buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", _Stdin(MESSY.encode("utf-8")))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == TIDY
    monkeypatch.setattr(sys, "stdin", _Stdin(MESSY.encode("utf-8")))
    assert main(["fmt", "--check", "-"]) == 1
    assert capsys.readouterr().out == ""
    monkeypatch.setattr(sys, "stdin", _Stdin(b"policy t {"))
    assert main(["fmt", "-"]) == 3
    assert "--> <stdin>:1:" in capsys.readouterr().err
