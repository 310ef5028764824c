"""`eligibility round ROUND.yaml [--out DIR] [--engine …]`: read the round file, decide every
application, allocate, and write decisions.jsonl, round.json, allocation.csv and report.html to
DIR (docs/round-format.md). It only wires the round's stages together.

Exit codes: 0 the round was decided without errors; 1 it was decided, with round-level errors
(a quota exceeded, a pool blocked by an invalid application, an application refused): the files
are written and say which; 2 the round file is invalid (nothing decided); 3 a policy's text is
invalid; 5 an output file cannot be written; 6 (`--record`) the round could not be recorded in
the audit log: no output file is written; 71 a worker process failed (`--jobs`: killed, out of
memory, or a policy file changed while the round ran): no output file is written.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from eligibility import streams
from eligibility.diagnostics import Diagnostic
from eligibility.evaluate import Engine
from eligibility.ir import nodes as ir
from eligibility.round.roundfile import RoundFile, RoundFileError, load_round_file

if TYPE_CHECKING:
    from eligibility.round.run import DecidedRound

EXIT_DONE, EXIT_ROUND_ERRORS, EXIT_BAD_ROUND_FILE = 0, 1, 2
EXIT_WORKER = 71  # EX_OSERR: a process the round started failed
SCRATCH = ".decisions.partial"  # a folder: each chunk's decisions, until decisions.jsonl


def round_command(
    round_path: Path,
    out: Path | None,
    engine: Literal["pydatalog", "duckdb", "auto"],
    record: Path | None = None,
    by: str | None = None,
    jobs: int | None = None,
) -> int:
    from eligibility.compiler import load_policy_lazily
    from eligibility.facts import vocabulary
    from eligibility.render.progress import progress_bar
    from eligibility.round.run import count_applications, decide_round, default_workers
    from eligibility.round.workers import WorkerError

    try:
        round_file = load_round_file(round_path)
        policies = tuple(load_policy_lazily(path) for path in round_file.policies)
        _check_against_policies(round_file, tuple(p.full().policy for p in policies))
    except RoundFileError as error:
        print(error.render(), file=sys.stderr)
        return EXIT_BAD_ROUND_FILE
    chosen: Engine = "duckdb" if engine == "auto" else engine  # a round is many applicants
    folder = out if out is not None else Path(f"round-{round_file.batch_id}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"error: cannot create the output folder {folder}: {error.strerror}", file=sys.stderr)
        return streams.EXIT_OUTPUT
    scratch = folder / SCRATCH
    workers = jobs if jobs is not None else default_workers()
    try:
        shutil.rmtree(scratch, ignore_errors=True)  # an earlier round's, killed
        scratch.mkdir()
        own = (p.gates().policy.vocabulary for p in policies)
        with (
            vocabulary.using(vocabulary.for_policies(own)),
            progress_bar("决定申请 deciding", count_applications(round_file)) as advance,
        ):
            decided = decide_round(round_file, policies, chosen, scratch, advance, workers)
        if record is not None:  # recorded before any output file: files written were recorded
            from eligibility.round.record import record_decided_round

            record_decided_round(record, decided, engine, by)
        _write(decided, folder)
    except WorkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_WORKER
    except OSError as error:
        print(f"error: cannot write to {folder}: {error.strerror or error}", file=sys.stderr)
        return streams.EXIT_OUTPUT
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    outcome = decided.outcome
    errors = sum(1 for issue in outcome.issues if issue.severity == "error")
    warnings = len(outcome.issues) - errors
    print(
        f"round {round_file.batch_id}: {decided.applications} application(s), "
        f"{len(decided.refused)} invalid; {len(outcome.pools)} pool(s); "
        f"{errors} error(s), {warnings} warning(s) → {folder}/"
    )
    failed = outcome.has_errors or bool(decided.refused)
    return EXIT_ROUND_ERRORS if failed else EXIT_DONE


def _write(decided: DecidedRound, folder: Path) -> None:
    """round.json and allocation.csv from the outcome; then one pass over the chunks'
    decisions writes decisions.jsonl and the report's rows side by side."""
    from eligibility.round import report
    from eligibility.round.chunk_outputs import write_chunk_outputs
    from eligibility.round.outputs import (
        round_errors_by_applicant,
        write_allocation_csv,
        write_round_json,
    )

    write_round_json(decided, folder)
    write_allocation_csv(decided, folder)
    allocations = {
        (a.applicant_id, a.policy_id, a.programme_id): a for a in decided.outcome.allocations
    }
    flagged = round_errors_by_applicant(decided)
    with (
        open(folder / "decisions.jsonl", "wb") as lines,
        open(folder / "report.html", "w", encoding="utf-8") as page,
    ):
        report.begin(page, decided)
        for path in decided.decisions_files:
            write_chunk_outputs(
                path, allocations, flagged, decided.round_file.batch_id, lines, page
            )
        report.end(page)


def _check_against_policies(round_file: RoundFile, policies: tuple[ir.Policy, ...]) -> None:
    """Pool ids and switch readings the round file names must exist in the round's policies
    (or be round switches): a misspelt one would otherwise be silently ignored."""
    import difflib

    from eligibility.round.from_decisions import pool_specs
    from eligibility.round.model import ROUND_SWITCHES

    problems: list[Diagnostic] = []
    pools = {spec.pool_id for policy in policies for spec in pool_specs(policy)}
    for pool_id, _ in round_file.pools:
        if pool_id not in pools:
            near = difflib.get_close_matches(pool_id, sorted(pools), n=1)
            problems.append(
                Diagnostic(
                    "E0807",
                    f"pools.{pool_id}: no policy of the round declares this pool",
                    round_file.span(("pools", pool_id, "<key>")),
                    "unknown pool",
                    help=f"did you mean {near[0]}?"
                    if near
                    else f"pools of this round: {', '.join(sorted(pools)) or 'none'}",
                )
            )
    readings = {s.name: s.values for policy in policies for s in policy.interpretations}
    readings |= ROUND_SWITCHES
    for name, value in round_file.interpretations:
        if name not in readings:
            near = difflib.get_close_matches(name, sorted(readings), n=1)
            problems.append(
                Diagnostic(
                    "E0807",
                    f"interpretations.{name}: neither a policy of the round nor the round "
                    "declares this switch",
                    round_file.span(("interpretations", name, "<key>")),
                    "unknown switch",
                    help=f"did you mean {near[0]}?" if near else "",
                )
            )
        elif value not in readings[name]:
            problems.append(
                Diagnostic(
                    "E0807",
                    f"interpretations.{name}: {value!r} is not a reading of {name}",
                    round_file.span(("interpretations", name)),
                    "unknown reading",
                    help=f"allowed: {', '.join(readings[name])}",
                )
            )
    if problems:
        raise RoundFileError(tuple(problems), round_file.source.read_text(encoding="utf-8-sig"))
