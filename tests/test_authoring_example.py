"""examples/authoring: the made-up Xuhui policy of docs/writing-a-policy.md, which declares its
key fact (通过贯标认证) in a facts file beside it. It compiles, its legal test cases pass, its
mutants are all killed, its applicants are read against its own facts, and editing the facts
file recompiles the policy (its cases run in tests/policies, its explanations in tests/golden)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eligibility.commands import main
from eligibility.compiler import load_policy
from eligibility.facts import vocabulary
from eligibility.facts.validate import load_applicant
from tests.support import REPO

EXAMPLE = REPO / "examples" / "authoring"
POLICY = EXAMPLE / "xuhui-2025.policy"


def test_the_example_compiles_and_its_cases_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", str(POLICY)]) == 0
    assert main(["test", str(POLICY)]) == 0
    assert "0 failed" in capsys.readouterr().out


def test_the_example_kills_every_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutate", str(POLICY)]) == 0
    assert " 0 survived" in capsys.readouterr().out


def test_the_policy_carries_its_own_facts() -> None:
    own = load_policy(POLICY).policy.vocabulary
    assert [f.name for f in own.applicant] == ["guanbiao_certified", "on_dishonesty_list"]
    assert vocabulary.applicant_field("guanbiao_certified") is None  # not a shipped fact


def test_applicants_are_read_against_the_policys_facts() -> None:
    applicant = EXAMPLE / "qualifies.json"
    errors = load_applicant(applicant)
    assert isinstance(errors, tuple)
    assert {e.code for e in errors} == {"V-UNKNOWN"}  # the shipped vocabulary alone
    own = load_policy(POLICY).policy.vocabulary
    with vocabulary.using(vocabulary.for_policies([own])):
        facts = load_applicant(applicant)
    assert not isinstance(facts, tuple)
    assert ("guanbiao_certified", True) in {(f.field, f.value) for f in facts.facts}


def test_editing_the_facts_file_recompiles(tmp_path: Path) -> None:
    for name in ("xuhui-2025.policy", "xuhui-2025.facts"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    policy = tmp_path / "xuhui-2025.policy"
    first = load_policy(policy).policy.vocabulary.applicant[0]
    assert load_policy(policy).policy.vocabulary.applicant[0] == first  # from the cache
    facts = tmp_path / "xuhui-2025.facts"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace('贯标认证"', '贯标认证（已改）"'),
        encoding="utf-8",
    )
    assert load_policy(policy).policy.vocabulary.applicant[0].label.endswith("（已改）")
