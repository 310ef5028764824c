"""Diagnostics are data: a code, a one-line message, a labelled span, notes and a help line.

Every stage collects its diagnostics and raises once (`DiagnosticError`); `render_diagnostic`
prints them in the style of rustc/ruff, padding carets by display width so that they stand
under Chinese text (a CJK character takes two terminal cells).

Codes: E01xx syntax, E02xx names/types/units, E03xx semantics, W04xx lint.
"""

from __future__ import annotations

from eligibility.frozen import frozen_record
from eligibility.span import Span


@frozen_record
class Diagnostic:
    code: str
    message: str
    span: Span
    label: str = ""
    notes: tuple[str, ...] = ()
    help: str = ""

    @property
    def is_error(self) -> bool:
        return self.code.startswith("E")


class DiagnosticError(Exception):
    """Raised once a stage has collected at least one error."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...], sources: dict[str, str]) -> None:
        super().__init__(f"{len(diagnostics)} diagnostic(s)")
        self.diagnostics = diagnostics
        self.sources = sources


def _cells(text: str) -> int:
    from rich.cells import cell_len  # only on the error path: rich is slow to import

    return cell_len(text)


def render_diagnostic(diagnostic: Diagnostic, source: str) -> str:
    """The diagnostic as plain text, with the source line and a caret under the span."""
    span = diagnostic.span
    kind = "error" if diagnostic.is_error else "warning"
    lines = source.split("\n")  # as spans count lines: splitlines() also breaks at U+2028, \f …
    text = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    end_column = span.end_column if span.end_line == span.line else len(text) + 1
    width = max(1, _cells(text[span.column - 1 : end_column - 1]))
    gutter = " " * len(str(span.line))
    out = [
        f"{kind}[{diagnostic.code}]: {diagnostic.message}",
        f"{gutter}--> {span.file}:{span.line}:{span.column}",
        f"{gutter} |",
        f"{span.line} | {text}",
        f"{gutter} | {' ' * _cells(text[: span.column - 1])}{'^' * width} {diagnostic.label}".rstrip(),
    ]
    out += [f"{gutter} = {note}" for note in diagnostic.notes]
    if diagnostic.help:
        out.append(f"help: {diagnostic.help}")
    return "\n".join(out)


def render_all(error: DiagnosticError) -> str:
    parts = [render_diagnostic(d, error.sources.get(d.span.file, "")) for d in error.diagnostics]
    errors = sum(1 for d in error.diagnostics if d.is_error)
    if errors:
        parts.append(f"{errors} error(s) in policy text; nothing was evaluated")
    else:
        parts.append(f"{len(error.diagnostics)} warning(s) in policy text")
    return "\n\n".join(parts)


def render_warnings(warnings: tuple[Diagnostic, ...], source: str) -> str:
    """Warnings of a policy that compiled: each as a diagnostic, then their count."""
    return render_all(DiagnosticError(warnings, {d.span.file: source for d in warnings})) + "\n"


class PolicyFileError(Exception):
    """A policy file that does not exist or cannot be read: the user's to fix (exit 3), reported in
    one line without a traceback."""
