"""Deciding a round: every application, in chunks, then the allocation core.

`decide_round` is the seam a recording of the round (`round --record`, issue #9 follow-up)
hangs on: its `DecidedRound` is everything the round decided: the round file, the engine, the
allocation core's `RoundOutcome`, the refused applications, and the file holding every
application's decision (one `eligibility.decision/1` per line, before the allocation step is
added; `decided_lines` reads it back).

Memory stays flat in the number of applicants: applications are read lazily, decided
`CHUNK` at a time (DuckDB plans each chunk once), and each decision is written out as soon as
it is made; only what the core needs of it (`ApplicantInput`: entitlements, not proofs) stays.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

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
    application_files,
    jsonl_lines,
    read_applications,
)
from eligibility.round.model import ApplicantInput, RoundOutcome
from eligibility.round.roundfile import RoundFile

CHUNK = 400  # applications decided together: DuckDB's plan is shared, memory stays bounded


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
    decisions_file: Path


def decided_lines(decided: DecidedRound) -> Iterator[dict[str, Any]]:
    """Each application's decision document (or error document), in the applications' order."""
    with open(decided.decisions_file, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def count_applications(round_file: RoundFile) -> int:
    """How many applications the round has (for the progress bar): files, or non-empty lines."""
    where = round_file.applications
    if round_file.applications_kind == "folder":
        return len(application_files(where))
    return sum(1 for _ in jsonl_lines(where, where.parent))


def decide_round(
    round_file: RoundFile,
    policies: tuple[PolicySource, ...],
    engine: Engine,
    decisions_file: Path,
    advance: Advance,
) -> DecidedRound:
    """Decide every application of the round, writing each decision to `decisions_file`, then
    allocate. Never raises for a bad application: it is refused (V-BATCH) and the core told."""
    from eligibility.round.from_decisions import invalid_application, round_input_from_decisions

    views = tuple(source.full().policy for source in policies)
    switches = dict(round_file.interpretations)
    applicant_switches = tuple(
        sorted((name, value) for name, value in switches.items() if _declared(name, views))
    )
    applicants: list[ApplicantInput] = []
    refused: list[RefusedApplication] = []
    names: list[tuple[str, str]] = []
    applicable: set[tuple[str, str, str]] = set()
    total = 0
    stream = read_applications(
        round_file.applications,
        round_file.applications_kind,
        round_file.as_of,
        round_file.assessment_year,
        round_file.source.parent,
    )
    with open(decisions_file, "w", encoding="utf-8") as out:
        while chunk := list(islice(stream, CHUNK)):
            total += len(chunk)
            checked = [_admissible(item, applicant_switches, views, engine) for item in chunk]
            ready = [item for item in checked if isinstance(item, Application)]
            decisions = (  # a round reads no proposals (each costs a decision again)
                decide_many(policies, [a.facts for a in ready], engine, proposals=False)
                if ready
                else []
            )
            pairs = [(a.facts, d) for a, d in zip(ready, decisions, strict=True)]
            applicants += round_input_from_decisions(views, pairs).applicants
            found = iter(decisions)
            for item in checked:  # in the applications' order, refused ones where they stood
                if isinstance(item, RefusedApplication):
                    refused.append(item)
                    out.write(_line(_error_document(item)))
                    continue
                decision = next(found)
                out.write(_line(decision_json(decision) | {"source": item.source}))
                names.append((decision.applicant_id, decision.applicant_name))
                applicable.update(
                    (decision.applicant_id, r.policy_id, r.programme)
                    for r in decision.results
                    if r.not_applicable is None
                )
            advance(len(chunk))
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
        tuple(sorted(set(names))),
        frozenset(applicable),
        applicant_switches,
        total,
        decisions_file,
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


def _line(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
