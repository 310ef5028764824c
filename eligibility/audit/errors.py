"""The two ways an audit command fails, each with its exit code (docs/audit-log.md).

Kept apart from the rest of the package so that `commands._guarded` can name them without
importing sqlite3, rfc8785 or cryptography on every `check`.
"""

from __future__ import annotations

EXIT_FINDING = 1  # verify or replay found a problem
EXIT_LOG_INPUT = 2  # no such log, not a log, a bad key or checkpoint, an unknown entry id
EXIT_NOT_RECORDED = 6  # `check --record`: the log could not be written; nothing was printed


class AuditError(Exception):
    """A failure the user can act on; str() is the one-line message, `exit_code` the status."""

    exit_code = EXIT_LOG_INPUT


class LogInputError(AuditError):
    """The log, key, checkpoint or entry id named on the command line is missing or unusable."""

    exit_code = EXIT_LOG_INPUT


class NotRecordedError(AuditError):
    """The entry could not be written (read-only file, full disk, log locked too long).
    The transaction was rolled back: the log holds no part of it."""

    exit_code = EXIT_NOT_RECORDED
