"""What an engine derives for one applicant: the seam between the engines and the explainer.

An engine takes a `datalog.program.Program` and the ground facts of N applicants and gives one
`Model` per applicant: pyDatalog (`datalog.engine`, the reference, one applicant at a time) and
DuckDB (`datalog.duckdb_engine`, set-at-a-time for rounds and large applicants). The explainer
(`decision.from_model`) reads only this, so both engines must build it alike, to the sort order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal


class EngineError(RuntimeError):
    """The engine answered something no rule can produce: a bug, never the applicant's fault."""


DerivedVerdict = Literal["holds", "fails"]  # a node with neither is undetermined


@dataclass(frozen=True, slots=True)
class Model:
    """What the evaluation derived for one applicant, keyed by the ids of the IR."""

    verdicts: dict[str, DerivedVerdict]  # node id → verdict (absent: undetermined)
    values: dict[str, Any]  # expr / cap id → value
    members: dict[str, tuple[str, ...]]  # record set → record keys, sorted
    rejections: dict[tuple[str, str], tuple[str, ...]]  # (set, record key) → filter node ids
    record_values: dict[tuple[str, str], Any] = field(
        default_factory=dict
    )  # (expr, record) → value
    upper: dict[str, Any] = field(default_factory=dict)  # expr / cap id → upper bound
    undecided: dict[str, tuple[str, ...]] = field(default_factory=dict)  # set → record keys
    passing: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # top filters


def model_from_results(
    rows: Iterable[tuple[Any, Any, Any, Any]],
    applicant_id: str,
    verdicts: dict[str, DerivedVerdict] | None = None,
) -> Model:
    """The Model from the rows of the program's `result/4` relation, whatever engine derived
    them: record-level rows are kept whole; applicant-level rows only for `applicant_id`.
    `verdicts`: the verdicts read already (DuckDB reads them apart), updated by any holds or
    fails row."""
    verdicts = {} if verdicts is None else verdicts
    values: dict[str, Any] = {}
    members: dict[str, list[str]] = {}
    rejections: dict[tuple[str, str], list[str]] = {}
    record_values: dict[tuple[str, str], Any] = {}
    upper: dict[str, Any] = {}
    undecided: dict[str, list[str]] = {}
    passing: dict[tuple[str, str], list[str]] = {}
    for kind, x, y, z in rows:
        if kind == "rejected":
            rejections.setdefault((x, y), []).append(z)
        elif kind == "passes":
            passing.setdefault((x, y), []).append(z)
        elif kind == "rvalue":
            record_values[(x, y)] = z
        elif y != applicant_id:
            continue
        elif kind == "holds":
            verdicts[x] = "holds"
        elif kind == "fails":
            verdicts.setdefault(x, "fails")
        elif kind == "value":
            values[x] = z
        elif kind == "member":
            members.setdefault(x, []).append(z)
        elif kind == "undecided":
            undecided.setdefault(x, []).append(z)
        elif kind == "upper":
            upper[x] = z
    return Model(
        verdicts,
        values,
        {k: tuple(sorted(v)) for k, v in members.items()},
        {k: _naturally(v) for k, v in rejections.items()},
        record_values,
        upper,
        {k: tuple(sorted(v)) for k, v in undecided.items()},
        {k: _naturally(v) for k, v in passing.items()},
    )


def _naturally(node_ids: list[str]) -> tuple[str, ...]:
    """The filter ids in natural order (a bank's 10,000 records have ~100,000 such lists, most
    of one id: those need no key)."""
    if len(node_ids) < 2:
        return tuple(node_ids)
    return tuple(sorted(node_ids, key=_natural))


@functools.lru_cache(maxsize=4096)  # a program has a few hundred filter ids; a bank, 100,000 rows
def _natural(node_id: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in node_id.split("."))
