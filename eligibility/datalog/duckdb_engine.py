"""Evaluate a Datalog program for many applicants at once in DuckDB. The only module that
imports duckdb, and only when it runs (`check` on one small applicant never pays for it).

The statements come from `datalog.sql` (one table per predicate, the applicant column `a`
first, in dependency order); this module loads the ground facts, runs the statements and reads
the `result` relation back into one `Model` per applicant, built by the same function as the
pyDatalog engine's (`datalog.model.model_from_results`). A `Batch` is one in-memory database
for a batch of applicants: their facts are loaded once, a table at a time, written as one CSV
file with typed columns and read by DuckDB's CSV reader (no INSERT per row; 3-4x faster than
binding Python lists); each program is then evaluated in a schema of its own over the
applicants it concerns, and the schema dropped once its models are read, so memory holds one
batch's facts and one program's relations. `evaluate_many` takes `CHUNK` applicants a batch.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eligibility.collector import pausing
from eligibility.compile_cache import EntryKey, read_entry, write_entry
from eligibility.datalog.model import DerivedVerdict, EngineError, Model, model_from_results
from eligibility.datalog.program import Atom, Const, GroundFact, Negated, Program, Rule
from eligibility.datalog.sql import (
    EDB_SLOTS,
    SEPARATOR,
    Relation,
    fact_ddl,
    plan,
    render,
    result_reads,
    scale_check,
)  # fmt: skip
from eligibility.datalog.sql_rows import (
    Conditions,
    csv_lines,
    leading_texts,
    row_reader,
    sort_key,
)
from eligibility.datalog.sql_values import ANY, SCALE, TEXT

CHUNK = 10_000
# One thread: a round runs a process per core (`evaluate.decide_stream`), and most statements
# touch a few hundred rows, where DuckDB's threads cost more than they give. Row order is
# never relied on (the read-back sorts). No join-order search: each rule's atoms are joined in
# the order the compiler writes them, the order pyDatalog evaluates them in, and every atom
# after the first shares a variable with those before it (tests/engines/test_sql.py), so no
# join is a cross product. The search planned Beijing's ~1,700 statements in ~0.3 s for one
# applicant, and chose no faster plan for a chunk of 5,000 (evaluation 23.0 s either way).
SETTINGS: dict[str, Any] = {
    "threads": 1,
    "preserve_insertion_order": False,
    "disabled_optimizers": "join_order",
}
FACT_RELATIONS = tuple(Relation(name, slots) for name, slots in EDB_SLOTS.items())


def engine_version() -> str:
    import duckdb

    return f"duckdb {duckdb.__version__}"


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A program's statements as DuckDB text, and what loading and reading need to know."""

    derived: tuple[str, ...]
    result: Relation
    scale_query: str | None


@dataclass(frozen=True, slots=True)
class _Reads:
    """What loading and reading a program's relations need beside its statements."""

    facts: tuple[Relation, ...]  # the fact tables some rule reads
    verdicts_joined: bool  # its verdicts can be read as joined ids (`sql.result_reads`)
    kept: Kept  # fact table → the values a row some atom can match holds (`_kept`)


_COMPILED: dict[int, tuple[Program, _Compiled, _Reads]] = {}


def _compiled(program: Program) -> tuple[_Compiled, _Reads]:
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
        found = _Compiled(
            tuple(text[len(statements.facts) :]),
            statements.relation("result"),
            scale_check(statements),
        )
        write_entry(key, found, _encode_compiled)
    reads = _Reads(_fact_relations(program), _verdict_ids_plain(program), _kept(program))
    _COMPILED[id(program)] = (program, found, reads)
    return found, reads


def _verdict_ids_plain(program: Program) -> bool:
    """Every holds and fails row names its node by a constant without `SEPARATOR` (as
    `datalog.from_ir` writes them): only then may the ids be joined into one string."""
    for clause in program.clauses:
        if not isinstance(clause, Rule) or clause.head.predicate != "result":
            continue
        kind, node = clause.head.args[0], clause.head.args[1]
        if not isinstance(kind, Const) or kind.value not in ("holds", "fails"):
            continue
        if not isinstance(node, Const) or not isinstance(node.value, str):
            return False
        if SEPARATOR in node.value:
            return False
    return True


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


Kept = Mapping[str, Conditions]  # table → (column, values read) of each column read by value


def _kept(program: Program) -> Kept:
    """For each fact table, the text columns every atom reading it names by a constant string,
    with those strings: a fact with another value there matches no atom of `program`. The
    Beijing program reads 15 of a pledge's 29 record fields (`rattr`, `rpresent`): for a bank
    with 10,000 pledges its schema holds ~95,000 record facts, not 300,000."""
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
                if (
                    slots[position] == TEXT
                    and isinstance(term, Const)
                    and isinstance(term.value, str)
                ):
                    values.add(term.value)
                else:  # a variable (or a value column): any value may match
                    columns[position] = None
    return {
        table: tuple(
            (position, frozenset(values))
            for position, values in enumerate(columns)
            if values is not None
        )
        for table, columns in named.items()
    }


def _rows_read(programs: Sequence[Program]) -> dict[str, tuple[Conditions, ...]]:
    """For each fact table every one of `programs` reads only in part, the conditions of each
    (`_kept`): a fact no program's conditions admit is never matched, and not loaded. A table
    some program reads whole, or none reads, is loaded whole."""
    alternatives: dict[str, list[Conditions]] = {}
    for program in programs:
        for table, conditions in _compiled(program)[1].kept.items():
            alternatives.setdefault(table, []).append(conditions)
    return {table: _merged(found) for table, found in alternatives.items() if all(found)}


def _merged(alternatives: list[Conditions]) -> tuple[Conditions, ...]:
    """Alternatives that each name values of the same one column (a field's name, as every
    shipped program's do) as one: a fact is then tested once, not once per program."""
    columns = {column for conditions in alternatives for column, _ in conditions}
    if len(columns) == 1 and all(len(conditions) == 1 for conditions in alternatives):
        (column,) = columns
        return (((column, frozenset().union(*(c[0][1] for c in alternatives))),),)
    return tuple(alternatives)


def _conditions(kept: Kept) -> dict[str, str]:
    """`kept` as SQL conditions on the fact tables' text columns (a table with none: absent)."""
    return {
        table: " AND ".join(
            f"c{position}_s IN ({', '.join(_literal(v) for v in sorted(values))})"
            for position, values in columns
        )
        for table, columns in kept.items()
        if columns
    }


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
        "derived": list(compiled.derived),
        "result": [sorted(slots) for slots in compiled.result.columns],
        "scale_query": compiled.scale_query,
    }


def _decode_compiled(data: Any) -> _Compiled:
    slots = tuple(frozenset(column) for column in data["result"])
    if not all(column <= ANY for column in slots):
        raise ValueError("not a slot")
    return _Compiled(
        tuple(str(s) for s in data["derived"]),
        Relation("result", slots),
        None if data["scale_query"] is None else str(data["scale_query"]),
    )


def evaluate_many(
    program: Program, facts: Mapping[str, tuple[GroundFact, ...]], chunk: int = CHUNK
) -> dict[str, Model]:
    """One Model per key of `facts` (a key names one applicant's ground facts in this batch, as
    `datalog.facts.ground_facts` builds them)."""
    keys = list(facts)
    models: dict[str, Model] = {}
    for start in range(0, len(keys), chunk):
        with Batch({key: facts[key] for key in keys[start : start + chunk]}) as batch:
            models.update(batch.evaluate(program, keys[start : start + chunk], {}))
    return models


class Batch:
    """One in-memory database for a batch of applicants: the facts they share across programs
    (`datalog.facts.Grounding.facts`) loaded once, in schema `facts`; then each program
    evaluated in a schema of its own, over the applicants it concerns, and dropped once its
    models are read. A round evaluates ten programs a batch (five documents' gates and full
    programs): encoding the facts as CSV for each was 2 ms of CPU an applicant."""

    @pausing
    def __init__(
        self, facts: Mapping[str, tuple[GroundFact, ...]], programs: Sequence[Program] = ()
    ) -> None:
        """`programs`: the programs this batch will evaluate, when known: only the facts some
        atom of one of them can match are loaded (a bank of 10,000 pledges has ~320,000
        facts, and Beijing's program reads ~100,000 of them), and no other program may be
        evaluated. Empty: every fact is loaded, for any program."""
        import duckdb

        self._connection = duckdb.connect(":memory:", config=SETTINGS)
        self._programs = 0
        self._spent: str | None = None  # the schema of the last program evaluated
        self._ids = {key: _applicant_id(ground) for key, ground in facts.items()}
        self._for = {id(program): program for program in programs} or None
        try:
            # DuckDB draws its own bar on stderr for a long query, terminal or not: a round's
            # log or pipe must stay clean (its own bar is shown only on a terminal)
            self._connection.execute("SET enable_progress_bar = false")
            self._connection.execute("CREATE SCHEMA facts")
            self._use("facts")
            for statement in _fact_ddl().values():
                self._connection.execute(statement)
            lines = csv_lines(FACT_RELATIONS, facts, frozenset(), _rows_read(programs))
            _load_lines(self._connection, FACT_RELATIONS, lines)
        except duckdb.Error as error:
            self.close()
            raise EngineError(f"DuckDB failed: {type(error).__name__}: {error}") from error
        self._loaded = {name: len(found) for name, found in lines.items() if found}

    def __enter__(self) -> Batch:
        return self

    @property
    def facts_loaded(self) -> int:
        """The fact rows the batch holds, all tables together."""
        return sum(self._loaded.values())

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    def _use(self, schema: str) -> None:
        self._connection.execute(f"SET schema = '{schema}'")
        self._connection.execute(f"SET search_path = '{schema},facts'")

    def evaluate(
        self,
        program: Program,
        keys: Sequence[str],
        extra: Mapping[str, tuple[GroundFact, ...]],
    ) -> dict[str, Model]:
        """One Model per key of `keys` (keys of this batch), from the batch's facts and the
        `extra` facts of each key (a document's `within` facts)."""
        import duckdb

        if self._for is not None and self._for.get(id(program)) is not program:
            raise EngineError(f"the batch was not loaded for the program of {program.policy_id}")
        compiled, reads = _compiled(program)
        schema = f"p{self._programs}"
        self._programs += 1
        connection = self._connection
        in_transaction = read = False
        try:
            self._drop_spent()
            connection.execute(f"CREATE SCHEMA {schema}")
            self._use(schema)
            # a batch loaded for this program alone holds only facts it can match already
            alone = self._for is not None and len(self._for) == 1
            self._facts_of(reads.facts, keys, extra, {} if alone else reads.kept)
            connection.execute("BEGIN")  # one transaction: a commit per statement cost 10 %
            in_transaction = True
            for statement in compiled.derived:
                connection.execute(statement)
            connection.execute("COMMIT")
            in_transaction = False
            _check_scales(connection, compiled.scale_query)
            ids = {key: self._ids[key] for key in keys}
            models = _read_models(connection, compiled.result, ids, reads.verdicts_joined)
            read = True
            return models
        except duckdb.Error as error:
            raise EngineError(f"DuckDB failed: {type(error).__name__}: {error}") from error
        finally:
            if read:  # dropped before the next program's, or with the batch (~75 ms for
                self._spent = schema  # Beijing's 1,700 tables: a single check has no next)
            else:
                self._drop(schema, in_transaction)

    def _drop_spent(self) -> None:
        if self._spent is not None:
            self._drop(self._spent, False)
            self._spent = None

    def _drop(self, schema: str, in_transaction: bool) -> None:
        """The program's relations gone (after a failure too: the batch stays usable)."""
        connection = self._connection
        if in_transaction:
            connection.execute("ROLLBACK")
        self._use("main")
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    def _facts_of(
        self,
        relations: tuple[Relation, ...],
        keys: Sequence[str],
        extra: Mapping[str, tuple[GroundFact, ...]],
        kept: Kept,
    ) -> None:
        """The program's schema gets a fact table of its own where the batch's would not do:
        the rows of the applicants in `keys` when they are not all of the batch (a document's
        full program concerns those its gates admit), the rows some atom of the program can
        match when the others are many (`_kept`: the batch's tables hold the facts of every
        program), and the `extra` facts. Every other fact table is the batch's, found through
        the search path."""
        connection = self._connection
        subset = len(keys) != len(self._ids)
        if subset:
            connection.execute(
                "CREATE TABLE batch_keys AS SELECT unnest(?::VARCHAR[]) AS a", [keys]
            )
        lines = csv_lines(relations, {key: extra[key] for key in keys if key in extra}, FACTS)
        ddl = _fact_ddl()
        matching = _conditions(kept)
        for relation in relations:
            name = relation.predicate
            loaded = self._loaded.get(name, 0)
            conditions = [matching[name]] if name in matching and loaded >= KEPT_ABOVE else []
            if subset and loaded:
                conditions.append("a IN (SELECT a FROM batch_keys)")
            if not conditions and not lines[name]:
                continue
            connection.execute(ddl[name])
            if loaded:
                where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
                connection.execute(
                    f"INSERT INTO {relation.table} SELECT * FROM facts.{relation.table}{where}"
                )
        _load_lines(connection, relations, lines)


# A fact table of the batch with fewer rows is read as it is by every program: copying the
# rows an atom can match costs more than it saves
KEPT_ABOVE = 10_000
FACTS = frozenset(EDB_SLOTS)
_DDL: dict[str, str] = {}


def _fact_ddl() -> dict[str, str]:
    if not _DDL:
        _DDL.update(fact_ddl("duckdb"))
    return _DDL


@pausing
def _read_models(
    connection: Any, result: Relation, ids: Mapping[str, str], verdicts_joined: bool
) -> dict[str, Model]:
    """The models of the applicants keyed in `ids` (key → applicant id) from the `result`
    relation: the verdicts as two strings an applicant, every other row one by one, in the
    order `model_from_results` would have given them sorted all together (`sql_rows.order`:
    the fails by id, then the holds by id, and the other kinds fill fields of their own)."""
    grouped, rest = result_reads(result, verdicts_joined)
    verdicts: dict[str, dict[str, DerivedVerdict]] = {}
    if grouped is not None:
        for key, fails, holds in connection.execute(grouped).fetchall():
            found: dict[str, DerivedVerdict] = {}
            if fails is not None:
                found.update(dict.fromkeys(fails.split(SEPARATOR), "fails"))
            if holds is not None:
                found.update(dict.fromkeys(holds.split(SEPARATOR), "holds"))
            verdicts[key] = found
    read = row_reader(result)
    others: dict[str, list[tuple[Any, ...]]] = {}
    # ordered by the text columns: the sort below then finds them in order (a bank's 120,000
    # rows); it alone decides the order (code points, as SQL sorts strings)
    texts = ", ".join(["a"] + [f"c{i}_s" for i in range(leading_texts(result))])
    order = sort_key(result)
    for row in connection.execute(f"{rest} ORDER BY {texts}").fetchall():
        others.setdefault(row[0], []).append(read(row))
    return {
        key: model_from_results(
            sorted(others.get(key, ()), key=order), applicant_id, verdicts.get(key, {})
        )
        for key, applicant_id in ids.items()
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


# ---- facts in -------------------------------------------------------------------------------


def _load_lines(
    connection: Any, relations: tuple[Relation, ...], lines: Mapping[str, list[str]]
) -> None:
    """Every fact table with lines written as one CSV file (a private temporary folder) and
    read by DuckDB's reader with the table's types into the table of the current schema: no
    INSERT per row, and 7× faster than binding Python lists."""
    if not any(lines.values()):
        return
    with tempfile.TemporaryDirectory(prefix="eligibility-duckdb-") as folder:
        for relation in relations:
            if not lines.get(relation.predicate):
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
