"""What the explainer and the JSON writer remember across applicants changes no byte.

A round builds most results from parts made once: the result of a programme whose document
does not apply is made once for every set of gate values and a test's proof node once for every
value and verdict (`decision.from_model`), their JSON once (`render.json`). A generated population is decided twice, once with all of
that remembered across applicants, once with it dropped before every result, and every
decision must serialise to the same bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

import eligibility.evaluate as evaluate_module
from bench.population import generate
from eligibility.compiler import load_policy_lazily, policy_files
from eligibility.decision import static
from eligibility.decision.proof import Decision
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import parse_json, validate_document
from eligibility.render import json as render_json

COUNT = 30  # six of each document: 24 decisions with documents that do not apply to them


def _applicants() -> list[ApplicantFacts]:
    out = []
    for doc in generate(COUNT, 5):
        raw = json.dumps(doc, ensure_ascii=False).encode()
        facts = validate_document(parse_json(raw), hashlib.sha256(raw).hexdigest())
        assert isinstance(facts, ApplicantFacts)
        out.append(facts)
    return out


def _forgetting(builder: Any) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        static.forget()
        render_json.forget()
        return builder(*args, **kwargs)

    return build


def _bytes(decisions: list[Decision]) -> Iterator[bytes]:
    for decision in decisions:
        yield render_json.decision_bytes(decision)
        yield render_json.decision_line(dataclasses.replace(decision, versions=()))
        yield json.dumps(render_json.decision_json(decision, "en"), ensure_ascii=False).encode()


def test_remembered_parts_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    policies = tuple(load_policy_lazily(path) for path in policy_files())
    applicants = _applicants()
    static.forget()
    render_json.forget()
    remembered = evaluate_module.decide_many(policies, applicants, "pydatalog", proposals=False)
    warm = list(_bytes(remembered))
    shared = {
        id(r)
        for a, b in itertools.pairwise(remembered)
        for r in a.results
        if r.not_applicable and any(r is s for s in b.results)
    }
    assert shared, "no result was given again: the population no longer exercises the cache"
    for name in ("not_applicable_result", "programme_result"):
        monkeypatch.setattr(evaluate_module, name, _forgetting(getattr(evaluate_module, name)))
    afresh = evaluate_module.decide_many(policies, applicants, "pydatalog", proposals=False)
    assert not any(
        r is s
        for a, b in zip(remembered, afresh, strict=True)
        for r, s in zip(a.results, b.results, strict=True)
    )
    cold = []
    for decision in afresh:
        static.forget()
        render_json.forget()
        cold += list(_bytes([decision]))
    assert len(warm) == len(cold) == 3 * COUNT
    for i, (ours, theirs) in enumerate(zip(warm, cold, strict=True)):
        assert ours == theirs, applicants[i // 3].applicant_id
