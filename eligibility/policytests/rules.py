"""The cited rules of a policy's IR: every condition (programme conditions and record-set
filters, each node of their trees), amount step and cap, with its citation, in the order of the
policy file. What `coverage` lists and what `run` checks an expected citation against."""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from eligibility.span import Span


@dataclass(frozen=True, slots=True)
class Rule:
    rule_id: str
    label: str
    kind: str  # condition | filter | step | cap
    span: Span


def cited_rules(policy: ir.Policy) -> tuple[tuple[str, Rule], ...]:
    """(citation, rule) for every cited rule of the policy, in the order of the policy file."""
    found: list[tuple[str, Rule]] = []
    for record_set in policy.record_sets:
        for node in (n for f in record_set.filters for n in walk_conditions(f)):
            found.append(
                (
                    node.meta.citation,
                    Rule(node.meta.node_id, node.meta.label, "filter", node.meta.span),
                )
            )
    for programme in policy.programmes:
        for node in walk_conditions(programme.condition):
            found.append(
                (
                    node.meta.citation,
                    Rule(node.meta.node_id, node.meta.label, "condition", node.meta.span),
                )
            )
        if programme.amount:
            found += [
                (s.citation, Rule(s.step_id, s.label, "step", s.span))
                for s in programme.amount.steps
            ]
            found += [
                (c.citation, Rule(c.cap_id, c.label, "cap", c.span)) for c in programme.amount.caps
            ]
    order = {id(rule): k for k, (_, rule) in enumerate(found)}
    found.sort(key=lambda pair: (pair[1].span.line, pair[1].span.column, order[id(pair[1])]))
    return tuple((citation, rule) for citation, rule in found if citation)


def policy_citations(policy: ir.Policy) -> frozenset[str]:
    """Every citation on a condition, record-set filter, amount step or cap of the policy."""
    return frozenset(citation for citation, _ in cited_rules(policy))
