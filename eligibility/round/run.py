"""Deciding a round: every application, in chunks, then the allocation core.

`decide_round` is the seam a recording of the round (`round --record`, issue #9 follow-up)
hangs on: its `DecidedRound` is everything the round decided: the round file, the engine, the
allocation core's `RoundOutcome`, the refused applications, and the files holding every
application's decision (one `eligibility.decision/1` per line, a file per chunk, before the
allocation step is added; `decided_lines` reads them back in the applications' order).

Memory stays flat in the number of applicants: applications are read lazily, decided a chunk
at a time (DuckDB plans each chunk once: its statements cost about the same for 400
applicants as for 5,000), and each chunk's decisions are written out as they are made; only what
the core needs of them (`ApplicantInput`: entitlements, not proofs) stays. Chunks are decided
side by side by worker processes (`round/workers.py`) when there are several chunks and more
than one core; each chunk's work is `decide_chunk` wherever it runs, so the files are the same
byte for byte whatever the number of workers.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from eligibility.compiler import PolicySource
from eligibility.evaluate import Engine, InterpretationError, check_interpretations, decide_many
from eligibility.facts.limits import pydatalog_budget_errors
from eligibility.facts.model import InputError
from eligibility.ir import nodes as ir
from eligibility.render.json import SCHEMA as DECISION_SCHEMA
from eligibility.render.json import decision_json
from eligibility.render.progress import Advance
from eligibility.round.applications import (
    Application,
    RefusedApplication,
    UnreadApplication,
    application_files,
    jsonl_lines,
    read_application,
    unread_applications,
)
from eligibility.round.model import ApplicantInput, RoundOutcome
from eligibility.round.roundfile import RoundFile

# applications decided together. pyDatalog decides one at a time: a chunk only bounds memory.
# DuckDB pays each program's statements once a chunk (~5 s of CPU for the five documents
# whatever its size), so its chunks are as large as memory allows (~1.2 GB at 5,000) and no
# larger than a worker's share, so that every worker gets one
PYDATALOG_CHUNK = 400
DUCKDB_CHUNK_MIN, DUCKDB_CHUNK_MAX = 400, 5_000


@dataclass(frozen=True, slots=True)
class DecidedRound:
    """Everything a round decided (see the module docstring)."""

    round_file: RoundFile
    engine: Engine
    policies: tuple[ir.Policy, ...]
    outcome: RoundOutcome
    refused: tuple[RefusedApplication, ...]
    names: tuple[tuple[str, str], ...]  # (applicant_id, name), sorted
    applicable: frozenset[tuple[str, str, str]]  # (applicant_id, policy_id, programme_id)
    applicant_switches: tuple[tuple[str, str], ...]  # the round's readings of policy switches
    applications: int
    decisions_files: tuple[Path, ...]  # a file per chunk, in the applications' order


@dataclass(frozen=True, slots=True)
class ChunkTask:
    """What deciding one chunk needs besides the policies (it crosses to a worker process)."""

    applications: tuple[UnreadApplication, ...]
    decisions_file: Path
    as_of: datetime.date
    assessment_year: int
    applicant_switches: tuple[tuple[str, str], ...]
    engine: Engine


@dataclass(frozen=True, slots=True)
class DecidedChunk:
    """One chunk decided: its decisions written to `decisions_file`, and what the round keeps."""

    decisions_file: Path
    applications: int
    applicants: tuple[ApplicantInput, ...]
    refused: tuple[RefusedApplication, ...]
    names: tuple[tuple[str, str], ...]
    applicable: frozenset[tuple[str, str, str]]


def decided_lines(decided: DecidedRound) -> Iterator[dict[str, Any]]:
    """Each application's decision document (or error document), in the applications' order."""
    for path in decided.decisions_files:
        with open(path, "rb") as handle:
            for line in handle:
                yield orjson.loads(line)


def count_applications(round_file: RoundFile) -> int:
    """How many applications the round has (for the progress bar): files, or non-empty lines."""
    where = round_file.applications
    if round_file.applications_kind == "folder":
        return len(application_files(where))
    return sum(1 for _ in jsonl_lines(where, where.parent))


def chunk_size(engine: Engine, applications: int, workers: int) -> int:
    """How many applications a chunk holds (see PYDATALOG_CHUNK)."""
    if engine == "pydatalog":
        return PYDATALOG_CHUNK
    share = math.ceil(applications / max(1, workers))
    return max(DUCKDB_CHUNK_MIN, min(DUCKDB_CHUNK_MAX, share))


def default_workers() -> int:
    """Worker processes when the command line names none: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def decide_round(
    round_file: RoundFile,
    policies: tuple[PolicySource, ...],
    engine: Engine,
    scratch: Path,
    advance: Advance,
    workers: int = 1,
) -> DecidedRound:
    """Decide every application of the round, writing each chunk's decisions to a file in the
    folder `scratch`, then allocate. Never raises for a bad application: it is refused
    (V-BATCH) and the core told. `workers` > 1: chunks decided by that many processes."""
    from eligibility.round.from_decisions import invalid_application, round_input_from_decisions

    views = tuple(source.full().policy for source in policies)
    switches = dict(round_file.interpretations)
    applicant_switches = tuple(
        sorted((name, value) for name, value in switches.items() if _declared(name, views))
    )
    size = chunk_size(engine, count_applications(round_file), workers)
    stream = unread_applications(
        round_file.applications, round_file.applications_kind, round_file.source.parent
    )
    tasks = (
        ChunkTask(
            tuple(chunk),
            scratch / f"{number:06d}.jsonl",
            round_file.as_of,
            round_file.assessment_year,
            applicant_switches,
            engine,
        )
        for number, chunk in enumerate(iter(lambda: list(islice(stream, size)), []))
    )
    applicants: list[ApplicantInput] = []
    refused: list[RefusedApplication] = []
    names: set[tuple[str, str]] = set()
    applicable: set[tuple[str, str, str]] = set()
    files: list[Path] = []
    total = 0
    for chunk in _decide_chunks(tasks, policies, views, workers, round_file.policies):
        total += chunk.applications
        applicants += chunk.applicants
        refused += chunk.refused
        names.update(chunk.names)
        applicable |= chunk.applicable
        files.append(chunk.decisions_file)
        advance(chunk.applications)
    round_input = round_input_from_decisions(
        views,
        (),
        invalid=[invalid_application(r.applicant_id, r.errors) for r in refused],
        available=dict(round_file.pools),
        switches={n: v for n, v in switches.items() if not _declared(n, views)},
    )
    round_input = dataclasses.replace(round_input, applicants=tuple(applicants))
    from eligibility.round.allocate import allocate_round

    return DecidedRound(
        round_file,
        engine,
        views,
        allocate_round(round_input),
        tuple(refused),
        tuple(sorted(names)),
        frozenset(applicable),
        applicant_switches,
        total,
        tuple(files),
    )


def _decide_chunks(
    tasks: Iterator[ChunkTask],
    policies: tuple[PolicySource, ...],
    views: tuple[ir.Policy, ...],
    workers: int,
    policy_files: tuple[Path, ...],
) -> Iterator[DecidedChunk]:
    """Each task decided, in order: here, or by worker processes (which load `policy_files`
    and check they are the texts `views` were compiled from) when there are several workers
    and more than one chunk."""
    started = list(islice(tasks, 2))  # one chunk alone is decided here
    if workers <= 1 or len(started) < 2:
        for task in itertools.chain(started, tasks):
            yield decide_chunk(task, policies, views)
        return
    from eligibility.round.workers import decide_in_workers

    expected = tuple(view.source_sha256 for view in views)
    yield from decide_in_workers(itertools.chain(started, tasks), policy_files, expected, workers)


def decide_chunk(
    task: ChunkTask, policies: tuple[PolicySource, ...], views: tuple[ir.Policy, ...]
) -> DecidedChunk:
    """One chunk: its applications read, checked, decided together and written, in order,
    refused ones where they stood (`decide_round`, in this process or in a worker)."""
    from eligibility.round.from_decisions import round_input_from_decisions
    from eligibility.round.slotted import decision_notes, notes_file, slotted_line

    checked = [
        _admissible(
            read_application(unread, task.as_of, task.assessment_year),
            task.applicant_switches,
            views,
            task.engine,
        )
        for unread in task.applications
    ]
    ready = [item for item in checked if isinstance(item, Application)]
    decisions = (  # a round reads no proposals (each costs a decision again)
        decide_many(policies, [a.facts for a in ready], task.engine, proposals=False)
        if ready
        else []
    )
    pairs = [(a.facts, d) for a, d in zip(ready, decisions, strict=True)]
    applicants = round_input_from_decisions(views, pairs).applicants
    names: set[tuple[str, str]] = set()
    applicable: set[tuple[str, str, str]] = set()
    found = iter(decisions)
    with (
        open(task.decisions_file, "wb") as out,
        open(notes_file(task.decisions_file), "wb") as notes,
    ):
        for item in checked:
            if isinstance(item, RefusedApplication):
                document = _error_document(item)
            else:
                decision = next(found)
                document = decision_json(decision) | {"source": item.source}
            line, slots = slotted_line(document)
            out.write(line)
            notes.write(decision_notes(document, slots))
            if isinstance(item, RefusedApplication):
                continue
            names.add((decision.applicant_id, decision.applicant_name))
            applicable.update(
                (decision.applicant_id, r.policy_id, r.programme)
                for r in decision.results
                if r.not_applicable is None
            )
    return DecidedChunk(
        task.decisions_file,
        len(checked),
        tuple(applicants),
        tuple(item for item in checked if isinstance(item, RefusedApplication)),
        tuple(sorted(names)),
        frozenset(applicable),
    )


def _declared(name: str, views: Sequence[ir.Policy]) -> bool:
    return any(switch.name == name for view in views for switch in view.interpretations)


def _admissible(
    item: Application | RefusedApplication,
    switches: tuple[tuple[str, str], ...],
    views: tuple[ir.Policy, ...],
    engine: Engine,
) -> Application | RefusedApplication:
    """The application with the round's switches in force, or refused: invalid, a switch no
    policy declares (V-UNKNOWN), too large for pyDatalog (V-LIMIT)."""
    if isinstance(item, RefusedApplication):
        return item
    facts = item.facts
    if switches:  # the round's reading replaces the file's: one round, one reading
        own = dict(facts.context.interpretations)
        context = dataclasses.replace(
            facts.context, interpretations=tuple(sorted((own | dict(switches)).items()))
        )
        facts = dataclasses.replace(facts, context=context)
    problems: tuple[InputError, ...] = ()
    try:
        check_interpretations(views, facts)
    except InterpretationError as error:
        path, _, message = str(error).partition(": ")
        problems = (InputError(error.code, path, message),)
    if engine == "pydatalog" and not problems:
        problems = pydatalog_budget_errors(facts)
    if problems:
        return RefusedApplication(item.source, facts.applicant_id, problems)
    return Application(item.source, facts)


def _error_document(refused: RefusedApplication) -> dict[str, Any]:
    return {
        "schema": DECISION_SCHEMA,
        "applicant_id": refused.applicant_id,
        "source": refused.source,
        "errors": [{"code": e.code, "path": e.path, "message": e.message} for e in refused.errors],
    }
