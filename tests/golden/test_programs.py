"""Golden tests: what every shipped policy compiles to, as Datalog text (`datalog/text.py`).

A change to a policy or to the compiler shows in review as a diff of rules in
`tests/golden/programs/<policy>.dl`; `UPDATE_GOLDENS=1 pytest tests/golden` rewrites them.
The goldens are never loaded into an engine: they are for reading.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eligibility.compiler import compile_text
from eligibility.datalog.text import program_text
from eligibility.resources import shipped_policy_files

GOLDEN = Path(__file__).parent / "programs"


@pytest.mark.parametrize("policy", shipped_policy_files(), ids=lambda p: p.stem)
def test_compiled_program(policy: Path) -> None:
    compiled = compile_text(policy.read_text(encoding="utf-8"), f"policies/{policy.name}")
    actual = program_text(compiled.program)
    golden = GOLDEN / f"{policy.stem}.dl"
    if os.environ.get("UPDATE_GOLDENS"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with UPDATE_GOLDENS=1 and review"
    assert actual == golden.read_text(encoding="utf-8")
