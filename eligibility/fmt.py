"""`eligibility fmt FILE… [--check] [--diff]`: policy files in the canonical layout.

The layout is `syntax/layout.py`'s. Without options each file that is not in the layout is
rewritten in place (UTF-8, `\\n` line endings, no byte-order mark) and named; `--check` rewrites
nothing and names the files that would change; `--diff` rewrites nothing and prints what would
change as a unified diff. A directory stands for its `*.policy` files, recursively; files must
be named (no default: it would rewrite the policies of an installed package). `-` alone reads
the text from standard input and prints its layout on standard output (for editors).

Exit codes (those of `ruff format`, with the project's code for policy errors): 0 every file is
in the layout (or was rewritten), 1 with `--check` or `--diff` when some file would change,
3 when a file does not exist or is not a policy the grammar accepts (its diagnostic is printed as
`compile` prints it; the other files are still formatted).
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from eligibility.diagnostics import DiagnosticError, render_all
from eligibility.lint import expand_policy_paths

EXIT_OK, EXIT_CHANGED, EXIT_POLICY = 0, 1, 3


def fmt_command(paths: list[Path], check: bool = False, diff: bool = False) -> int:
    if [str(p) for p in paths] == ["-"]:
        return _fmt_stdin(check, diff)
    files = expand_policy_paths(paths)
    changed: list[str] = []
    failed = 0
    for path in files:
        if not path.is_file():
            print(f"error: no policy file {path}", file=sys.stderr)
            failed += 1
            continue
        from eligibility.resources import policy_display_name

        shown = policy_display_name(path)
        data = path.read_bytes()
        result = _formatted(data, shown)
        if result is None:
            failed += 1
            continue
        text, formatted = result
        if formatted.encode("utf-8") == data:
            continue
        changed.append(shown)
        if diff:
            _print_diff(text, formatted, shown)
        elif check:
            print(f"Would reformat: {shown}")
        else:
            path.write_bytes(formatted.encode("utf-8"))
            print(f"Reformatted: {shown}")
    unchanged = len(files) - len(changed) - failed
    verb = "would be reformatted" if check or diff else "reformatted"
    print(f"{len(changed)} file(s) {verb}, {unchanged} file(s) already formatted", file=sys.stderr)
    if failed:
        return EXIT_POLICY
    return EXIT_CHANGED if changed and (check or diff) else EXIT_OK


def _fmt_stdin(check: bool, diff: bool) -> int:
    """`eligibility fmt -`: the text on standard input, laid out on standard output (for
    editors); with --check nothing is printed, with --diff the diff."""
    data = sys.stdin.buffer.read()
    result = _formatted(data, "<stdin>")
    if result is None:
        return EXIT_POLICY
    text, formatted = result
    changed = formatted.encode("utf-8") != data
    if diff:
        _print_diff(text, formatted, "<stdin>")
    elif not check:
        sys.stdout.write(formatted)
    return EXIT_CHANGED if changed and (check or diff) else EXIT_OK


def _formatted(data: bytes, shown: str) -> tuple[str, str] | None:
    """The decoded text and its layout, or None when it is refused (the diagnostic printed)."""
    from eligibility.syntax.layout import format_policy
    from eligibility.syntax.source import decode_policy

    try:
        text = decode_policy(data, shown)
        return text, format_policy(text, shown)
    except DiagnosticError as error:
        rendered = render_all(error).replace("nothing was evaluated", "not formatted")
        print(rendered, file=sys.stderr)
        return None


def _print_diff(text: str, formatted: str, shown: str) -> None:
    sys.stdout.writelines(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            formatted.splitlines(keepends=True),
            f"{shown}\t(original)",
            f"{shown}\t(formatted)",
        )
    )
