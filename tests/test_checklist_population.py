"""The checklist holds for applicants nobody wrote by hand (bench/population.py): for every
result of a generated applicant, each fact `missing` names is under exactly one row of
`missing_facts`, and that row is a row of the programme's `eligibility fields` checklist
(the checklist reads everything evaluation reads)."""

from __future__ import annotations

import json
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.population import generate
from eligibility.compiler import CompiledPolicy, load_policy, policy_files
from eligibility.evaluate import decide
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import validate_document
from eligibility.ir.checklist import policy_checklists


@cache
def _policies() -> tuple[CompiledPolicy, ...]:
    return tuple(load_policy(path) for path in policy_files())


@cache
def _rows() -> frozenset[tuple[str, str]]:
    return frozenset(
        (c.programme, row.path)
        for policy in _policies()
        for c in policy_checklists(policy.policy)
        for row in c.rows
    )


@settings(max_examples=12, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000))
def test_every_missing_fact_has_one_checklist_row(seed: int) -> None:
    (document,) = generate(1, seed)
    facts = validate_document(json.loads(json.dumps(document)), "0" * 64)
    assert isinstance(facts, ApplicantFacts)
    decision = decide(_policies(), facts)
    for result in decision.results:
        covered = [path for _, paths in result.missing_facts for path in paths]
        assert sorted(covered) == sorted(result.missing), result.programme
        for row, _ in result.missing_facts:
            assert (result.programme, row.path) in _rows(), (result.programme, row.path)
