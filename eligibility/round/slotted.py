"""A decision line with room left for the round's allocation, so that extending it is a splice
of bytes instead of parsing and printing the whole decision again.

The round adds one key at the end of each result (`allocation`) and one at the end of the
document (`batch_id`; `chunk_outputs`). A worker deciding a chunk prints its lines with
`slotted_line`, which gives the same bytes as `orjson.dumps` of the document and the offsets
where those keys go; the command then inserts them with `extended_line`. The result is the
same bytes as `orjson.dumps` of the document with those keys added (a property test), without
reading 200 KB of proofs back per applicant.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson


def slotted_line(document: dict[str, Any]) -> tuple[bytes, tuple[int, ...]]:
    """The document on one line with a newline (orjson's compact form, key order kept), and
    the offsets of each result's closing brace and then of the document's."""
    parts: list[bytes] = []
    slots: list[int] = []
    at = 1  # after "{"
    for number, (key, value) in enumerate(document.items()):
        if number:
            parts.append(b",")
            at += 1
        if key == "results":
            head = orjson.dumps(key) + b":["
            parts.append(head)
            at += len(head)
            for index, result in enumerate(value):
                if index:
                    parts.append(b",")
                    at += 1
                printed = orjson.dumps(result)
                parts.append(printed)
                at += len(printed)
                slots.append(at - 1)
            parts.append(b"]")
            at += 1
            continue
        printed = orjson.dumps(key) + b":" + orjson.dumps(value)
        parts.append(printed)
        at += len(printed)
    slots.append(at)
    return b"{" + b"".join(parts) + b"}\n", tuple(slots)


def notes_file(decisions_file: Path) -> Path:
    """Beside a chunk's decisions: a line per decision with its slots, the key of each of its
    results and its report pieces (`decision_notes`)."""
    return decisions_file.with_suffix(".notes")


def decision_notes(document: dict[str, Any], slots: tuple[int, ...]) -> bytes:
    """What the command needs of a decision line to extend it and write its report rows."""
    from eligibility.round.report import applicant_pieces

    keys = [
        (r["policy_id"], r["programme"], bool(r.get("not_applicable")))
        for r in document.get("results", ())
    ]
    notes = {"slots": slots, "keys": keys, "report": applicant_pieces(document)}
    return orjson.dumps(notes, option=orjson.OPT_APPEND_NEWLINE)


def extended_line(line: bytes, slots: Sequence[int], inserts: Sequence[bytes]) -> bytes:
    """`line` with each insert placed at its slot (both in order)."""
    pieces: list[bytes] = []
    start = 0
    for slot, insert in zip(slots, inserts, strict=True):
        pieces += (line[start:slot], insert)
        start = slot
    pieces.append(line[start:])
    return b"".join(pieces)
