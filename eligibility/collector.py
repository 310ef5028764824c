"""Pausing Python's cyclic garbage collector around a burst of allocation that makes no cycles.

Deciding a bank's 10,000 pledges allocates over a million objects that live until the decision
is written (facts, ground facts, CSV cells, result rows, proof notes), none of them in a cycle.
Each automatic collection walks every tracked object still alive, so with the collector running
those bursts cost ~1.8 s of CPU in collections that free nothing (of ~7 s; measured 2026-12-04,
docs/architecture.md "Performance"). Reference counting still frees everything acyclic while
the collector is paused; it is resumed, if it ran before, when the burst ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def pausing(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run with the cyclic collector off, then as it was (nesting is harmless)."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return run
