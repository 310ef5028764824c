"""Rows between Python and the tagged SQL representation (`datalog.sql_values`): ground facts
as CSV lines for DuckDB's reader, and rows of a relation read back as Python values.

No database here: `datalog.duckdb_engine` runs the statements and hands the rows over.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from eligibility.datalog.model import EngineError
from eligibility.datalog.program import GroundFact, Value
from eligibility.datalog.sql import Relation
from eligibility.datalog.sql_values import SCALE, T_BOOL, T_INT, TEXT, decimal_scale

# (column, the strings it may hold) for each column a fact must match by value
Conditions = tuple[tuple[int, frozenset[str]], ...]


def csv_lines(
    relations: Iterable[Relation],
    facts: Mapping[str, tuple[GroundFact, ...]],
    known: frozenset[str],
    only: Mapping[str, tuple[Conditions, ...]] | None = None,
) -> dict[str, list[str]]:
    """Each relation's facts as CSV lines, the batch key first. Strings are always quoted, so
    an unquoted empty cell is NULL (an empty slot) and a quoted one the empty string. A fact of
    a predicate in `known` but not in `relations` is left out (a table the program never
    reads); any other is refused. A fact of a predicate in `only` is left out unless it meets
    one of its alternative conditions (facts no program can match)."""
    admits = {name: _admits(alternatives) for name, alternatives in (only or {}).items()}
    by_name = {r.predicate: r for r in relations}
    cells_of = {name: tuple(_Cells(slots) for slots in r.columns) for name, r in by_name.items()}
    lines: dict[str, list[str]] = {name: [] for name in by_name}
    for key, ground in facts.items():
        quoted_key = quote(key)
        for fact in ground:
            columns = cells_of.get(fact.predicate)
            if columns is None:
                if fact.predicate in known:
                    continue
                raise EngineError(f"{fact}: not a fact of the programs' fact tables")
            if len(fact.args) != len(columns):
                raise EngineError(f"{fact}: not a fact of the programs' fact tables")
            admitted = admits.get(fact.predicate)
            if admitted is not None and not admitted(fact.args):
                continue
            cells = [quoted_key]
            for column, value in zip(columns, fact.args, strict=True):
                held = column.memo.get(type(value))
                cell = held.get(value) if held is not None else None
                if cell is None:
                    cells += column.write(value, fact)
                else:
                    cells.append(cell)
            lines[fact.predicate].append(",".join(cells))
    return lines


def _admits(alternatives: tuple[Conditions, ...]) -> Callable[[tuple[Value, ...]], bool]:
    """Whether a fact's arguments meet one of the alternatives (one test when there is one
    condition: a batch of 5,000 applicants has ~500,000 facts)."""
    if len(alternatives) == 1 and len(alternatives[0]) == 1:
        ((column, values),) = alternatives[0]
        return lambda args: args[column] in values
    return lambda args: any(
        all(args[column] in values for column, values in conditions) for conditions in alternatives
    )


class _Cells:
    """One column's CSV cells for a value, remembered per exact type and value: a bank's
    300,000 facts repeat a few thousand keys, names and values. Decimals are not remembered
    (equal Decimals may be written differently: 1.0 and 1.00), nor bools and ints together
    (True == 1): each exact type has a memo of its own."""

    __slots__ = ("memo", "slots", "writers")

    def __init__(self, slots: frozenset[str]) -> None:
        self.slots = slots
        self.writers = _writers(slots)
        self.memo: dict[type, dict[Any, str]] = {
            kind: {} for kind in self.writers if kind is not Decimal
        }

    def write(self, value: Value, fact: GroundFact) -> list[str]:
        """The value's cells, as `_encode` gives them (joined when the column holds its
        type), remembered when its type has a memo."""
        kind = type(value)
        if (write := self.writers.get(kind)) is not None:
            cell = write(value)
        else:  # a type the column cannot hold (refused) or a subclass
            return _encode(value, self.slots, fact)
        held = self.memo.get(kind)
        if held is not None:
            held[value] = cell
        return [cell]


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_CELLS = {"num": 2, "s": 1, "d": 1}  # CSV cells per slot, in the physical column order
_INNER: dict[type, tuple[str, Callable[[Any], str]]] = {  # a value's slot, and its own cells
    bool: ("num", lambda value: f"{T_BOOL},{int(value)}"),
    int: ("num", lambda value: f"{T_INT},{value}"),
    Decimal: ("num", lambda value: f"{decimal_scale(value)},{value!s}"),
    str: ("s", quote),
    datetime.date: ("d", lambda value: value.isoformat()),
}
_WRITERS: dict[frozenset[str], dict[type, Callable[[Any], str]]] = {}


def _writers(slots: frozenset[str]) -> dict[type, Callable[[Any], str]]:
    """For each value type a column of `slots` holds, its CSV cells as `_encode` gives them,
    joined: the value's own cells between the empty cells of the other slots (3x faster than
    `_encode` for a bank's 100,000 values). A type missing here goes through `_encode`, which
    refuses it."""
    held = _WRITERS.get(slots)
    if held is not None:
        return held
    order = [slot for slot in _CELLS if slot in slots]
    writers: dict[type, Callable[[Any], str]] = {}
    for kind, (slot, inner) in _INNER.items():
        if slot not in slots:
            continue
        at = order.index(slot)
        before = "," * sum(_CELLS[s] for s in order[:at])
        after = "," * sum(_CELLS[s] for s in order[at + 1 :])
        writers[kind] = partial(_around, before, inner, after) if before or after else inner
    _WRITERS[slots] = writers
    return writers


def _around(before: str, inner: Callable[[Any], str], after: str, value: Any) -> str:
    return before + inner(value) + after


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
    text alone is its cell: only the others go through `_value` (a relation of text columns
    and one last value, as `result` is, by a reader of its own: a bank's 120,000 rows)."""
    spans: list[tuple[int, int, frozenset[str]]] = []  # first cell, width, slots
    start = 1
    for slots in relation.columns:
        width = 2 * ("num" in slots) + ("s" in slots) + ("d" in slots)
        spans.append((start, width, slots))
        start += width

    texts = leading_texts(relation)
    if 0 < texts == len(spans) - 1:  # `result`: kind, id, key as text, then a value
        value_at, value_width, value_slots = spans[-1]
        value_end = value_at + value_width

        def read_last(row: tuple[Any, ...]) -> tuple[Any, ...]:
            head = row[1:value_at]
            if None in head:
                raise EngineError("a derived value with no slot filled")
            return (*head, _value(value_slots, iter(row[value_at:value_end])))

        return read_last

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


def leading_texts(relation: Relation) -> int:
    """How many of the relation's first columns are text alone (read back as `str`)."""
    return next((i for i, s in enumerate(relation.columns) if s != TEXT), len(relation.columns))


def sort_key(relation: Relation) -> Callable[[tuple[Any, ...]], tuple[str, ...]]:
    """`order`, or a cheaper key giving the same order: text columns hold `str` only, and
    "str:" + x sorts as x does, so only the last column needs its type written (a bank's
    120,000 rows)."""
    texts = leading_texts(relation)
    if texts != len(relation.columns) - 1:
        return order

    def key(row: tuple[Any, ...]) -> tuple[str, ...]:
        value = row[texts]
        return (*row[:texts], f"{type(value).__name__}:{value}")

    return key


def order(row: tuple[Any, ...]) -> tuple[str, ...]:
    """A fixed order for the result rows (pyDatalog's is its own): only one value per id and
    key is ever derived, so the order decides nothing but the Model's dict order. For rows of
    strings it is the order of the strings, which is the order SQL sorts them in (code points:
    UTF-8 bytes compare alike)."""
    return tuple(f"{type(v).__name__}:{v}" for v in row)
