"""A re-decision of one programme (`whatif.propose._settle`) evaluates that programme alone:
`reference_model(policy, applicant, programme)` must give exactly the full model's verdicts and
values for that programme's conditions and amount, on every shipped example and legal case."""

from __future__ import annotations

from eligibility.decision.reference import reference_model
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from tests.unit.whatif.flip import cases


def _ids(programme: ir.Programme, full: dict[str, object], alone: dict[str, object]) -> set[str]:
    """The ids the programme's own model holds: its conditions, and the values it computed."""
    nodes = {c.meta.node_id for c in walk_conditions(programme.condition)}
    return nodes & set(full) | set(alone)


def test_one_programme_is_the_full_model_cut_to_it() -> None:
    seen = 0
    for case in cases():
        policy = case.policy.policy
        full = reference_model(policy, case.applicant)
        for programme in policy.programmes:
            alone = reference_model(policy, case.applicant, programme)
            for name in ("verdicts", "values", "upper"):
                mine, everything = getattr(alone, name), getattr(full, name)
                wanted = _ids(programme, everything, mine)
                assert mine == {k: everything[k] for k in wanted if k in everything}, (
                    case.name,
                    programme.programme_id,
                    name,
                )
            assert (alone.members, alone.rejections) == (full.members, full.rejections)
            assert alone.verdicts.get(programme.condition.meta.node_id) == full.verdicts.get(
                programme.condition.meta.node_id
            )
            seen += 1
    assert seen > 500
