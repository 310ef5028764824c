"""One chunk's share of decisions.jsonl and report.html: each decision line read back from the
chunk's file, extended by its allocations (`outputs.extend_decision`) and written, its rows of
the report beside it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO, TextIO

import orjson

from eligibility.round.model import Allocation
from eligibility.round.outputs import extend_decision


def write_chunk_outputs(
    decisions_file: Path,
    allocations: dict[tuple[str, str, str], Allocation],
    round_errors: Mapping[str, str],
    batch_id: str,
    lines: BinaryIO,
    page: TextIO,
) -> None:
    """The chunk's decision lines, extended, to `lines`; its rows of the report to `page`."""
    from eligibility.round import report

    with open(decisions_file, "rb") as decided:
        for line in decided:
            extended = extend_decision(orjson.loads(line), allocations, batch_id)
            lines.write(orjson.dumps(extended, option=orjson.OPT_APPEND_NEWLINE))
            applicant_id = extended["applicant_id"]
            report.applicant(page, extended, allocations, round_errors.get(applicant_id, ""))
