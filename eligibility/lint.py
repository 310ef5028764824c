"""`eligibility lint FILE…`: the warnings (W04xx) of policy files that compile.

`lint(text, file)` parses and resolves a policy text (an error is raised as `DiagnosticError`,
as `compile` does) and returns the warnings of every check in `lint_checks.CHECKS`. The command
prints each warning as `compile` prints errors (rustc-like, file:line:column with a caret) and
exits 0 when every file is clean, 1 when some file has a warning, 3 when a file does not exist
or does not compile (its errors are printed as `compile` prints them; the other files are
still linted).
"""

from __future__ import annotations

import sys
from pathlib import Path

from eligibility.diagnostics import Diagnostic, DiagnosticError, render_diagnostic

EXIT_CLEAN, EXIT_WARNINGS, EXIT_POLICY = 0, 1, 3


def lint(text: str, file: str) -> list[Diagnostic]:
    """The warnings of one policy text, in text order; raises DiagnosticError on an error."""
    from eligibility.ir.from_ast import policy_from_ast
    from eligibility.lint_checks import warnings
    from eligibility.syntax.parser import parse_policy

    tree = parse_policy(text, file)
    return warnings(tree, policy_from_ast(tree))


def lint_command(paths: list[Path]) -> int:
    """Lint every file (every shipped policy when none is named); print the warnings on
    stdout and the errors on stderr; the exit code as the module docstring says."""
    from eligibility.compiler import policy_files
    from eligibility.diagnostics import render_all
    from eligibility.resources import policy_display_name
    from eligibility.syntax.source import decode_policy

    files = expand_policy_paths(paths) if paths else list(policy_files())
    warned = failed = total = 0
    for path in files:
        if not path.is_file():
            print(f"error: no policy file {path}", file=sys.stderr)
            failed += 1
            continue
        shown = policy_display_name(path)
        try:
            text = decode_policy(path.read_bytes(), shown)
            found = lint(text, shown)
        except DiagnosticError as error:
            print(render_all(error), file=sys.stderr)
            failed += 1
            continue
        for diagnostic in found:
            print(render_diagnostic(diagnostic, text), end="\n\n")
        warned += bool(found)
        total += len(found)
    print(
        f"{len(files)} file(s) linted: {total} warning(s) in {warned} file(s), "
        f"{failed} file(s) with errors"
    )
    return EXIT_POLICY if failed else EXIT_WARNINGS if warned else EXIT_CLEAN


def expand_policy_paths(paths: list[Path]) -> list[Path]:
    """Files as given; a directory stands for its *.policy files, recursively, sorted."""
    out: list[Path] = []
    for path in paths:
        out += sorted(path.rglob("*.policy")) if path.is_dir() else [path]
    return out
