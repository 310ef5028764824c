"""`audit replay`: decide each entry again from its stored applicant files, policy texts and
the facts files those use (never the files on disk), and compare with the stored decisions.
An entry recorded before the log stored facts files (log format 1) names none: its policies'
`uses` files are read from disk then, and the report says so.

Versions are compared apart from the decision: a new checker version that decides the same is
"identical" (the changed versions are named). When a decision differs, the report names the
first differing field and the likely reason: a policy text replaced with `--policy` (asking
"what would this decision be under the amended text?"), or the checker, grammar, engine or
Python version that changed since the entry was recorded. If none changed, the checker's code
changed without a version bump (the package version is a constant: docs/architecture.md).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from eligibility.audit import store
from eligibility.audit.entry import Entry, sha256_hex
from eligibility.audit.errors import LogInputError
from eligibility.audit.shape import ShapeError, read_content

if TYPE_CHECKING:
    from eligibility.decision.proof import Decision
    from eligibility.facts.model import ApplicantFacts
    from eligibility.render.wording import Lang


class _NotReplayable(Exception):
    """A stored input this checker can no longer use; str() says which and why."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """A policy text to apply instead of the stored one with the same policy_id."""

    policy_id: str
    identity: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Replayed:
    seq: int
    identical: bool
    difference: str  # the first differing field, "" when identical or not replayed
    reasons: tuple[str, ...]  # what changed since the entry was recorded
    not_replayed: str = ""  # why the entry could not be decided again, "" when it was


def replay(
    connection: sqlite3.Connection,
    seqs: Sequence[int],
    replacements: Sequence[Replacement] = (),
    engine: str | None = None,
) -> list[Replayed]:
    """Each entry named (all when none is), in seq order."""
    chosen = _entries(connection, seqs)
    compiled: dict[tuple[str, ...], Any] = {}  # one compilation per text for the whole replay
    return [_replay(connection, e, replacements, engine, compiled) for e in chosen]


def _entries(connection: sqlite3.Connection, seqs: Sequence[int]) -> list[Entry]:
    if not seqs:
        return list(store.entries(connection))
    found = []
    for seq in seqs:
        entry = store.entry_at(connection, seq)
        if entry is None:
            raise LogInputError(f"error: the log has no entry {seq}")
        found.append(entry)
    return found


def _replay(
    connection: sqlite3.Connection,
    entry: Entry,
    replacements: Sequence[Replacement],
    engine: str | None,
    compiled: dict[tuple[str, ...], Any],
) -> Replayed:
    from eligibility.diagnostics import DiagnosticError

    try:
        content = read_content(entry.content)
    except ShapeError as error:
        return Replayed(entry.seq, False, "", (), f"the entry cannot be read: {error} (run verify)")
    stored = content["decisions"]
    reasons = _policy_reasons(stored, replacements)
    used_engine = engine or content["context"]["engine"]
    try:
        policies, from_disk = _policies(connection, content, replacements, compiled)
        reasons += from_disk
        with using_own_facts(policies):  # applicants are read against the policies' facts
            decided = _decide(connection, content, policies, used_engine)
    except DiagnosticError as error:
        why = f"a policy text no longer compiles: {str(error).splitlines()[0]}"
        return Replayed(entry.seq, False, "", (*reasons, *_version_reasons(stored, None)), why)
    except _NotReplayable as error:
        return Replayed(entry.seq, False, "", tuple(reasons), str(error))
    reasons += _version_reasons(stored, decided[0]["provenance"]["versions"] if decided else None)
    difference = _first_difference(
        [_without_versions(d) for d in stored], [_without_versions(d) for d in decided], "$"
    )
    return Replayed(entry.seq, difference is None, difference or "", tuple(reasons))


def _policies(
    connection: sqlite3.Connection,
    content: dict[str, Any],
    replacements: Sequence[Replacement],
    compiled: dict[tuple[str, ...], Any],
) -> tuple[tuple[Any, ...], list[str]]:
    """The compiled policies of the entry (or their replacements), and a note for each whose
    facts files had to be read from disk (an entry from before they were stored)."""
    from eligibility.compiler import load_policy_bytes

    ids = {
        p["file"]: p["policy_id"] for d in content["decisions"] for p in d["provenance"]["policies"]
    }
    chosen = {r.policy_id: r for r in replacements}
    out, notes = [], []
    for named in content["policies"]:
        identity, sha256 = named["file"], named["sha256"]
        replacement = chosen.get(ids.get(identity, ""))
        facts: dict[str, bytes] | None = None  # a replacement's are beside it on disk
        if replacement is not None:
            data, sha256 = replacement.data, sha256_hex(replacement.data)
        else:
            data = _stored(connection, "policy_texts", sha256)
            facts, note = _facts_files(connection, named, data)
            notes += note
        key = (identity, sha256, *sorted(f["sha256"] for f in named.get("uses", ())))
        if key not in compiled:
            compiled[key] = load_policy_bytes(data, identity, facts)
        out.append(compiled[key])
    return tuple(out), notes


def _facts_files(
    connection: sqlite3.Connection, named: dict[str, Any], data: bytes
) -> tuple[dict[str, bytes] | None, list[str]]:
    """The stored facts files a recorded policy uses (name → bytes); None, with a note, for an
    entry recorded before they were stored whose policy text uses some."""
    from eligibility.compiler import uses_names
    from eligibility.syntax.source import decode_policy

    if "uses" in named:
        stored = {f["file"]: _stored(connection, "facts_files", f["sha256"]) for f in named["uses"]}
        return stored, []
    names = uses_names(decode_policy(data, named["file"]))
    if not names:
        return {}, []
    return None, [
        f"facts files read from disk (the entry predates their storage): {', '.join(names)}"
    ]


def using_own_facts(policies: tuple[Any, ...]) -> contextlib.AbstractContextManager[Any]:
    """The vocabulary the entry's applicants were read against (and its output worded in): the
    shipped one with the facts the policies declare, as `check` and `round` use it."""
    from eligibility.facts import vocabulary

    return vocabulary.using(vocabulary.for_policies(p.policy.vocabulary for p in policies))


def _decide(
    connection: sqlite3.Connection, content: dict[str, Any], policies: tuple[Any, ...], engine: str
) -> list[dict[str, Any]]:
    from eligibility.render.json import decision_json

    decisions, _, lang = _decide_again(connection, content, policies, engine)
    return [decision_json(d, lang) for d in decisions]


def _decide_again(
    connection: sqlite3.Connection, content: dict[str, Any], policies: tuple[Any, ...], engine: str
) -> tuple[list[Decision], list[ApplicantFacts], Lang]:
    """The entry's applicants decided again, with the language its output was recorded in."""
    from eligibility.evaluate import Engine, InterpretationError, decide_many
    from eligibility.facts.model import InputError
    from eligibility.facts.validate import parse_json, validate_document

    context = content["context"]
    if engine not in ("pydatalog", "duckdb"):
        raise _NotReplayable(f"the entry names no engine this checker has ({engine!r})")
    as_of = _date(context["as_of_option"])
    applicants = []
    for named in content["applicants"]:
        data = _stored(connection, "applicant_files", named["sha256"])
        doc = parse_json(data)
        year = context["assessment_year_option"]
        result: ApplicantFacts | tuple[InputError, ...] = (
            (doc,)
            if isinstance(doc, InputError)
            else validate_document(
                doc,
                sha256_hex(data),
                as_of=as_of,
                assessment_year=year,
            )
        )
        if isinstance(result, tuple):  # recorded, so it was valid: the validator changed
            raise _NotReplayable(
                f"the stored applicant file {named['file']} is now refused: "
                f"{result[0].path}: {result[0].message}"
            )
        applicants.append(result)
    try:
        decisions = decide_many(
            policies, applicants, cast(Engine, engine), proposals=_proposed(content)
        )
    except InterpretationError as error:  # a --policy replacement without the file's switch
        raise _NotReplayable(f"the applicant file does not fit the policy texts: {error}") from None
    lang = cast("Lang", context.get("lang", "zh"))  # entries before `--lang` were English
    return list(decisions), applicants, lang


def _proposed(content: dict[str, Any]) -> bool:
    """Whether the entry's run computed what would change each outcome: `check` does, a
    round does not (a round recorded before this rule computed them too: its stored proposals say so)."""
    return content["kind"] == "check" or any(
        r.get("would_change") or r.get("to_cap")
        for d in content["decisions"]
        for r in d.get("results", ())
    )


def recorded_decision(
    connection: sqlite3.Connection, seq: int
) -> tuple[Decision, ApplicantFacts, Lang, tuple[Any, ...]]:
    """A `check` entry's decision as an object (for `audit show --report`): decided again from
    the stored inputs, with the stored versions, and used only when its JSON is the stored
    JSON, byte for byte in meaning; otherwise LogInputError (`audit replay` says why). Also
    the compiled policies, for `using_own_facts` while the report is written."""
    import dataclasses

    from eligibility.audit.browse import stored_content
    from eligibility.diagnostics import DiagnosticError
    from eligibility.render.json import decision_json

    content = stored_content(connection, seq)
    if content["kind"] != "check":
        raise LogInputError(f"error: entry {seq} is a {content['kind']}: a report is of a check")
    try:
        policies, _ = _policies(connection, content, (), {})
        with using_own_facts(policies):
            decisions, applicants, lang = _decide_again(
                connection, content, policies, content["context"]["engine"]
            )
    except (DiagnosticError, _NotReplayable) as error:
        raise LogInputError(f"error: entry {seq} cannot be decided again: {error}") from None
    stored = content["decisions"][0]
    recorded = stored["provenance"]["versions"]  # the log keeps keys sorted: check's order
    order = [name for name, _ in decisions[0].versions if name in recorded]
    order += sorted(set(recorded) - set(order))
    decision = dataclasses.replace(
        decisions[0], versions=tuple((name, recorded[name]) for name in order)
    )
    with using_own_facts(policies):
        same = decision_json(decision, lang) == stored
    if not same:
        raise LogInputError(
            f"error: entry {seq} is decided differently now (audit replay {seq} says how): "
            "no report of a decision that is not the recorded one"
        )
    return decision, applicants[0], lang, policies


def _date(text: str | None) -> datetime.date | None:
    try:
        return None if text is None else datetime.date.fromisoformat(text)
    except ValueError:
        raise _NotReplayable(f"the stored --as-of {text!r} is not a date") from None


def _stored(connection: sqlite3.Connection, table: str, sha256: str) -> bytes:
    data = store.stored_file(connection, table, sha256)
    if data is None or sha256_hex(data) != sha256:
        raise _NotReplayable(f"the stored file {sha256[:12]}… is missing or changed (run verify)")
    return data


def _without_versions(decision: dict[str, Any]) -> dict[str, Any]:
    provenance = {k: v for k, v in decision["provenance"].items() if k != "versions"}
    return dict(decision, provenance=provenance)


def _policy_reasons(stored: list[dict[str, Any]], replacements: Sequence[Replacement]) -> list[str]:
    from eligibility.syntax.source import decode_policy

    texts = {p["policy_id"]: p for d in stored for p in d["provenance"]["policies"]}
    reasons = []
    for r in replacements:
        old = texts.get(r.policy_id)
        new_sha = sha256_hex(decode_policy(r.data, r.identity).encode())
        if old is not None and old["sha256"] != new_sha:
            reasons.append(
                f"policy text: {old['document']} replaced by {r.identity} "
                f"(sha256 {old['sha256'][:12]}… → {new_sha[:12]}…)"
            )
    return reasons


_VERSION_NAMES = {
    "eligibility": "checker version",
    "grammar_sha256": "checker version (grammar)",
    "engine": "engine",
    "python": "Python version",
}


def _version_reasons(stored: list[dict[str, Any]], now: dict[str, str] | None) -> list[str]:
    """The versions that changed since recording; with no new decision (a policy text no longer
    compiles), the checker's own version and grammar only."""
    if not stored:
        return []
    before: dict[str, str] = stored[0]["provenance"]["versions"]
    if now is None:
        from eligibility import __version__
        from eligibility.compiler import grammar_sha256

        now = {"eligibility": __version__, "grammar_sha256": grammar_sha256()}
        before = {key: value for key, value in before.items() if key in now}
    return [
        f"{_VERSION_NAMES.get(key, key)}: {before.get(key)} → {now.get(key)}"
        for key in sorted(set(before) | set(now))
        if before.get(key) != now.get(key)
    ]


def _first_difference(old: Any, new: Any, path: str) -> str | None:
    """The JSON path of the first place where `old` and `new` differ, with both values."""
    if isinstance(old, dict) and isinstance(new, dict):
        # the fresh decision's key order (results before provenance): the stored one is sorted
        for key in list(new) + [k for k in old if k not in new]:
            if key not in old or key not in new:
                return f"{path}.{key}: {_short(old.get(key))} → {_short(new.get(key))}"
            found = _first_difference(old[key], new[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(old, list) and isinstance(new, list):
        for index, (a, b) in enumerate(zip(old, new, strict=False)):
            found = _first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        if len(old) != len(new):
            return f"{path}: {len(old)} items → {len(new)}"
        return None
    return None if old == new else f"{path}: {_short(old)} → {_short(new)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def report_lines(results: Iterable[Replayed]) -> list[str]:
    lines = []
    for r in results:
        if r.identical:
            changed = f" (decided alike despite: {'; '.join(r.reasons)})" if r.reasons else ""
            lines.append(f"entry {r.seq}: identical{changed}")
            continue
        if r.not_replayed:
            lines.append(f"entry {r.seq}: not replayed: {r.not_replayed}")
            lines += [f"  changed since: {'; '.join(r.reasons)}"] if r.reasons else []
            continue
        lines.append(f"entry {r.seq}: differs at {r.difference}")
        why = "; ".join(r.reasons) or (
            "no recorded version changed: the checker's code changed without a version bump"
        )
        lines.append(f"  reason: {why}")
    return lines
