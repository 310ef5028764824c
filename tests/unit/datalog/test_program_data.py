"""The compiled Datalog program is plain data, and its shape avoids the pyDatalog traps the
engine relies on the compiler to avoid (notes traps 3, 4, 5, 6 and 10)."""

from __future__ import annotations

import dataclasses
import datetime
import pickle
import subprocess
import sys
from decimal import Decimal

from eligibility.datalog import program as dl
from tests.support import REPO, chongqing

PLAIN = (str, int, bool, Decimal, datetime.date)


def nodes(obj: object):
    """Every object reachable from `obj` through dataclass fields and tuples."""
    yield obj
    if dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            yield from nodes(getattr(obj, field.name))
    elif isinstance(obj, tuple):
        for item in obj:
            yield from nodes(item)


def variables(*terms: object) -> set[str]:
    return {t.name for t in terms if isinstance(t, dl.Var)}


def test_program_is_frozen_plain_data() -> None:
    program = chongqing().program
    assert len(program.clauses) > 100
    for obj in nodes(program):
        if dataclasses.is_dataclass(obj):
            assert type(obj).__module__ == "eligibility.datalog.program", type(obj)
            assert type(obj).__dataclass_params__.frozen, type(obj)
        else:
            assert isinstance(obj, (*PLAIN, tuple)), f"{type(obj).__module__}.{type(obj).__name__}"
            assert not isinstance(obj, float)  # trap 3: floats lose digits in pyDatalog


def test_program_pickles_and_compares_equal() -> None:
    program = chongqing().program
    again = pickle.loads(pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == program
    assert hash(again) == hash(program)  # frozen all the way down


def test_compiling_a_policy_does_not_import_pydatalog() -> None:
    code = (
        "import sys\n"
        "from eligibility.compiler import compile_text\n"
        "text = open('policies/chongqing-2024.policy', encoding='utf-8').read()\n"
        "compile_text(text, 'policies/chongqing-2024.policy')\n"
        "assert 'pyDatalog' not in sys.modules, 'compiling imported pyDatalog'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_rates_and_limits_are_exact_decimals() -> None:
    constants = [obj.value for obj in nodes(chongqing().program) if isinstance(obj, dl.Const)]
    assert Decimal("0.4") in constants and Decimal("0.2") in constants
    assert Decimal("0.02") in constants
    assert Decimal(500000) in constants and Decimal(10000000) in constants
    assert all(isinstance(c, Decimal) for c in constants if c in (Decimal("0.4"), Decimal("0.02")))


def test_every_literal_is_bound_before_it_is_used() -> None:
    """Safe negation (trap 6), comparisons only on bound variables (trap 4: an aggregate is
    never compared in place), arithmetic only in bodies on bound operands (trap 5), and every
    head variable bound by the body (range restriction)."""
    for clause in chongqing().program.clauses:
        bound: set[str] = set()
        for literal in clause.body:
            match literal:
                case dl.Atom():
                    bound |= variables(*literal.args)
                case dl.Negated():
                    assert variables(*literal.atom.args) <= bound, clause
                case dl.Comparison():
                    assert variables(literal.left, literal.right) <= bound, clause
                case dl.Assign():
                    assert variables(literal.left, literal.right) <= bound, clause
                    bound.add(literal.target.name)
        if isinstance(clause, dl.Rule):
            assert all(isinstance(a, dl.Var | dl.Const) for a in clause.head.args)
            assert variables(*clause.head.args) <= bound, clause
        else:
            assert variables(*clause.group, clause.value, clause.for_each) <= bound, clause


def test_no_comparison_reads_an_aggregate_relation_directly() -> None:
    """Aggregates are read into `value` first; comparisons then test the bound variable."""
    program = chongqing().program
    relations = {c.relation for c in program.clauses if isinstance(c, dl.Aggregate)}
    assert relations
    for clause in program.clauses:
        if isinstance(clause, dl.Rule) and any(isinstance(b, dl.Comparison) for b in clause.body):
            assert not {b.predicate for b in clause.body if isinstance(b, dl.Atom)} & relations


def test_every_aggregate_has_an_explicit_zero() -> None:
    """Trap 10: an empty group has no aggregate value at all, so wherever an aggregate is read
    into a value, a second rule gives that value a constant 0 under a negation (no rows)."""
    program = chongqing().program
    rules = [c for c in program.clauses if isinstance(c, dl.Rule)]
    aggregates = [c for c in program.clauses if isinstance(c, dl.Aggregate)]
    assert {a.kind for a in aggregates} == {"count", "sum"}

    def key(head: dl.Atom) -> tuple[object, ...]:
        """The predicate and its constant arguments: which value this rule defines."""
        return (head.predicate, *(a for a in head.args[:-1] if isinstance(a, dl.Const)))

    for aggregate in aggregates:
        readers = [
            r
            for r in rules
            if any(isinstance(b, dl.Atom) and b.predicate == aggregate.relation for b in r.body)
        ]
        assert readers, aggregate.relation
        for reader in readers:
            zeros = [
                r.head.args[-1].value
                for r in rules
                if key(r.head) == key(reader.head)
                and isinstance(r.head.args[-1], dl.Const)
                and any(isinstance(b, dl.Negated) for b in r.body)
            ]
            assert zeros == [0], (aggregate.relation, zeros)
            assert type(zeros[0]) is (int if aggregate.kind == "count" else Decimal)
