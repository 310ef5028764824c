"""Evaluate a Datalog program for many applicants at once in DuckDB. The only module that
imports duckdb, and only when it runs (`check` on one small applicant never pays for it).

The statements come from `datalog.sql` (one table per predicate, the applicant column `a`
first, in dependency order); this module loads the ground facts, runs the statements and reads
the `result` relation back into one `Model` per applicant, built by the same function as the
pyDatalog engine's (`datalog.model.model_from_results`). Facts are loaded a table at a time,
written as one CSV file with typed columns and read by DuckDB's CSV reader (no INSERT per row;
3-4x faster than binding Python lists); applicants are evaluated in chunks of `CHUNK` in a fresh
in-memory database each, so memory stays flat over a round.
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from eligibility.compile_cache import EntryKey, read_entry, write_entry
from eligibility.datalog.model import EngineError, Model, model_from_results
from eligibility.datalog.program import Atom, Const, GroundFact, Negated, Program, Value
from eligibility.datalog.sql import EDB_SLOTS, Relation, plan, render, scale_check
from eligibility.datalog.sql_values import ANY, SCALE, T_BOOL, T_INT, TEXT, decimal_scale

CHUNK = 10_000
# One thread: a round runs a process per core (`evaluate.decide_stream`), and most statements
# touch a few hundred rows, where DuckDB's threads cost more than they give. Row order is
# never relied on (the read-back sorts).
SETTINGS: dict[str, Any] = {"threads": 1, "preserve_insertion_order": False}
FACT_RELATIONS = tuple(Relation(name, slots) for name, slots in EDB_SLOTS.items())


def engine_version() -> str:
    import duckdb

    return f"duckdb {duckdb.__version__}"


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A program's statements as DuckDB text, and what loading and reading need to know."""

    ddl: tuple[str, ...]
    derived: tuple[str, ...]
    result: Relation
    scale_query: str | None


_COMPILED: dict[int, tuple[Program, _Compiled, tuple[Relation, ...]]] = {}


def _compiled(program: Program) -> tuple[_Compiled, tuple[Relation, ...]]:
    """Generating the SQL of a large program costs seconds: once per program and process, and
    kept in the compile cache (`compile_cache`), keyed by the program's text and by this
    generator's source, so a later process only reads it. Beside it, the fact tables the
    program reads: the others are not loaded (a gate program reads no record)."""
    held = _COMPILED.get(id(program))
    if held is not None and held[0] is program:
        return held[1], held[2]
    key = _cache_key(program)
    found = read_entry(key, _decode_compiled)
    if not isinstance(found, _Compiled):
        statements = plan(program)
        text = render(statements, "duckdb")
        facts = len(statements.facts)
        found = _Compiled(
            tuple(text[:facts]),
            tuple(text[facts:]),
            statements.relation("result"),
            scale_check(statements),
        )
        write_entry(key, found, _encode_compiled)
    relations = _fact_relations(program)
    _COMPILED[id(program)] = (program, found, relations)
    return found, relations


def _fact_relations(program: Program) -> tuple[Relation, ...]:
    """The fact tables some rule of `program` reads (its other tables stay empty)."""
    read: set[str] = set()
    for clause in program.clauses:
        for literal in clause.body:
            if isinstance(literal, Negated):
                read.add(literal.atom.predicate)
            elif isinstance(literal, Atom):
                read.add(literal.predicate)
    return tuple(r for r in FACT_RELATIONS if r.predicate in read)


Kept = Mapping[str, tuple[tuple[int, frozenset[str]], ...]]  # table → (column, values read)
_KEPT: dict[int, tuple[Program, Kept]] = {}


def _kept(program: Program) -> Kept:
    """For each fact table, the text columns every atom reading it names by a constant, with
    those constants: a fact with another value there matches no atom, so it is not loaded.
    The Beijing program reads 15 of a pledge's 29 record fields (`rattr`, `rpresent`): a bank
    with 10,000 pledges loads 95,000 facts, not 300,000. Once per program and process."""
    held = _KEPT.get(id(program))
    if held is not None and held[0] is program:
        return held[1]
    named: dict[str, list[set[str] | None]] = {}
    for clause in program.clauses:
        for literal in clause.body:
            atom = literal.atom if isinstance(literal, Negated) else literal
            if not isinstance(atom, Atom) or atom.predicate not in EDB_SLOTS:
                continue
            slots = EDB_SLOTS[atom.predicate]
            columns = named.setdefault(atom.predicate, [set() for _ in slots])
            if len(atom.args) != len(slots):  # not a fact of the table: keep every fact
                columns[:] = [None] * len(slots)
                continue
            for position, term in enumerate(atom.args):
                values = columns[position]
                if values is None:
                    continue
                if slots[position] == TEXT and isinstance(term, Const):
                    values.add(str(term.value))
                else:  # a variable (or a value column): any value may match
                    columns[position] = None
    kept = {
        table: tuple(
            (position, frozenset(values))
            for position, values in enumerate(columns)
            if values is not None
        )
        for table, columns in named.items()
    }
    _KEPT[id(program)] = (program, kept)
    return kept


def _cache_key(program: Program) -> EntryKey:
    from importlib.metadata import version

    from eligibility.datalog import sql, sql_values
    from eligibility.datalog.text import program_text

    generator = hashlib.sha256(Path(sql.__file__).read_bytes())
    generator.update(Path(sql_values.__file__).read_bytes())
    generator.update(f"sqlglot {version('sqlglot')}".encode())
    text = hashlib.sha256(program_text(program).encode()).hexdigest()
    return EntryKey("duckdb-sql", program.policy_id, text, generator.hexdigest())


def _encode_compiled(compiled: _Compiled) -> dict[str, Any]:
    return {
        "ddl": list(compiled.ddl),
        "derived": list(compiled.derived),
        "result": [sorted(slots) for slots in compiled.result.columns],
        "scale_query": compiled.scale_query,
    }


def _decode_compiled(data: Any) -> _Compiled:
    slots = tuple(frozenset(column) for column in data["result"])
    if not all(column <= ANY for column in slots):
        raise ValueError("not a slot")
    return _Compiled(
        tuple(str(s) for s in data["ddl"]),
        tuple(str(s) for s in data["derived"]),
        Relation("result", slots),
        None if data["scale_query"] is None else str(data["scale_query"]),
    )


def evaluate_many(
    program: Program, facts: Mapping[str, tuple[GroundFact, ...]], chunk: int = CHUNK
) -> dict[str, Model]:
    """One Model per key of `facts` (a key names one applicant's ground facts in this batch, as
    `datalog.facts.ground_facts` builds them)."""
    compiled, relations = _compiled(program)
    keys = list(facts)
    models: dict[str, Model] = {}
    for start in range(0, len(keys), chunk):
        part = {key: facts[key] for key in keys[start : start + chunk]}
        models.update(_evaluate_chunk(compiled, relations, part, _kept(program)))
    return models


def _evaluate_chunk(
    compiled: _Compiled,
    relations: tuple[Relation, ...],
    facts: Mapping[str, tuple[GroundFact, ...]],
    kept: Kept | None = None,
) -> dict[str, Model]:
    import duckdb

    connection = duckdb.connect(":memory:", config=SETTINGS)
    try:
        # DuckDB draws its own bar on stderr for a long query, terminal or not: a round's
        # log or pipe must stay clean (its own bar is shown only on a terminal)
        connection.execute("SET enable_progress_bar = false")
        for statement in compiled.ddl:
            connection.execute(statement)
        _load_facts(connection, relations, facts, kept)
        connection.execute("BEGIN")  # one transaction: a commit per statement cost 10 %
        for statement in compiled.derived:
            connection.execute(statement)
        connection.execute("COMMIT")
        _check_scales(connection, compiled.scale_query)
        result = compiled.result
        names = ", ".join(name for name, _ in result.physical())
        # DISTINCT: a relation of many rules is built by several statements (`sql.UNION_GROUP`);
        # ORDER BY the text columns: the sort below then finds them in order (a bank's 120,000
        # rows sorted in 0.1 s instead of 0.9 s); it alone decides the order, as before
        texts = ", ".join(["a"] + [f"c{i}_s" for i in range(_leading_texts(result))])
        rows = connection.execute(
            f"SELECT DISTINCT {names} FROM {result.table} ORDER BY {texts}"
        ).fetchall()
    except duckdb.Error as error:
        raise EngineError(f"DuckDB failed: {type(error).__name__}: {error}") from error
    finally:
        connection.close()
    by_key: dict[str, list[tuple[Any, ...]]] = {key: [] for key in facts}
    read = _row_reader(result)
    for row in rows:
        by_key[row[0]].append(read(row))
    order = _sort_key(result)
    return {
        key: model_from_results(sorted(found, key=order), _applicant_id(facts[key]))
        for key, found in by_key.items()
    }


def _check_scales(connection: Any, query: str | None) -> None:
    if query is None:  # the program multiplies nothing
        return
    (largest,) = connection.execute(query).fetchone()
    if largest is not None and largest > SCALE:
        raise EngineError(
            f"a product needs {largest} decimal places; the engine keeps {SCALE}: it was rounded"
        )


def _applicant_id(facts: tuple[GroundFact, ...]) -> str:
    for fact in facts:
        if fact.predicate == "applicant":
            return str(fact.args[0])
    raise EngineError("ground facts without an applicant/1 fact")


def _order(row: tuple[Any, ...]) -> tuple[str, ...]:
    """A fixed order for the result rows (pyDatalog's is its own): only one value per id and
    key is ever derived, so the order decides nothing but the Model's dict order."""
    return tuple(f"{type(v).__name__}:{v}" for v in row)


def _leading_texts(relation: Relation) -> int:
    """How many of the relation's first columns are text alone (read back as `str`)."""
    return next((i for i, s in enumerate(relation.columns) if s != TEXT), len(relation.columns))


def _sort_key(relation: Relation) -> Callable[[tuple[Any, ...]], tuple[str, ...]]:
    """`_order`, or a cheaper key giving the same order: text columns hold `str` only, and
    "str:" + x sorts as x does, so only the last column needs its type written."""
    texts = _leading_texts(relation)
    if texts != len(relation.columns) - 1:
        return _order

    def key(row: tuple[Any, ...]) -> tuple[str, ...]:
        value = row[texts]
        return (*row[:texts], f"{type(value).__name__}:{value}")

    return key


# ---- facts in -------------------------------------------------------------------------------


def _load_facts(
    connection: Any,
    relations: tuple[Relation, ...],
    facts: Mapping[str, tuple[GroundFact, ...]],
    kept: Kept | None = None,
) -> None:
    """Every fact table written as one CSV file (a private temporary folder) and read by
    DuckDB's reader with the table's types: no INSERT per row, and 7× faster than binding
    Python lists. Strings are always quoted, so an unquoted empty cell is NULL (an empty slot)
    and a quoted one the empty string. Each cell is written by its column's writer for the
    value's type (`_writers`): a bank with 10,000 pledges has ~300,000 facts. `kept`: the
    values some atom names, by table and column (`_kept`); a fact with another is left out."""
    kept = kept or {}
    tables = {r.predicate: _Table.of(r.columns, kept.get(r.predicate, ())) for r in relations}
    lines: dict[str, list[str]] = {r.predicate: [] for r in relations}
    for key, ground in facts.items():
        quoted_key = _quote(key)
        opening = quoted_key + ',"'
        for fact in ground:
            table = tables.get(fact.predicate)
            if table is None:
                if fact.predicate in EDB_SLOTS:  # a fact table the program never reads
                    continue
                raise EngineError(f"{fact}: not a fact of the programs' fact tables")
            args = fact.args
            if len(args) != len(table.columns):
                raise EngineError(f"{fact}: not a fact of the programs' fact tables")
            unread = False
            for position, values in table.kept:  # (a loop: a generator per fact cost 0.2 s)
                if type(args[position]) is str and args[position] not in values:
                    unread = True  # no atom of the program names this value: it matches none
                    break
            if unread:
                continue
            # the usual fact: its text columns joined at once (a `"` inside one, or a value
            # not a string, takes the cell-by-cell way), then the value column's writer
            line = None
            texts = args[: table.texts]
            try:
                body = '","'.join(texts)  # type: ignore[arg-type]
            except TypeError:
                body = None
            if body is not None and body.count('"') == 2 * len(texts) - 2:
                if table.last is None:
                    line = opening + body + '"'
                else:
                    value = args[-1]
                    write = table.last.get(type(value))
                    if write is not None:
                        line = opening + body + '",' + write(value)
            if line is None:
                line = ",".join([quoted_key, *_cells(table, fact)])
            lines[fact.predicate].append(line)
    with tempfile.TemporaryDirectory(prefix="eligibility-duckdb-") as folder:
        for relation in relations:
            if not lines[relation.predicate]:
                continue
            path = Path(folder) / f"{relation.predicate}.csv"
            path.write_text("\n".join(lines[relation.predicate]) + "\n", encoding="utf-8")
            connection.execute(_read_csv(relation, path))


def _read_csv(relation: Relation, path: Path) -> str:
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in relation.physical())
    return (
        f"INSERT INTO {relation.table} SELECT * FROM read_csv({_literal(str(path))}, header = false, "
        "auto_detect = false, delim = ',', quote = '\"', escape = '\"', new_line = '\\n', "
        f"nullstr = '', allow_quoted_nulls = false, columns = {{{columns}}})"
    )


def _literal(text: str) -> str:
    """A SQL string literal (TMPDIR is the user's to name)."""
    return "'" + text.replace("'", "''") + "'"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class _Table:
    """How a fact table's rows are written: its columns, how many lead as text (keys and
    names, the `","`-joined part), and the writers of its one value column after them."""

    columns: tuple[frozenset[str], ...]
    texts: int
    last: dict[type, Callable[[Any], str]] | None  # None: every column is text
    writers: tuple[dict[type, Callable[[Any], str]], ...]
    kept: tuple[tuple[int, frozenset[str]], ...]  # (column, the only values loaded there)

    @staticmethod
    def of(
        columns: tuple[frozenset[str], ...], kept: tuple[tuple[int, frozenset[str]], ...] = ()
    ) -> _Table:
        texts = next((i for i, slots in enumerate(columns) if slots != TEXT), len(columns))
        writers = tuple(_writers(slots) for slots in columns)
        if texts == len(columns):
            return _Table(columns, texts, None, writers, kept)
        if texts == len(columns) - 1:
            return _Table(columns, texts, writers[-1], writers, kept)
        return _Table(columns, 0, None, writers, kept)  # a value column between texts


def _cells(table: _Table, fact: GroundFact) -> list[str]:
    """A fact's CSV cells one column at a time (`_encode` refuses a value that cannot be
    there)."""
    cells: list[str] = []
    for slots, column, value in zip(table.columns, table.writers, fact.args, strict=True):
        write = column.get(type(value))
        if write is None:  # a type the column cannot hold (refused) or a subclass
            cells += _encode(value, slots, fact)
        else:
            cells.append(write(value))
    return cells


_CELLS = {"num": 2, "s": 1, "d": 1}  # CSV cells per slot, in the physical column order
_INNER: dict[type, tuple[str, Callable[[Any], str]]] = {  # a value's slot, and its own cells
    bool: ("num", lambda value: f"{T_BOOL},{int(value)}"),
    int: ("num", lambda value: f"{T_INT},{value}"),
    Decimal: ("num", lambda value: f"{decimal_scale(value)},{value!s}"),
    str: ("s", _quote),
    datetime.date: ("d", lambda value: value.isoformat()),
}


def _writers(slots: frozenset[str]) -> dict[type, Callable[[Any], str]]:
    """For each value type a column of `slots` holds, its CSV cells as `_encode` gives them,
    joined: the value's own cells between the empty cells of the other slots. A type missing
    here goes through `_encode`, which refuses it."""
    order = [slot for slot in _CELLS if slot in slots]
    writers: dict[type, Callable[[Any], str]] = {}
    for kind, (slot, inner) in _INNER.items():
        if slot not in slots:
            continue
        at = order.index(slot)
        before = "," * sum(_CELLS[s] for s in order[:at])
        after = "," * sum(_CELLS[s] for s in order[at + 1 :])
        if before or after:
            writers[kind] = partial(_around, before, inner, after)
        else:
            writers[kind] = inner
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
            text = _quote(value)
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


# ---- values out -----------------------------------------------------------------------------


def _row_reader(relation: Relation) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A function from a row (`a`, then the physical cells) to its logical values. A column of
    text alone is its cell: only the others go through `_value` (a round reads ~300 rows per
    applicant and document, most of them four strings)."""
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

    # text columns, then one whose text slot is filled (`_value` returns it whatever else is
    # there): most rows of `result`, a bank's 120,000, read without the general walk
    texts = _leading_texts(relation)
    if texts != len(relation.columns) - 1 or "s" not in relation.columns[-1]:
        return read
    text_cell = spans[-1][0] + 2 * ("num" in relation.columns[-1])
    end = texts + 1

    def read_text(row: tuple[Any, ...]) -> tuple[Any, ...]:
        text = row[text_cell]
        if text is None:
            return read(row)
        values = (*row[1:end], text)
        if None in values:
            raise EngineError("a derived value with no slot filled")
        return values

    return read_text


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
