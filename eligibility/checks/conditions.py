"""What the checks share: where each condition of a policy stands (a programme's requirement or
exclusion, a record set's filter) and what its field's declaration allows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from eligibility.facts import vocabulary as vocab
from eligibility.frozen import frozen_record
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions


@frozen_record
class Placed:
    """A top-level condition: `role` is "requires", "excluded" (the condition under the
    exclusion, not the `Not`), "gate" or "filter"; `collection` for a record set's filter."""

    cond: ir.Cond
    role: str
    owner: str
    collection: str | None = None


def placed_conditions(policy: ir.Policy) -> Iterator[Placed]:
    """Every top-level condition of the policy's programmes and record sets, in order."""
    for record_set in policy.record_sets:
        for cond in record_set.filters:
            yield Placed(cond, "filter", record_set.name, record_set.collection)
    for programme in policy.programmes:
        gates = dict(programme.gates)
        for cond in programme.condition.children:
            if cond.meta.node_id in gates:
                yield Placed(cond, "gate", programme.programme_id)
            elif is_exclusion(cond):
                assert isinstance(cond, ir.Not)
                yield Placed(cond.child, "excluded", programme.programme_id)
            else:
                yield Placed(cond, "requires", programme.programme_id)


def is_exclusion(cond: ir.Cond) -> bool:
    """`excluded when …` (a `none` group is a Not too, over an AnyOf with id `….0`)."""
    return isinstance(cond, ir.Not) and cond.child.meta.node_id.endswith(".1")


def all_nodes(placed: Placed) -> Iterator[ir.Cond]:
    return walk_conditions(placed.cond)


def field_spec(field: ir.FieldRef, collection: str | None) -> vocab.FieldSpec | None:
    if field.scope == "applicant":
        return vocab.applicant_field(field.path)
    return vocab.record_field(collection, field.path) if collection else None


def minimum(spec: vocab.FieldSpec | None) -> Decimal | None:
    """The least value a field may hold, when its declaration bounds it: money is never
    negative (V-MONEY-NEG), an integer is at least its minimum (0 unless stated)."""
    if spec is None or spec.many:
        return None
    if spec.kind is vocab.FieldKind.MONEY:
        return Decimal(0)
    if spec.kind is vocab.FieldKind.INT:
        return Decimal(spec.minimum if spec.minimum is not None else 0)
    return None


def bound_verdict(op: ir.CompareOp, value: Decimal, least: Decimal) -> bool | None:
    """Whether `x op value` holds for every x ≥ least (True), for none (False), or depends."""
    if (op == "<" and value <= least) or (op == "<=" and value < least):
        return False
    if op == "=" and value < least:
        return False
    if (op == ">=" and value <= least) or (op == ">" and value < least):
        return True
    if op == "!=" and value < least:
        return True
    return None
