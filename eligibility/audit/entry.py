"""An audit-log entry: its canonical text (RFC 8785) and its link in the hash chain.

An entry's `content` is a JSON object canonicalized by RFC 8785 (the JSON Canonicalization
Scheme), stored as that exact text, so anyone can recompute its hash with any JCS
implementation. Its hash covers the previous entry's hash as well:

    hash = SHA-256( previous_hash as 64 ASCII hex digits ‖ content as UTF-8 )

with GENESIS (64 zeros) before the first entry. Editing, deleting, inserting or reordering an
entry therefore breaks the chain at that entry (docs/audit-log.md "How verify decides").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """The RFC 8785 text of a JSON value (rfc8785 is imported only when a log is used)."""
    import rfc8785

    return rfc8785.dumps(value).decode("utf-8")


def chain_hash(previous_hash: str, content: str) -> str:
    return hashlib.sha256(previous_hash.encode("ascii") + content.encode("utf-8")).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file kept once in the log, addressed by the SHA-256 of its bytes."""

    sha256: str
    data: bytes

    @staticmethod
    def of(data: bytes) -> StoredFile:
        return StoredFile(sha256_hex(data), data)


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry before it has a place in the chain: `body` is JSON-able plain data; the store
    adds seq, kind, time and author to it and canonicalizes the whole."""

    kind: str  # "check" or "round"
    recorded_by: str
    applicant_ids: tuple[str, ...]
    body: dict[str, Any]
    applicant_files: tuple[StoredFile, ...]
    policy_texts: tuple[StoredFile, ...]
    facts_files: tuple[StoredFile, ...] = ()  # the files the policies `uses`


@dataclass(frozen=True, slots=True)
class Entry:
    """A row of the `entries` table, as stored (nothing recomputed)."""

    seq: int
    kind: str
    recorded_at: str
    recorded_by: str
    applicant_ids: str
    content: str
    previous_hash: str
    hash: str


def content_of(new: NewEntry, seq: int, recorded_at: str) -> dict[str, Any]:
    """The JSON object an entry's canonical text is made from."""
    return {
        "seq": seq,
        "kind": new.kind,
        "recorded_at": recorded_at,
        "recorded_by": new.recorded_by,
        "applicant_ids": list(new.applicant_ids),
        **new.body,
    }
