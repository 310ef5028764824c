"""Both engines give the same decisions: every legal test case of every policy and every
applicant in examples/, through pyDatalog one at a time and through DuckDB as one batch per
policy, must render to byte-identical decision JSON apart from the engine's name.

Each batch is a small round: the test cases of one policy share applicant ids, so this also
checks that the applicant column keeps applicants (and their record keys) apart.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from eligibility.compiler import load_policy, load_policy_lazily, policy_files
from eligibility.evaluate import decide_many
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import load_applicant
from eligibility.policytests.load import load_suite, suite_name
from eligibility.render.json import decision_json, dumps
from eligibility.resources import POLICY_DIR

ROOT = Path(__file__).resolve().parents[2]
SUITES = sorted(POLICY_DIR.glob("*.tests.yaml"))
OWN_POLICY = sorted(ROOT.glob("examples/*/*.policy"))  # examples/authoring: its own facts


def _shipped_examples() -> list[Path]:
    """The examples decided against the shipped policies: not the invalid ones, and not those
    beside a policy of their own (test_an_examples_own_policy_decides_alike)."""
    own = {p.parent for p in OWN_POLICY}
    return sorted(
        p
        for p in (ROOT / "examples").rglob("*.json")
        if "invalid" not in p.parts and p.parent not in own
    )


def _engine(decision: dict[str, Any]) -> str:
    return str(decision["provenance"]["versions"]["engine"])


def _without_engine(decision: dict[str, Any]) -> str:
    del decision["provenance"]["versions"]["engine"]
    return dumps(decision)


def _assert_agree(policies: tuple, applicants: list[ApplicantFacts], labels: list[str]) -> None:
    reference = decide_many(policies, applicants, "pydatalog")
    batched = decide_many(policies, applicants, "duckdb")
    assert len(batched) == len(applicants)
    for label, ours, theirs in zip(labels, batched, reference, strict=True):
        ours_json, theirs_json = decision_json(ours), decision_json(theirs)
        assert _engine(ours_json).startswith("duckdb ")
        assert _engine(theirs_json).startswith("pyDatalog ")
        assert _without_engine(ours_json) == _without_engine(theirs_json), label


@pytest.mark.parametrize("tests_file", SUITES, ids=[suite_name(s) for s in SUITES])
def test_every_legal_case_decides_alike(tests_file: Path) -> None:
    name = suite_name(tests_file)
    policy_file = tests_file.with_name(f"{name}.policy")
    compiled = load_policy(policy_file)
    suite = load_suite(tests_file, policy_file, compiled.policy, str(tests_file))
    assert suite.cases and not suite.problems
    cases = list(suite.cases)
    _assert_agree((compiled,), [c.applicant for c in cases], [c.case_id for c in cases])


def test_every_example_decides_alike() -> None:
    files = _shipped_examples()
    applicants = []
    for path in files:
        applicant = load_applicant(path, as_of=None, assessment_year=None)
        assert not isinstance(applicant, tuple), path
        applicants.append(applicant)
    policies = tuple(load_policy_lazily(path) for path in policy_files())
    _assert_agree(policies, applicants, [str(p.relative_to(ROOT)) for p in files])


@pytest.mark.parametrize("policy_file", OWN_POLICY, ids=lambda p: p.parent.name)
def test_an_examples_own_policy_decides_alike(policy_file: Path) -> None:
    """An example beside its own policy and facts (docs/writing-a-policy.md), on both engines,
    its applicants validated against that policy's facts."""
    from eligibility.facts.vocabulary import for_policies, using

    compiled = load_policy(policy_file)
    files = sorted(p for p in policy_file.parent.glob("*.json") if not p.name.startswith("invalid"))
    with using(for_policies([compiled.policy.vocabulary])):
        applicants = []
        for path in files:
            applicant = load_applicant(path, as_of=None, assessment_year=None)
            assert not isinstance(applicant, tuple), path
            applicants.append(applicant)
        assert applicants
        _assert_agree((compiled,), applicants, [p.name for p in files])


# a generated population, all five documents in turn (undecided records, missing facts, moved
# regions and dates among its variants): 40 in the normal run (~15 s on pyDatalog), more with
# ENGINES_POPULATION=N (`make bench` runs 600: its DuckDB batch decides the gates in DuckDB)
POPULATION = int(os.environ.get("ENGINES_POPULATION", "40"))


@pytest.mark.parametrize("gates_in_duckdb", [False, True], ids=["gates-python", "gates-duckdb"])
def test_a_generated_population_decides_alike(
    gates_in_duckdb: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every applicant of a generated population against all five policies: pyDatalog one at
    a time, DuckDB as one batch, the batch loading only the facts its programs read (with the
    gates decided in Python first, or, as in a round's large chunk, in DuckDB itself)."""
    from bench.population import generate
    from eligibility import evaluate as evaluate_module
    from eligibility.facts.validate import validate_document

    if gates_in_duckdb:
        monkeypatch.setattr(evaluate_module, "GATES_IN_DUCKDB", 1)
    applicants = []
    for document in generate(POPULATION, 17):
        applicant = validate_document(document, "0" * 64)
        assert isinstance(applicant, ApplicantFacts)
        applicants.append(applicant)
    policies = tuple(load_policy_lazily(path) for path in policy_files())
    _assert_agree(policies, applicants, [a.applicant_id for a in applicants])


def test_gates_decided_in_duckdb_give_the_plain_python_models() -> None:
    """A large DuckDB batch decides the gates in one plan (`evaluate.GATES_IN_DUCKDB`): the
    models must be those of `datalog.naive` (which pyDatalog's are tested against), here on
    every example and a generated population of all five documents."""
    from bench.population import generate
    from eligibility.datalog.duckdb_engine import evaluate_many
    from eligibility.datalog.facts import ground_facts
    from eligibility.datalog.naive import evaluate as naive_evaluate
    from eligibility.facts.validate import validate_document

    applicants: list[ApplicantFacts] = []
    for path in _shipped_examples():
        applicant = load_applicant(path, as_of=None, assessment_year=None)
        assert not isinstance(applicant, tuple), path
        applicants.append(applicant)
    for document in generate(60, 3):
        applicant = validate_document(document, "0" * 64)
        assert isinstance(applicant, ApplicantFacts)
        applicants.append(applicant)
    for path in policy_files():
        gates = load_policy_lazily(path).gates()
        grounds = {str(i): ground_facts(a, gates.region_fields) for i, a in enumerate(applicants)}
        batched = evaluate_many(gates.program, grounds)
        for i, applicant in enumerate(applicants):
            expected = naive_evaluate(gates.program, grounds[str(i)], applicant.applicant_id)
            assert batched[str(i)] == expected, (path.stem, applicant.applicant_id)
