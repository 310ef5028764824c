"""`audit verify`: recompute every hash of the log and report where the chain breaks.

Each entry must: follow the previous one in seq (no gap: none deleted), hold canonical JSON
that says its own seq (not moved), give its hash from its previous_hash and content (not
edited), name the previous entry's hash (nothing inserted, deleted or reordered before it),
agree with its plain columns, and find the applicant files, policy texts and facts files it
names, whose
bytes must still give the SHA-256 they are stored under. A checkpoint (`checkpoint.py`) then
catches what a chain alone cannot: a dropped tail, or a chain recomputed from some entry on.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from eligibility.audit import store
from eligibility.audit.entry import GENESIS, Entry, canonical, chain_hash, sha256_hex
from eligibility.audit.shape import ShapeError, read_content


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, at the entry it was found (None: the log as a whole)."""

    seq: int | None
    kind: str  # edited, deleted, inserted or reordered, file changed, file missing, truncated
    message: str


@dataclass(frozen=True, slots=True)
class Verdict:
    entries: int
    head: str  # the last entry's stored hash (GENESIS for an empty log)
    hashes: tuple[str, ...]  # every entry's stored hash, in seq order (for a checkpoint)
    problems: tuple[Problem, ...]


def verify(connection: sqlite3.Connection) -> Verdict:
    problems: list[Problem] = []
    hashes: list[str] = []
    earlier: dict[str, int] = {GENESIS: 0}
    previous_hash, expected_seq = GENESIS, 1
    uses: dict[tuple[str, str], list[int]] = {}  # (table, sha256) -> entries naming it
    for row in store.entries(connection):
        if row.seq != expected_seq:
            gap = (
                f"entry {expected_seq} is"
                if row.seq - 1 == expected_seq
                else (f"entries {expected_seq}–{row.seq - 1} are")
            )
            problems.append(Problem(row.seq, "deleted", f"{gap} missing: deleted"))
        content = _content(row, problems)
        _check_link(row, previous_hash, earlier, problems)
        if content is not None:
            _check_columns(row, content, problems)
            for table, named in _named_files(content):
                uses.setdefault((table, named["sha256"]), []).append(row.seq)
        earlier.setdefault(row.hash, row.seq)
        hashes.append(row.hash)
        previous_hash, expected_seq = row.hash, row.seq + 1
    problems += _file_problems(connection, uses)
    problems.sort(key=lambda p: p.seq if p.seq is not None else 0)
    return Verdict(len(hashes), previous_hash, tuple(hashes), tuple(problems))


def _named_files(content: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(table, {"file", "sha256"}) of every stored file an entry names."""
    named = [("applicant_files", a) for a in content["applicants"]]
    named += [("policy_texts", p) for p in content["policies"]]
    named += [("facts_files", f) for p in content["policies"] for f in p.get("uses", ())]
    return named


_WHAT = {
    "applicant_files": "applicant file",
    "policy_texts": "policy text",
    "facts_files": "facts file",
}


def _content(row: Entry, problems: list[Problem]) -> dict[str, Any] | None:
    if chain_hash(row.previous_hash, row.content) != row.hash:
        problems.append(
            Problem(
                row.seq,
                "edited",
                f"entry {row.seq} was edited: its content no longer gives its stored hash",
            )
        )
    try:
        content = read_content(row.content)
    except ShapeError as error:
        problems.append(Problem(row.seq, "edited", f"entry {row.seq}: {error}"))
        return None
    if canonical(content) != row.content:
        problems.append(
            Problem(
                row.seq,
                "edited",
                f"entry {row.seq}: content is not canonical JSON (RFC 8785): edited by hand",
            )
        )
    if content["seq"] != row.seq:
        problems.append(
            Problem(
                row.seq,
                "reordered",
                f"entry {row.seq} holds the content recorded as "
                f"entry {content['seq']}: entries were moved, swapped or renumbered",
            )
        )
    return content


def _check_link(
    row: Entry, previous_hash: str, earlier: dict[str, int], problems: list[Problem]
) -> None:
    if row.previous_hash == previous_hash:
        return
    if row.previous_hash in earlier:
        follows = earlier[row.previous_hash]
        why = f"it was recorded after entry {follows}" if follows else "it was recorded first"
    else:
        edited = f"entry {row.seq - 1} was edited and re-hashed, or " if row.seq > 1 else ""
        why = f"it names a hash no entry has: {edited}the entry it followed was removed"
    problems.append(
        Problem(
            row.seq,
            "inserted or reordered",
            f"entry {row.seq} does not follow the entry "
            f"before it ({why}): an entry was inserted, deleted or reordered",
        )
    )


def _check_columns(row: Entry, content: dict[str, Any], problems: list[Problem]) -> None:
    columns = {
        "kind": row.kind,
        "recorded_at": row.recorded_at,
        "recorded_by": row.recorded_by,
        "applicant_ids": row.applicant_ids,
    }
    said = dict(content, applicant_ids=", ".join(content["applicant_ids"]))
    for name, value in columns.items():
        if said.get(name) != value:
            problems.append(
                Problem(
                    row.seq,
                    "edited",
                    f"entry {row.seq}: column {name} says {value!r}, "
                    f"its content {said.get(name)!r}",
                )
            )


def _file_problems(
    connection: sqlite3.Connection, uses: dict[tuple[str, str], list[int]]
) -> list[Problem]:
    problems = []
    present: set[tuple[str, str]] = set()
    for table, what in _WHAT.items():
        for sha256, data in store.stored_files(connection, table):
            present.add((table, sha256))
            if sha256_hex(data) != sha256:
                users = uses.get((table, sha256), [])
                problems.append(
                    Problem(
                        min(users, default=None),
                        "file changed",
                        f"the stored {what} "
                        f"{sha256[:12]}… was changed: its bytes now hash to "
                        f"{sha256_hex(data)[:12]}… (applied by entries {_list(users)})",
                    )
                )
    for (table, sha256), users in uses.items():
        if (table, sha256) not in present:
            what = _WHAT[table]
            problems.append(
                Problem(
                    min(users),
                    "file missing",
                    f"the {what} {sha256[:12]}… named by "
                    f"entries {_list(users)} is missing from the log",
                )
            )
    return problems


def _list(seqs: list[int]) -> str:
    return ", ".join(map(str, seqs)) if seqs else "none"


def _count(entries: int) -> str:
    return "1 entry" if entries == 1 else f"{entries} entries"


def report_lines(verdict: Verdict) -> list[str]:
    if not verdict.problems:
        return [f"ok: {_count(verdict.entries)}, one unbroken chain; head {verdict.head}"]
    first = verdict.problems[0]
    where = f"entry {first.seq}" if first.seq is not None else "the log"
    lines = [
        f"FAILED: the first problem is at {where} ({first.kind}); {len(verdict.problems)} "
        f"problem(s) in {_count(verdict.entries)}:"
    ]
    lines += [f"  {p.message}" for p in verdict.problems]
    return lines
