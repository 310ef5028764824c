"""The per-policy parts of explanations (`decision/static.py`): kept per policy object, never
handed to another policy (even an equal copy, or one at a reused address), bounded in number,
and equal to what walking the IR gives."""

from __future__ import annotations

import dataclasses

from eligibility.decision import static
from eligibility.ir import nodes as ir
from eligibility.ir.walk import amount_sets, set_lineage, walk_conditions
from tests.support import chongqing


def test_one_entry_per_policy_object() -> None:
    policy = chongqing().policy
    assert static.statics(policy) is static.statics(policy)
    copy = dataclasses.replace(policy)
    assert static.statics(copy) is not static.statics(policy)
    assert static.statics(copy).policy is copy


def test_the_cache_stays_bounded() -> None:
    policy = chongqing().policy
    copies = [dataclasses.replace(policy) for _ in range(3 * static._KEPT)]
    for copy in copies:
        assert static.statics(copy).policy is copy
    assert len(static._STATICS) <= static._KEPT


def test_plans_are_what_walking_the_ir_gives() -> None:
    policy = chongqing().policy
    known = static.statics(policy)
    for record_set in policy.record_sets:
        plan = known.for_set(record_set.name)
        assert plan.lineage == set_lineage(policy, record_set.name)
        assert plan.filters == tuple(f for s in plan.lineage for f in s.filters)
        assert set(plan.admitted_by) == {
            n.meta.citation for f in plan.filters for n in walk_conditions(f) if n.meta.citation
        }
    for programme in policy.programmes:
        plan = known.for_programme(programme)
        assert plan.amount_sets == amount_sets(programme)
        assert plan.gate_ids == {node_id for node_id, _ in programme.gates}
        for cond in walk_conditions(programme.condition):
            if isinstance(cond, ir.Compare):
                compared = known.compare(cond)
                assert compared.relation["holds"] != compared.relation["fails"]
                assert (compared.left is None) != isinstance(cond.left, ir.Const)
