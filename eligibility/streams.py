"""The command line's output streams: UTF-8 whatever the locale, and a clean end when the reader
goes away or the output cannot be written.

- Output is always UTF-8 (the explanations are Chinese), also under `LC_ALL=C PYTHONUTF8=0` or
  `PYTHONIOENCODING=ascii`, where Python would otherwise raise UnicodeEncodeError.
- A reader that went away (`check … | head -1`) ends the run quietly with 141, the status of a
  process ended by SIGPIPE, as `yes | head` does.
- Output that cannot be written (a full disk, a closed or broken standard output) ends the run
  with one line on stderr and EXIT_OUTPUT, never a traceback, and never exit 0 with output lost.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import NoReturn

EXIT_OUTPUT = 5
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


class OutputError(Exception):
    """The output could not be written; the message says why, in one line."""


def prepare() -> None:
    """Make stdout strict UTF-8 and stderr lenient UTF-8, whatever the locale; refuse to run
    with no standard output at all (its output would silently vanish)."""
    if sys.stdout is None:
        raise OutputError("standard output is closed")
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() != "utf-8":
            stream.reconfigure(encoding="utf-8", errors=errors)


def describe(error: OSError) -> str:
    """One line for an OSError met while writing output."""
    reason = os.strerror(error.errno) if error.errno else str(error)
    if error.errno == errno.EBADF:
        reason = "standard output is closed"
    return f"error: cannot write the output: {reason}"


def finish(code: int) -> NoReturn:
    """Flush what was printed, then leave without tearing the heap down object by object
    (about 20 ms of a cold `check`); nothing is left to finalise, as the compile cache is written
    and renamed into place before evaluation starts. A flush that fails changes the status."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_BROKEN_PIPE
    except OSError as error:
        _say(describe(error))
        code = EXIT_OUTPUT
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except OSError:
        pass  # nowhere left to say anything
    os._exit(code)


def _say(line: str) -> None:
    try:
        if sys.stderr is not None:
            sys.stderr.write(line + "\n")
    except OSError:
        pass
