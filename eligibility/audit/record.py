"""What an entry holds: `record_check` (for `check --record`) and `record_round` (for a funding
round, one transaction for the whole round).

Both store the same core, so that replay treats them alike: the applicant files' bytes, the
policy texts applied and the facts files they `uses` (each stored once, by SHA-256: replay
compiles against these copies, never the files on disk), the as-of context and engine, the switch
values, each decision's JSON with its full proof, and the versions. A check also keeps what
`check` printed in each format, for `audit show`; a round keeps its inputs and its outcome.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eligibility.audit import store
from eligibility.audit.entry import Entry, NewEntry, StoredFile, sha256_hex
from eligibility.audit.errors import NotRecordedError

if TYPE_CHECKING:
    import datetime

    from eligibility.decision.proof import Decision
    from eligibility.facts.vocabulary import Declarations
    from eligibility.render.wording import Lang


@dataclass(frozen=True, slots=True)
class AppliedPolicy:
    """A policy file as it was read for a decision: how decisions name it, its bytes, and the
    facts files it `uses` (the name its `uses` line gives, their bytes)."""

    identity: str
    data: bytes
    facts: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    """How the decisions were asked for: the command line's overrides (None when the applicant
    file decided) and the engine requested and used."""

    as_of: datetime.date | None
    assessment_year: int | None
    engine_requested: str
    engine: str
    lang: str = "zh"  # of the explanation and of the JSON's labels (`check --lang`)


@dataclass(frozen=True, slots=True)
class Printed:
    """What `check` prints for a decision, in each of its forms (plain text, no colour)."""

    summary: str
    explanation: str
    json: str


def default_author() -> str:
    """`--by` when not given: the OS user, else the numeric user id."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def read_policies(
    paths: Sequence[Path], decided: Sequence[Declarations] | None = None
) -> tuple[AppliedPolicy, ...]:
    """Each policy file's bytes and its facts files', read again to be stored (OSError when one
    cannot be). `decided`, each policy's own vocabulary as it was applied (`Policy.vocabulary`):
    a policy whose stored facts files declare another was given a facts file edited while it
    was applied, and nothing is recorded (NotRecordedError)."""
    from eligibility.compiler import read_facts_files
    from eligibility.resources import policy_identity

    applied = []
    for path in paths:
        identity, data = policy_identity(path), path.read_bytes()
        applied.append(AppliedPolicy(identity, data, read_facts_files(data, identity)))
    for policy, vocabulary in zip(applied, decided or (), strict=False):
        _check_facts(policy, vocabulary)
    return tuple(applied)


def _check_facts(policy: AppliedPolicy, decided: Declarations) -> None:
    """The stored copies must declare the vocabulary that decided: compiled from them (from the
    compile cache when they are the bytes the check read, as they are unless edited since)."""
    if not policy.facts:
        return
    from eligibility.compiler import load_policy_bytes
    from eligibility.diagnostics import DiagnosticError

    try:
        stored = load_policy_bytes(policy.data, policy.identity, dict(policy.facts))
        same = stored.policy.vocabulary == decided
    except DiagnosticError:
        same = False
    if not same:
        names = ", ".join(name for name, _ in policy.facts)
        raise NotRecordedError(
            f"error: a facts file of the policy {policy.identity} ({names}) changed while it "
            "was applied; nothing recorded"
        )


def printed(decision: Decision, lang: Lang = "zh") -> Printed:
    """Exactly what `check --lang LANG` writes to a file or pipe: `print(dumps(...))` adds the
    newline, and the explanation is drawn at the fixed width."""
    from eligibility.render import text
    from eligibility.render.json import decision_json, dumps

    return Printed(
        text.plain(text.summary_lines(decision, lang)),
        text.plain_blocks(text.explain_blocks(decision, lang)),
        dumps(decision_json(decision, lang)) + "\n",
    )


def record_check(
    log: Path,
    applicant: bytes,
    applicant_file: str,
    decision: Decision,
    policies: Sequence[AppliedPolicy],
    context: Context,
    by: str | None = None,
) -> Entry:
    """Append one check to `log` (created when absent) and return the durable entry."""
    from eligibility.render.json import decision_json

    lang = cast("Lang", context.lang)
    shown = printed(decision, lang)
    body = _core([(applicant_file, applicant)], [decision_json(decision, lang)], policies, context)
    body["printed"] = {
        "summary": shown.summary,
        "explanation": shown.explanation,
        "json": shown.json,
    }
    return write(log, _new("check", by, [decision.applicant_id], body, [applicant], policies))


def record_round(
    log: Path,
    inputs: Any,
    applicants: Sequence[tuple[str, bytes]],
    decisions: Sequence[dict[str, Any]],
    outcome: Any,
    policies: Sequence[AppliedPolicy],
    context: Context,
    by: str | None = None,
) -> Entry:
    """Append a whole funding round as one entry, in one transaction: `inputs` (the round's
    parameters, JSON-able), each applicant file (name, bytes), the decision JSON of each
    applicant in the same order (`render.json.decision_json`), and the round's `outcome`
    (JSON-able: allocations, ranking, pro-rating)."""
    if len(applicants) != len(decisions):
        raise ValueError("record_round: one decision per applicant file, in the same order")
    body = _core(applicants, list(decisions), policies, context)
    body["round"] = {"inputs": inputs, "outcome": outcome}
    ids = [str(d["applicant_id"]) for d in decisions]
    applicant_files = [data for _, data in applicants]
    return write(log, _new("round", by, ids, body, applicant_files, policies))


def _core(
    applicants: Sequence[tuple[str, bytes]],
    decisions: list[dict[str, Any]],
    policies: Sequence[AppliedPolicy],
    context: Context,
) -> dict[str, Any]:
    _check_provenance(applicants, decisions, policies)
    return {
        "applicants": [{"file": name, "sha256": sha256_hex(data)} for name, data in applicants],
        "policies": [_named_policy(p) for p in policies],
        "context": {
            "as_of_option": context.as_of.isoformat() if context.as_of else None,
            "assessment_year_option": context.assessment_year,
            "engine_requested": context.engine_requested,
            "engine": context.engine,
            "lang": context.lang,
        },
        "decisions": decisions,
    }


def _named_policy(policy: AppliedPolicy) -> dict[str, Any]:
    """How an entry names a policy text, and the facts files it uses when it uses any (so an
    entry of a policy without any is as it was before facts files were stored)."""
    named: dict[str, Any] = {"file": policy.identity, "sha256": sha256_hex(policy.data)}
    if policy.facts:
        named["uses"] = [{"file": name, "sha256": sha256_hex(data)} for name, data in policy.facts]
    return named


def _check_provenance(
    applicants: Sequence[tuple[str, bytes]],
    decisions: list[dict[str, Any]],
    policies: Sequence[AppliedPolicy],
) -> None:
    """Refuse to record inputs other than the ones decided (a file edited while it was being
    checked): the entry would claim a decision its stored inputs do not give."""
    from eligibility.syntax.source import decode_policy

    texts = {p.identity: sha256_hex(decode_policy(p.data, p.identity).encode()) for p in policies}
    for (name, data), decision in zip(applicants, decisions, strict=True):
        provenance = decision["provenance"]
        if provenance["applicant_sha256"] != sha256_hex(data):
            raise NotRecordedError(
                f"error: {name} is not the file its decision was made from (changed while it "
                "was checked?); nothing recorded"
            )
        for document in provenance["policies"]:
            if texts.get(document["file"]) != document["sha256"]:
                raise NotRecordedError(
                    f"error: the policy {document['file']} changed while it was applied "
                    "(or was not among the files read); nothing recorded"
                )


def _new(
    kind: str,
    by: str | None,
    applicant_ids: list[str],
    body: dict[str, Any],
    applicant_files: list[bytes],
    policies: Sequence[AppliedPolicy],
) -> NewEntry:
    return NewEntry(
        kind,
        by if by is not None else default_author(),
        tuple(applicant_ids),
        body,
        tuple(StoredFile.of(data) for data in applicant_files),
        tuple(StoredFile.of(p.data) for p in policies),
        tuple(StoredFile.of(data) for p in policies for _, data in p.facts),
    )


def write(log: Path, new: NewEntry) -> Entry:
    """Open (or create) the log, append `new` in one transaction, close; the returned entry is
    durable. Every recording goes through here (the crash and concurrency tests too)."""
    connection = store.open_for_writing(log)
    try:
        return store.append(connection, log, new)
    finally:
        connection.close()
