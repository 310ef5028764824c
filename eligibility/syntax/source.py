"""Policy file bytes → text. Decoding is ours, not Python's, so that a bad byte is a diagnostic.

A policy file is UTF-8. One leading byte-order mark is accepted and dropped (editors on Windows
write one; applicant files may carry one too). Bytes that are not UTF-8 are reported as E0103
at the line and column of the first bad byte, with the line shown (bad bytes as U+FFFD), instead
of escaping as `UnicodeDecodeError` and ending the run as an internal error. Line endings are
turned into `\n` (CRLF and a lone CR alike), as Python's text mode did before: the policy's
SHA-256 in the provenance and every line number stay what they were.
"""

from __future__ import annotations

import codecs

from eligibility.diagnostics import Diagnostic, DiagnosticError
from eligibility.span import Span


def decode_policy(data: bytes, file: str) -> str:
    """The text of a policy file; raises DiagnosticError (E0103) when it is not UTF-8."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return _newlines(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error, file) from None


def _not_utf8(data: bytes, error: UnicodeDecodeError, file: str) -> DiagnosticError:
    before = _newlines(data[: error.start].decode("utf-8"))  # valid up to the first bad byte
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    shown = _newlines(data.decode("utf-8", errors="replace"))
    bad = " ".join(f"0x{byte:02X}" for byte in data[error.start : error.end])
    diagnostic = Diagnostic(
        "E0103",
        f"the policy file is not UTF-8: byte {bad} cannot start or continue a character",
        Span(file, line, column, line, column + 1),
        "not UTF-8",
        help="save the file as UTF-8 (the replacement character � marks the byte)",
    )
    return DiagnosticError((diagnostic,), {file: shown})


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
