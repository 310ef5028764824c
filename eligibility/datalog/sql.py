"""`Program` → SQL statements, built as sqlglot expressions and rendered for a dialect.

The one place SQL is generated: `datalog.duckdb_engine` runs the statements rendered for DuckDB;
the same statements render for Spark SQL (`render(plan, "spark")`), which is how a round beyond
one machine would run (docs/architecture.md).

**One relation per predicate, the applicant column first.** Every table, facts and derived
predicates alike, starts with `a`, the applicant's key in the batch; every atom of a rule body is
joined on it. Evaluating N applicants is then one plan, and what pyDatalog derives in one
context per applicant is exactly the rows of one `a` (record keys repeat across applicants:
`a` keeps them apart). The programs are non-recursive (refused otherwise), so each derived
predicate is one `CREATE TABLE … AS` over the tables before it, in topological order: its rules
are `SELECT … UNION` (DISTINCT where there is one rule; `result`, read back with DISTINCT, a
`UNION ALL`), body atoms joins, constants and comparisons filters, `Assign` a
computed column, `Negated` a `NOT EXISTS` on `a` and the bound variables, `Aggregate` a
`GROUP BY a, group` over the distinct (group, value, for_each) rows, as pyDatalog's
`sum_(V, for_each=R)` and `len_(R)` compute them.

**Exact values: a tagged representation.** A Datalog column holds values of any kind (attr/3
holds bools, ints, Decimals, strings and dates), so each logical column is stored in up to
three slots, each typed exactly; a value fills one slot and leaves the others NULL:
  num  → `cI_t SMALLINT` (1000 bool, 1001 int, else a Decimal's scale) + `cI_n DECIMAL(38,10)`
  s    → `cI_s VARCHAR`    (strings: applicant ids, record keys, field names, enum values)
  d    → `cI_d DATE`
Which slots a column has is inferred from the program: the fact tables declare theirs
(`EDB_SLOTS`), and a derived column has the slots of what its rules put there; record keys and
names stay a single VARCHAR. `datalog.sql_values` builds the value expressions: equality is
Python's (1 == True == Decimal("1.0"): the slots compared null-safely, the tag ignored);
arithmetic follows Python's Decimal exactly: + and − keep the larger scale, × adds the scales,
int op int stays int. Money is never DOUBLE. Values are exact while every stored scale stays
≤ 10 (`SCALE`); the engine checks the stored products, and DuckDB refuses an overflowing ×
(an engine error, never a wrong figure).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import assert_never

from sqlglot import exp

from eligibility.datalog.model import EngineError
from eligibility.datalog.program import (
    Aggregate,
    Assign,
    Atom,
    BodyLiteral,
    Clause,
    Comparison,
    Const,
    Negated,
    Program,
    Rule,
    Term,
    Var,
)  # fmt: skip
from eligibility.datalog.sql_values import (
    ANY,
    NUMBER_TYPE,
    T_BOOL,
    T_INT,
    TEXT,
    TYPES,
    Slot,
    Tagged,
    arithmetic,
    cast,
    compare,
    constant,
    equal,
    fresh,
    sum_of,
)

EDB_SLOTS: dict[str, tuple[frozenset[Slot], ...]] = {
    "applicant": (TEXT,),
    "attr": (TEXT, TEXT, ANY),
    "present": (TEXT, TEXT),
    "record": (TEXT, TEXT, TEXT),
    "rattr": (TEXT, TEXT, ANY),
    "rpresent": (TEXT, TEXT),
    "within": (TEXT, TEXT),
    "subrecord": (TEXT, TEXT, TEXT),
    "chosen": (TEXT, TEXT, TEXT),
}


@dataclass(frozen=True, slots=True)
class Relation:
    """One predicate's table: `a`, then each logical column's slots."""

    predicate: str
    columns: tuple[frozenset[Slot], ...]

    @property
    def table(self) -> str:
        return "rel_" + self.predicate

    def physical(self) -> tuple[tuple[str, str], ...]:
        """(column name, SQL type) in table order."""
        out = [("a", "VARCHAR")]
        for i, slots in enumerate(self.columns):
            if "num" in slots:
                out += [(f"c{i}_t", "SMALLINT"), (f"c{i}_n", NUMBER_TYPE)]
            if "s" in slots:
                out.append((f"c{i}_s", "VARCHAR"))
            if "d" in slots:
                out.append((f"c{i}_d", "DATE"))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Plan:
    """The fact tables to load, then the statements of each derived predicate in dependency
    order: its CREATE TABLE, and an INSERT per further group of rules (`UNION_GROUP`)."""

    facts: tuple[Relation, ...]
    derived: tuple[tuple[Relation, exp.Expr], ...]
    multiplied: tuple[Relation, ...]  # stored products: their scales are checked (`SCALE`)

    def relation(self, predicate: str) -> Relation:
        return next(r for r, _ in self.derived if r.predicate == predicate)


def plan(program: Program) -> Plan:
    """The statements for `program`; refuses a recursive program (none is shipped)."""
    by_predicate: dict[str, list[Clause]] = {}
    for clause in program.clauses:
        by_predicate.setdefault(_head_predicate(clause), []).append(clause)
    relations = {name: Relation(name, slots) for name, slots in EDB_SLOTS.items()}
    derived = []
    multiplied: list[Relation] = []
    for predicate in _topological(by_predicate):
        if predicate in EDB_SLOTS:
            raise EngineError(f"the program derives the fact predicate {predicate}")
        heads: list[tuple[Tagged, ...]] = []
        bodies: list[exp.Select] = []
        for clause in by_predicate.get(predicate, []):
            select, head = _clause(clause, relations)
            bodies.append(select)
            heads.append(head)
        relation = Relation(predicate, _head_slots(predicate, heads, by_predicate))
        relations[predicate] = relation
        alone = len(bodies) == 1  # a UNION removes duplicates itself: its branches need not
        selects = [
            _project(body, head, relation, distinct=alone)
            for body, head in zip(bodies, heads, strict=True)
        ]
        derived += _statements(relation, selects)
        if any(_multiplies(clause) for clause in by_predicate.get(predicate, [])):
            multiplied.append(relation)
    facts = tuple(relations[name] for name in EDB_SLOTS)
    return Plan(facts, tuple(derived), tuple(multiplied))


UNION_GROUP = 40  # branches per statement: DuckDB's planning time grows faster than linearly


def _statements(relation: Relation, selects: list[exp.Select]) -> list[tuple[Relation, exp.Expr]]:
    """The relation's CREATE TABLE, then an INSERT per further group of `UNION_GROUP` rules.
    Planning one UNION of the ~1,400 rules of Beijing's `result` took 6 s, in groups 2 s. Rows
    repeated across groups change nothing: a relation is read as a set (joins, NOT EXISTS, the
    aggregates' DISTINCT) and `result` is read back with DISTINCT."""
    if not selects:
        return [
            (
                relation,
                exp.Create(this=_table(relation.table), kind="TABLE", expression=_empty(relation)),
            )
        ]
    statements: list[tuple[Relation, exp.Expr]] = []
    # `result` is read back with DISTINCT: its UNIONs need not remove duplicates as they go
    # (a hash table over every row of a chunk's ~1,400 rules)
    distinct = relation.predicate != "result"
    for start in range(0, len(selects), UNION_GROUP):
        group = selects[start : start + UNION_GROUP]
        query: exp.Query = (
            group[0] if len(group) == 1 else exp.union(*group, distinct=distinct, copy=False)
        )
        if start == 0:
            statement: exp.Expr = exp.Create(
                this=_table(relation.table), kind="TABLE", expression=query
            )
        else:
            statement = exp.Insert(this=_table(relation.table), expression=query)
        statements.append((relation, statement))
    return statements


def _multiplies(clause: Clause) -> bool:
    return any(isinstance(b, Assign) and b.op == "*" for b in _body_of(clause))


def scale_check(statements: Plan) -> str | None:
    """A query for the largest scale of any stored product (None: the program multiplies
    nothing). Beyond `SCALE` the stored figure was rounded: the engine refuses it."""
    parts = [
        f"SELECT max(c{i}_t) AS scale FROM {r.table} WHERE c{i}_t < {T_BOOL}"
        for r in statements.multiplied
        for i, slots in enumerate(r.columns)
        if "num" in slots
    ]
    return f"SELECT max(scale) FROM ({' UNION ALL '.join(parts)})" if parts else None


SEPARATOR = "\x1f"  # between the node ids of one applicant's verdicts (ids never hold it)


def result_reads(result: Relation, verdicts_joined: bool = True) -> tuple[str | None, str]:
    """Two queries that read the `result` relation back, each row once (a relation of many
    rules is built by several statements, `UNION_GROUP`, so DISTINCT):

    - the verdicts (most rows) of the rows keyed by their own applicant's id (the rows the
      Model keeps), one row per applicant: the node ids that fail and those that hold, each
      sorted and joined by `SEPARATOR` into one string (a Python string per applicant, not
      three per row); None when the key column cannot hold a string or not `verdicts_joined`
      (some node id is not a constant free of the separator);
    - every other row, cells as stored, for `sql_rows.row_reader`."""
    names = ", ".join(name for name, _ in result.physical())
    verdict = "c0_s IN ('holds', 'fails')"
    plain = len(result.columns) == 4 and all("s" in slots for slots in result.columns[:3])
    if not plain or not verdicts_joined:
        return None, f"SELECT DISTINCT {names} FROM {result.table}"
    ids = ", ".join(
        f"string_agg(c1_s, chr({ord(SEPARATOR)}) ORDER BY c1_s) FILTER (WHERE c0_s = '{kind}')"
        for kind in ("fails", "holds")
    )
    own = (
        f"SELECT DISTINCT r.a, r.c0_s, r.c1_s FROM {result.table} AS r"
        " JOIN rel_applicant AS p ON p.a = r.a AND p.c0_s = r.c2_s"
        f" WHERE r.{verdict} AND r.c1_s IS NOT NULL"
    )
    grouped = f"SELECT a, {ids} FROM ({own}) GROUP BY a"
    return grouped, (
        f"SELECT DISTINCT {names} FROM {result.table} WHERE NOT ({verdict}) OR c0_s IS NULL"
    )


def fact_ddl(dialect: str = "duckdb") -> dict[str, str]:
    """The CREATE TABLE of each fact relation, by predicate."""
    return {
        name: _create_table(Relation(name, slots)).sql(dialect=dialect)
        for name, slots in EDB_SLOTS.items()
    }


def render(statements: Plan, dialect: str = "duckdb") -> list[str]:
    """Every statement as text: the fact tables' DDL, then the derived tables in order."""
    ddl = [_create_table(r).sql(dialect=dialect) for r in statements.facts]
    # sqlglot copies the tree before generating, in case the dialect rewrites it: DuckDB's
    # does not rewrite these statements, and the copy was a third of the time
    copy = dialect != "duckdb"
    return ddl + [s.sql(dialect=dialect, copy=copy) for _, s in statements.derived]


def _create_table(relation: Relation) -> exp.Create:
    columns = [
        exp.ColumnDef(this=exp.to_identifier(name), kind=TYPES[kind].copy())
        for name, kind in relation.physical()
    ]
    schema = exp.Schema(this=_table(relation.table), expressions=columns)
    return exp.Create(this=schema, kind="TABLE")


def _head_predicate(clause: Clause) -> str:
    match clause:
        case Rule():
            return clause.head.predicate
        case Aggregate():
            return clause.relation
        case _:
            assert_never(clause)


def _body_of(clause: Clause) -> tuple[BodyLiteral, ...]:
    return clause.body


def _dependencies(clauses: Iterable[Clause]) -> list[str]:
    found: list[str] = []
    for clause in clauses:
        for literal in _body_of(clause):
            if isinstance(literal, Atom):
                found.append(literal.predicate)
            elif isinstance(literal, Negated):
                found.append(literal.atom.predicate)
    return found


def _topological(by_predicate: dict[str, list[Clause]]) -> list[str]:
    """Derived predicates, each after every predicate its rules read (depth first, in program
    order); a predicate read but never defined is an empty table, as in pyDatalog."""
    order: list[str] = []
    state: dict[str, str] = {}
    for root in by_predicate:
        stack: list[tuple[str, list[str]]] = []
        if root in state:
            continue
        state[root] = "open"
        stack.append((root, _dependencies(by_predicate.get(root, []))))
        while stack:
            predicate, pending = stack[-1]
            if not pending:
                stack.pop()
                state[predicate] = "done"
                order.append(predicate)
                continue
            dependency = pending.pop()
            if dependency in EDB_SLOTS or state.get(dependency) == "done":
                continue
            if state.get(dependency) == "open":
                raise EngineError(f"the program is recursive through {dependency}: SQL refuses it")
            state[dependency] = "open"
            stack.append((dependency, _dependencies(by_predicate.get(dependency, []))))
    return order


def _head_slots(
    predicate: str, heads: list[tuple[Tagged, ...]], by_predicate: dict[str, list[Clause]]
) -> tuple[frozenset[Slot], ...]:
    if not heads:  # read but never derived: an empty table of the arity it is read with
        return (ANY,) * _arity_read(predicate, by_predicate)
    return tuple(frozenset().union(*(h[i].slots for h in heads)) for i in range(len(heads[0])))


def _arity_read(predicate: str, by_predicate: dict[str, list[Clause]]) -> int:
    for clauses in by_predicate.values():
        for clause in clauses:
            for literal in _body_of(clause):
                atom = literal.atom if isinstance(literal, Negated) else literal
                if isinstance(atom, Atom) and atom.predicate == predicate:
                    return len(atom.args)
    raise EngineError(f"{predicate} is neither derived nor read")


# ---- one clause: FROM/JOIN/WHERE, and the head's values -------------------------------------


def _column(alias: str, relation: Relation, index: int) -> Tagged:
    slots = relation.columns[index]
    return Tagged(
        t=exp.column(f"c{index}_t", alias) if "num" in slots else None,
        n=exp.column(f"c{index}_n", alias) if "num" in slots else None,
        s=exp.column(f"c{index}_s", alias) if "s" in slots else None,
        d=exp.column(f"c{index}_d", alias) if "d" in slots else None,
    )


def _compare(x: Tagged, op: str, right: Term, bound: dict[str, Tagged]) -> exp.Expr:
    if isinstance(right, Const) and isinstance(right.value, tuple):
        return compare(x, op, right.value)
    return compare(x, op, _term(right, bound))


def _term(term: Term, bound: dict[str, Tagged]) -> Tagged:
    match term:
        case Var(name):
            if name not in bound:
                raise EngineError(f"{name} is used before a literal binds it")
            return fresh(bound[name])
        case Const(value):
            return constant(value)
        case _:
            assert_never(term)


@dataclass(slots=True)
class _Body:
    """A rule body being translated: the first atom's alias gives `a`."""

    select: exp.Select
    bound: dict[str, Tagged]
    where: list[exp.Expr]
    aliases: int = 0


def _body(body: tuple[BodyLiteral, ...], relations: dict[str, Relation]) -> _Body:
    atoms = [lit for lit in body if isinstance(lit, Atom)]
    state = _Body(exp.Select(), {}, [])
    if not atoms:  # constants alone: once per applicant
        state.select = state.select.from_(_table("rel_applicant", "t0"), copy=False)
        state.aliases = 1
    for literal in body:
        match literal:
            case Atom():
                _join(literal, relations, state)
            case Negated(atom):
                state.where.append(exp.not_(_exists(atom, relations, state.bound), copy=False))
            case Comparison(left, op, right):
                state.where.append(_compare(_term(left, state.bound), op, right, state.bound))
            case Assign(target, op, left, right):
                value = arithmetic(op, _term(left, state.bound), _term(right, state.bound))
                if target.name in state.bound:
                    state.where.append(equal(state.bound[target.name], value))
                else:
                    state.bound[target.name] = value
            case _:
                assert_never(literal)
    if state.where:
        state.select = state.select.where(exp.and_(*state.where, copy=False), copy=False)
    return state


def _relation(predicate: str, relations: dict[str, Relation]) -> Relation:
    relation = relations.get(predicate)
    if relation is None:
        raise EngineError(f"{predicate} is read before it is derived")
    return relation


def _join(atom: Atom, relations: dict[str, Relation], state: _Body) -> None:
    relation = _relation(atom.predicate, relations)
    if len(atom.args) != len(relation.columns):
        raise EngineError(f"{atom.predicate} is read with {len(atom.args)} arguments")
    alias = f"t{state.aliases}"
    state.aliases += 1
    conditions: list[exp.Expr] = []
    if alias != "t0":
        conditions.append(exp.EQ(this=exp.column("a", alias), expression=exp.column("a", "t0")))
    for index, arg in enumerate(atom.args):
        column = _column(alias, relation, index)
        if isinstance(arg, Var) and arg.name not in state.bound:
            state.bound[arg.name] = column
        else:
            conditions.append(equal(column, _term(arg, state.bound)))
    table = _table(relation.table, alias)
    if alias == "t0":
        state.select = state.select.from_(table, copy=False)
        state.where += conditions
    else:
        state.select = state.select.join(table, on=exp.and_(*conditions, copy=False), copy=False)


def _exists(atom: Atom, relations: dict[str, Relation], bound: dict[str, Tagged]) -> exp.Exists:
    relation = _relation(atom.predicate, relations)
    alias = f"n_{atom.predicate}"
    conditions: list[exp.Expr] = [
        exp.EQ(this=exp.column("a", alias), expression=exp.column("a", "t0"))
    ]
    for index, arg in enumerate(atom.args):
        if isinstance(arg, Var) and arg.name not in bound:
            raise EngineError(f"unsafe negation: {arg.name} is not bound before not {atom}")
        conditions.append(equal(_column(alias, relation, index), _term(arg, bound)))
    inner = (
        exp.Select()
        .select(exp.Literal.number(1), copy=False)
        .from_(_table(relation.table, alias), copy=False)
        .where(exp.and_(*conditions, copy=False), copy=False)
    )
    return exp.Exists(this=inner)


def _clause(
    clause: Clause, relations: dict[str, Relation]
) -> tuple[exp.Select, tuple[Tagged, ...]]:
    match clause:
        case Rule(head, body):
            state = _body(body, relations)
            return state.select, tuple(_term(arg, state.bound) for arg in head.args)
        case Aggregate():
            return _aggregate(clause, relations)
        case _:
            assert_never(clause)


def _aggregate(
    clause: Aggregate, relations: dict[str, Relation]
) -> tuple[exp.Select, tuple[Tagged, ...]]:
    """GROUP BY a and the group over the body's distinct (group, value, for_each) rows: a count
    counts the distinct for_each, a sum adds the value of each distinct row (pyDatalog's
    `sum_(V, for_each=R)`), starting from the int 0 as Python's sum does."""
    state = _body(clause.body, relations)
    kept = [*clause.group, clause.for_each] + ([clause.value] if clause.kind == "sum" else [])
    names: dict[str, Tagged] = {}
    projections: list[exp.Expr] = [_alias(exp.column("a", "t0"), "a")]
    for position, var in enumerate(dict.fromkeys(kept)):
        value = _term(var, state.bound)
        local = {}
        for slot, expression in (("t", value.t), ("n", value.n), ("s", value.s), ("d", value.d)):
            if expression is not None:
                local[slot] = exp.column(f"k{position}_{slot}", "g")
                projections.append(_alias(expression, f"k{position}_{slot}"))
        names[var.name] = Tagged(**local)
    inner = state.select.select(*projections, copy=False).distinct(copy=False)
    group: list[exp.Expr] = [exp.column("a", "g")]
    for var in clause.group:
        tagged = names[var.name]
        group += [e.copy() for e in (tagged.t, tagged.n, tagged.s, tagged.d) if e is not None]
    outer = (
        exp.Select().from_(inner.subquery("g", copy=False), copy=False).group_by(*group, copy=False)
    )
    if clause.kind == "count":
        total = Tagged(exp.Literal.number(T_INT), cast(exp.Count(this=exp.Star()), NUMBER_TYPE))
    else:
        total = sum_of(names[clause.value.name])
    outer.set("expressions", [exp.column("a", "g")])
    return outer, (*(fresh(names[v.name]) for v in clause.group), total)


def _project(
    select: exp.Select, head: tuple[Tagged, ...], relation: Relation, *, distinct: bool
) -> exp.Select:
    """The head's values in the relation's columns; a slot this rule never fills is NULL.
    DISTINCT only where no UNION follows: each costs DuckDB a hash table (~0.5 ms even for
    a few rows), and a statement's fixed cost is what a round pays per relation."""
    a = exp.column("a", "g") if select.args.get("group") else exp.column("a", "t0")
    projections: list[exp.Expr] = [_alias(a, "a")]
    for index, slots in enumerate(relation.columns):
        value = head[index]
        if "num" in slots:
            projections.append(_alias(_typed(value.t, "SMALLINT"), f"c{index}_t"))
            projections.append(_alias(_typed(value.n, NUMBER_TYPE), f"c{index}_n"))
        if "s" in slots:
            projections.append(_alias(_typed(value.s, "VARCHAR"), f"c{index}_s"))
        if "d" in slots:
            projections.append(_alias(_typed(value.d, "DATE"), f"c{index}_d"))
    select.set("expressions", projections)  # each body is projected once: no copy
    if select.args.get("group") or not distinct:
        return select
    return select.distinct(copy=False)


def _alias(value: exp.Expr, name: str) -> exp.Alias:
    return exp.Alias(this=value, alias=exp.to_identifier(name))


def _table(name: str, alias: str | None = None) -> exp.Table:
    table = exp.Table(this=exp.to_identifier(name))
    if alias is not None:
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return table


def _typed(value: exp.Expr | None, kind: str) -> exp.Expr:
    return cast(value if value is not None else exp.Null(), kind)


def _empty(relation: Relation) -> exp.Select:
    projections = [_alias(cast(exp.Null(), kind), name) for name, kind in relation.physical()]
    return exp.Select().select(*projections).where(exp.false())
