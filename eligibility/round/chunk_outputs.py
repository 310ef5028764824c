"""One chunk's share of decisions.jsonl and report.html: each decision line of the chunk's file
extended by its allocations and written, its rows of the report beside it.

The line is extended by splicing (`round/slotted.py`): the worker that decided the chunk left,
beside each line, where each result's `allocation` and the document's `batch_id` go, and the
report's pieces that do not depend on the allocation (its proof trees, already HTML), so the
decision is not read back. An extended line is the decision with `allocation` the last key of
each result (null where the round allots nothing: a document that does not apply) and
`batch_id` the last key of the document (a property test holds the splice to that).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO, TextIO

import orjson

from eligibility.round.model import Allocation
from eligibility.round.outputs import allocation_json


def write_chunk_outputs(
    decisions_file: Path,
    allocations: dict[tuple[str, str, str], Allocation],
    round_errors: Mapping[str, str],
    batch_id: str,
    lines: BinaryIO,
    page: TextIO,
) -> None:
    """The chunk's decision lines, extended, to `lines`; its rows of the report to `page`."""
    from eligibility.round.report import write_applicant
    from eligibility.round.slotted import extended_line, notes_file

    batch = b',"batch_id":' + orjson.dumps(batch_id)
    with open(decisions_file, "rb") as decided, open(notes_file(decisions_file), "rb") as notes:
        for line, noted in zip(decided, notes, strict=True):
            found = orjson.loads(noted)
            pieces = found["report"]
            applicant_id = pieces["id"]
            inserts = [
                b',"allocation":'
                + orjson.dumps(_allocation(allocations, (applicant_id, policy_id, programme), na))
                for policy_id, programme, na in found["keys"]
            ]
            lines.write(extended_line(line, found["slots"], [*inserts, batch]))
            write_applicant(page, pieces, allocations, round_errors.get(applicant_id, ""))


def _allocation(
    allocations: dict[tuple[str, str, str], Allocation],
    key: tuple[str, str, str],
    not_applicable: bool,
) -> object:
    """A result's `allocation`: null where the round allots nothing (a document that does not
    apply)."""
    found = None if not_applicable else allocations.get(key)
    return None if found is None else allocation_json(found)
