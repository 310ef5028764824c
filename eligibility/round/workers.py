"""A round's chunks decided side by side, one worker process per core (`round --jobs`).

Each worker is a fresh interpreter (`spawn`: nothing of the parent's engines, threads or
open databases is copied into it) that loads the round's policies once, from the compile
cache, and checks they are the texts the parent compiled (the SHA-256 each decision's
provenance names). It then runs `run.decide_chunk` on the chunks it is given, exactly as the
parent would: it reads the applications, decides them and writes the chunk's decision file;
only the round's share of each decision (`DecidedChunk`: entitlements, refusals, names) comes
back. Chunks are handed out a few ahead of the one awaited and their results taken in order,
so the parent holds a bounded number of chunks and the files are the same as one process
writes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from eligibility.compiler import PolicySource
from eligibility.ir import nodes as ir
from eligibility.round.run import ChunkTask, DecidedChunk, decide_chunk

AHEAD = 2  # chunks handed out per worker beyond the one it decides: none waits for work


class WorkerError(RuntimeError):
    """A worker process could not go on (killed, out of memory, or its policies changed)."""


class _Loaded:
    """What a worker holds from its start to its end: the round's policies."""

    policies: tuple[PolicySource, ...] = ()
    views: tuple[ir.Policy, ...] = ()
    stack = contextlib.ExitStack()
    problem = ""  # said by each task rather than raised at the start: the pool would only
    # report a broken process, and the worker print a traceback


def decide_in_workers(
    tasks: Iterable[ChunkTask],
    policy_files: tuple[Path, ...],
    expected_sha256: tuple[str, ...],
    workers: int,
) -> Iterator[DecidedChunk]:
    """Each task's `DecidedChunk`, in the tasks' order, decided by `workers` processes."""
    context = multiprocessing.get_context("spawn")
    pending: deque[Future[DecidedChunk]] = deque()
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(policy_files, expected_sha256)
    ) as pool:
        try:
            for task in tasks:
                pending.append(pool.submit(_decide, task))
                if len(pending) >= workers * (1 + AHEAD):
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as error:
            raise WorkerError(
                "a worker process deciding the round ended abruptly (killed, or out of memory:"
                " try fewer --jobs)"
            ) from error
        finally:
            for future in pending:
                future.cancel()


def _start(policy_files: tuple[Path, ...], expected_sha256: tuple[str, ...]) -> None:
    """A worker's start: the policies loaded, their vocabulary in force for its whole life."""
    from eligibility.compiler import load_policy_lazily
    from eligibility.facts import vocabulary

    policies = tuple(load_policy_lazily(path) for path in policy_files)
    views = tuple(source.full().policy for source in policies)
    found = tuple(view.source_sha256 for view in views)
    if found != expected_sha256:
        changed = [
            str(p) for p, a, b in zip(policy_files, found, expected_sha256, strict=True) if a != b
        ]
        _Loaded.problem = f"a policy's text changed while the round ran: {', '.join(changed)}"
        return
    own = (source.gates().policy.vocabulary for source in policies)
    _Loaded.stack.enter_context(vocabulary.using(vocabulary.for_policies(own)))
    _Loaded.policies, _Loaded.views = policies, views


def _decide(task: ChunkTask) -> DecidedChunk:
    if _Loaded.problem:
        raise WorkerError(_Loaded.problem)
    return decide_chunk(task, _Loaded.policies, _Loaded.views)
