"""A progress bar on stderr for long runs (`eligibility round`): shown only when stderr is a
terminal and ELIGIBILITY_NO_PROGRESS is unset, so logs, pipes and CI get no control characters.
It is transient: once the run ends, the terminal keeps only the command's summary line."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Advance(Protocol):
    def __call__(self, done: int) -> None: ...


def _quiet(done: int) -> None:
    """No bar: stderr is not a terminal."""


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Advance]:
    """A function to call with the number of items done since the last call."""
    if not sys.stderr.isatty() or os.environ.get("ELIGIBILITY_NO_PROGRESS"):
        yield _quiet
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(done: int) -> None:
            bar.advance(task, done)

        yield advance
