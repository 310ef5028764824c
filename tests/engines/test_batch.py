"""`duckdb_engine.Batch`: the facts a batch shares loaded once, each program evaluated over some
of its applicants with facts of its own, must give the models of a batch of exactly those
applicants and facts; and the verdicts read back joined into strings must be the rows' own."""

from __future__ import annotations

import pytest

from bench.population import generate, generate_large
from eligibility.compiler import load_policy_lazily, policy_files
from eligibility.datalog.duckdb_engine import Batch, evaluate_many
from eligibility.datalog.facts import ground_base
from eligibility.datalog.model import EngineError
from eligibility.datalog.program import Atom, Const, GroundFact, Program, Rule, Var
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import validate_document

A = Var("A")


def test_a_program_over_some_applicants_of_a_batch_gives_their_own_models() -> None:
    applicants = []
    for document in generate(30, 5):
        applicant = validate_document(document, "0" * 64)
        assert isinstance(applicant, ApplicantFacts)
        applicants.append(applicant)
    sources = [load_policy_lazily(path) for path in policy_files()]
    fields = frozenset().union(*(s.gates().region_fields for s in sources))
    bases = {str(i): ground_base(a, fields) for i, a in enumerate(applicants)}
    with Batch({key: base.facts for key, base in bases.items()}) as batch:
        for source in sources:
            compiled = source.full()
            some = [key for key in bases if int(key) % 3 != 1]
            extra = {key: bases[key].within(compiled.region_fields) for key in some}
            got = batch.evaluate(compiled.program, some, extra)
            alone = {key: bases[key].with_regions(compiled.region_fields) for key in some}
            assert got == evaluate_many(compiled.program, alone), compiled.program.policy_id
            assert list(got) == some


def test_a_batch_loaded_for_its_programs_gives_the_models_of_one_loaded_with_every_fact() -> None:
    """A batch named its programs loads only the facts one of them can match (a bank's
    pledges: fewer than half); the models are those of a batch holding every fact, and a
    program it was not loaded for is refused rather than evaluated over missing facts."""
    applicants = [validate_document(generate_large(40, 3), "0" * 64)]
    applicants += [validate_document(document, "0" * 64) for document in generate(12, 8)]
    assert all(isinstance(a, ApplicantFacts) for a in applicants)
    sources = [load_policy_lazily(path) for path in policy_files()]
    fields = frozenset().union(*(s.gates().region_fields for s in sources))
    facts = {
        str(i): ground_base(a, fields).facts  # type: ignore[arg-type]
        for i, a in enumerate(applicants)
    }
    programs = [source.full().program for source in sources]
    with Batch(facts) as whole, Batch(facts, programs[:2]) as named:
        assert named.facts_loaded < whole.facts_loaded / 2
        for program in programs[:2]:
            keys = list(facts)
            assert named.evaluate(program, keys, {}) == whole.evaluate(program, keys, {})
        with pytest.raises(EngineError, match="not loaded for"):
            named.evaluate(programs[2], list(facts), {})


def test_verdicts_of_ids_holding_the_separator_are_read_row_by_row() -> None:
    program = Program(
        "t",
        tuple(
            Rule(
                Atom("result", (Const(kind), Const(node), A, Const(""))), (Atom("applicant", (A,)),)
            )
            for kind, node in (("holds", "n\x1fone"), ("fails", "n.2"), ("holds", "n.2"))
        ),
    )
    facts = {"k": (GroundFact("applicant", ("x",)),)}
    assert evaluate_many(program, facts)["k"].verdicts == {"n.2": "holds", "n\x1fone": "holds"}
