"""`engine.LoadedProgram` / `evaluate_reusing`: a program loaded once and evaluated for one
applicant after another gives exactly the Model a fresh evaluation gives, for every legal test
case of every document in one process (so no applicant's facts or derivations leak into the
next), and a loaded context stays in the thread that loaded it (pyDatalog trap 7)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

from eligibility.compiler import CompiledPolicy, load_policy
from eligibility.datalog import engine
from eligibility.datalog.facts import ground_facts
from eligibility.facts.model import ApplicantFacts
from eligibility.policytests.load import load_suite, suite_name
from eligibility.resources import POLICY_DIR

ROOT = Path(__file__).resolve().parents[3]


@cache
def _cases() -> tuple[tuple[CompiledPolicy, ApplicantFacts, str], ...]:
    """Every legal test case, the documents interleaved: each evaluation switches context."""
    suites = []
    for tests in sorted(POLICY_DIR.glob("*.tests.yaml")):
        policy_file = tests.with_name(f"{suite_name(tests)}.policy")
        compiled = load_policy(policy_file)
        suite = load_suite(tests, policy_file.relative_to(ROOT), compiled.policy, tests.name)
        suites.append([(compiled, case.applicant, case.case_id) for case in suite.cases])
    longest = max(len(s) for s in suites)
    return tuple(s[i] for i in range(longest) for s in suites if i < len(s))


def _fresh(compiled: CompiledPolicy, applicant: ApplicantFacts) -> engine.Model:
    ground = ground_facts(applicant, compiled.region_fields)
    return engine.evaluate(compiled.program, ground, applicant.applicant_id)


def test_every_legal_case_in_one_process_equals_a_fresh_evaluation() -> None:
    loaded = {id(c.program): engine.LoadedProgram(c.program) for c, _, _ in _cases()}
    assert len(loaded) == 5
    for compiled, applicant, case_id in _cases():
        ground = ground_facts(applicant, compiled.region_fields)
        reused = loaded[id(compiled.program)].evaluate(ground, applicant.applicant_id)
        assert reused == _fresh(compiled, applicant), case_id


def test_evaluate_reusing_equals_a_fresh_evaluation_twice_over() -> None:
    """The same applicant again after others: the second answer is the first."""
    cases = _cases()[:12]
    first = []
    for compiled, applicant, _ in cases + cases:
        ground = ground_facts(applicant, compiled.region_fields)
        first.append(engine.evaluate_reusing(compiled.program, ground, applicant.applicant_id))
    assert first[: len(cases)] == first[len(cases) :]
    assert first[: len(cases)] == [_fresh(c, a) for c, a, _ in cases]


def test_a_loaded_program_refuses_another_thread() -> None:
    compiled, applicant, _ = _cases()[0]
    loaded = engine.LoadedProgram(compiled.program)
    ground = ground_facts(applicant, compiled.region_fields)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(loaded.evaluate, ground, applicant.applicant_id)
        with pytest.raises(engine.EngineError, match="another thread"):
            future.result()


def test_threads_reusing_the_same_program_keep_their_facts_apart() -> None:
    cases = [c for c in _cases() if c[0] is _cases()[0][0]][:8]

    def run(index: int) -> engine.Model:
        compiled, applicant, _ = cases[index]
        ground = ground_facts(applicant, compiled.region_fields)
        return engine.evaluate_reusing(compiled.program, ground, applicant.applicant_id)

    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(run, list(range(len(cases))) * 2))
    expected = [_fresh(c, a) for c, a, _ in cases]
    assert found == expected * 2


def test_a_plain_dict_predicate_registry_changes_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """`engine._new_context` keeps predicates in a plain dict, not pyDatalog's weak registry
    (faster to build): on legal cases of every document, the pyDatalog default gives the same
    Model. (The reuse test above compares both too: a loaded context, switched back to, has
    its registry copied by pyDatalog into a weak one again.)"""
    cases = _cases()[:15]
    strong = [_fresh(c, a) for c, a, _ in cases]
    engine.evaluate(cases[0][0].program, (), "X")
    assert type(engine.Logic.tl.logic.Pred_registry) is dict
    monkeypatch.setattr(engine, "_new_context", engine.Logic)
    engine.evaluate(cases[0][0].program, (), "X")
    assert type(engine.Logic.tl.logic.Pred_registry) is not dict
    assert [_fresh(c, a) for c, a, _ in cases] == strong
