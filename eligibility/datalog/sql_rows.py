"""Rows between Python and the tagged SQL representation (`datalog.sql_values`): ground facts
as CSV lines for DuckDB's reader, and rows of a relation read back as Python values.

No database here: `datalog.duckdb_engine` runs the statements and hands the rows over.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from eligibility.datalog.model import EngineError
from eligibility.datalog.program import GroundFact, Value
from eligibility.datalog.sql import Relation
from eligibility.datalog.sql_values import SCALE, T_BOOL, T_INT, TEXT, decimal_scale


def csv_lines(
    relations: Iterable[Relation],
    facts: Mapping[str, tuple[GroundFact, ...]],
    known: frozenset[str],
) -> dict[str, list[str]]:
    """Each relation's facts as CSV lines, the batch key first. Strings are always quoted, so
    an unquoted empty cell is NULL (an empty slot) and a quoted one the empty string. A fact of
    a predicate in `known` but not in `relations` is left out (a table the program never
    reads); any other is refused."""
    by_name = {r.predicate: r for r in relations}
    lines: dict[str, list[str]] = {name: [] for name in by_name}
    for key, ground in facts.items():
        quoted_key = quote(key)
        for fact in ground:
            relation = by_name.get(fact.predicate)
            if relation is None:
                if fact.predicate in known:
                    continue
                raise EngineError(f"{fact}: not a fact of the programs' fact tables")
            if len(fact.args) != len(relation.columns):
                raise EngineError(f"{fact}: not a fact of the programs' fact tables")
            cells = [quoted_key]
            for slots, value in zip(relation.columns, fact.args, strict=True):
                if slots == TEXT and type(value) is str:  # keys and names: most cells
                    cells.append('"' + value.replace('"', '""') + '"')
                else:
                    cells += _encode(value, slots, fact)
            lines[fact.predicate].append(",".join(cells))
    return lines


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _encode(value: Value, slots: frozenset[str], fact: GroundFact) -> list[str]:
    """The value's CSV cells in the column's slots (num: tag, then the number as written)."""
    tag = number = text = day = ""
    match value:
        case bool():
            tag, number = str(T_BOOL), str(int(value))
        case int():
            tag, number = str(T_INT), str(value)
        case Decimal():
            tag, number = str(decimal_scale(value)), str(value)
        case str():
            text = quote(value)
        case datetime.date():
            day = value.isoformat()
        case _:
            raise EngineError(f"{fact}: a {type(value).__name__} cannot be a fact's value")
    filled = {"num": bool(number), "s": bool(text), "d": bool(day)}
    if not all(slot in slots for slot, used in filled.items() if used):
        raise EngineError(f"{fact}: {value!r} does not fit the column's types {sorted(slots)}")
    cells: list[str] = []
    if "num" in slots:
        cells += [tag, number]
    if "s" in slots:
        cells.append(text)
    if "d" in slots:
        cells.append(day)
    return cells


def row_reader(relation: Relation) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A function from a row (`a`, then the physical cells) to its logical values. A column of
    text alone is its cell: only the others go through `_value`."""
    spans: list[tuple[int, int, frozenset[str]]] = []  # first cell, width, slots
    start = 1
    for slots in relation.columns:
        width = 2 * ("num" in slots) + ("s" in slots) + ("d" in slots)
        spans.append((start, width, slots))
        start += width

    def read(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = tuple(
            row[first] if slots == TEXT else _value(slots, iter(row[first : first + width]))
            for first, width, slots in spans
        )
        if None in values:
            raise EngineError("a derived value with no slot filled")
        return values

    return read


def _value(slots: frozenset[str], cells: Iterator[Any]) -> Any:
    tag = number = text = day = None
    if "num" in slots:
        tag, number = next(cells), next(cells)
    if "s" in slots:
        text = next(cells)
    if "d" in slots:
        day = next(cells)
    if text is not None:
        return text
    if day is not None:
        return day
    if number is None or tag is None:
        raise EngineError("a derived value with no slot filled")
    if tag == T_BOOL:
        return bool(number)
    if tag == T_INT:
        return int(number)
    if tag > SCALE:
        raise EngineError(f"a computed amount needs {tag} decimal places; the engine keeps {SCALE}")
    exact: Decimal = number.quantize(Decimal(1).scaleb(-tag))
    if exact != number:
        raise EngineError(f"{number} lost digits at scale {tag}")
    return exact


def order(row: tuple[Any, ...]) -> tuple[str, ...]:
    """A fixed order for the result rows (pyDatalog's is its own): only one value per id and
    key is ever derived, so the order decides nothing but the Model's dict order. For rows of
    strings it is the order of the strings, which is the order SQL sorts them in (code points:
    UTF-8 bytes compare alike)."""
    return tuple(f"{type(v).__name__}:{v}" for v in row)
