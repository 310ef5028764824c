"""`datalog.facts.ground_base`: an applicant grounded once for every policy of a round (with
the union of their region fields) and completed per policy gives exactly the facts grounding
for that policy alone gives, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.compiler import load_policy_lazily, policy_files
from eligibility.datalog.facts import ground_base, region_ancestors
from eligibility.datalog.program import GroundFact
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import load_applicant

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*/*.json"))


def _reference(applicant: ApplicantFacts, region_fields: frozenset[str]) -> list[GroundFact]:
    """Grounding for one policy, as it was before the shared base: every fact, then the
    `within` facts of the codes in that policy's region fields."""
    base = ground_base(applicant, frozenset()).facts
    codes = {str(f.value) for f in applicant.facts if f.field in region_fields}
    codes |= {str(f.value) for r in applicant.records for f in r.facts if f.field in region_fields}
    within = [
        GroundFact("within", (code, ancestor))
        for code in sorted(codes)
        for ancestor in region_ancestors(code)
    ]
    return [*base, *within]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_shared_base_completed_per_policy_is_that_policys_grounding(path: Path) -> None:
    applicant = load_applicant(path)
    if not isinstance(applicant, ApplicantFacts):  # examples/invalid/ are meant to fail
        pytest.skip("not a valid applicant")
    fields = [load_policy_lazily(p).gates().region_fields for p in policy_files()]
    union = frozenset().union(*fields)
    assert union, "no policy has a region field: this tests nothing"
    base = ground_base(applicant, union)
    for region_fields in fields:
        assert list(base.with_regions(region_fields)) == _reference(applicant, region_fields)
    assert base.with_regions(frozenset()) == base.facts
