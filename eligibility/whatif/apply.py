"""A proposal applied to an applicant: the facts after its changes, for deciding again (the
test that every proposal flips the outcome, and any reader who wants to try one).

`set` replaces the fact's values (a reviewer's finding and a selection are written as the
applicant file gives them, `…value` / `…selected`); `add` appends k records built by
`whatif.witness` from the set's filters; `raise` over a set appends one such record carrying
the missing amount. Records get ids `WC1`, `WC2`, … (or their place, for a collection without
ids)."""

from __future__ import annotations

from typing import Any

from eligibility import frozen
from eligibility.decision.proof import Change, Proposal
from eligibility.facts import vocabulary
from eligibility.facts.model import ApplicantFacts, Fact, Record
from eligibility.ir import nodes as ir
from eligibility.whatif.witness import Context, Witness, default_value, witness


def apply_proposal(
    applicant: ApplicantFacts, proposal: Proposal, policy: ir.Policy, readings: dict[str, str]
) -> ApplicantFacts:
    """The applicant with every change of `proposal` made."""
    ctx = applicant.context
    context = Context(readings, ctx.as_of, ctx.assessment_year)
    for change in proposal.changes:
        applicant = _apply(applicant, change, policy, context)
    return applicant


def _apply(
    applicant: ApplicantFacts, change: Change, policy: ir.Policy, context: Context
) -> ApplicantFacts:
    match change.action:
        case "set":
            return _set(applicant, change, context)
        case "empty":  # the collection given as `[]`
            present = applicant.fields_present | {change.field}
            return frozen.replace(applicant, fields_present=present)
        case "add":
            found = witness(policy, change.record_set, context)
            assert found is not None, f"no record can join {change.record_set}"
            for _ in range(int(change.delta)):
                applicant = _add_record(applicant, change.field, found)
            return applicant
        case "raise" if change.record_set:
            found = witness(policy, change.record_set, context)
            assert found is not None, f"no record can join {change.record_set}"
            collection = policy.record_set(_root(policy, change.record_set)).collection
            return _add_record(applicant, collection, {**found, change.field: (change.delta,)})
        case "raise":
            return _set(applicant, _target(change), context)
    raise ValueError(f"unknown change {change.action!r}")


def _target(change: Change) -> Change:
    return frozen.replace(change, values=(change.target,))


def _root(policy: ir.Policy, name: str) -> str:
    while (parent := policy.record_set(name).parent) is not None:
        name = parent
    return name


def _set(applicant: ApplicantFacts, change: Change, context: Context) -> ApplicantFacts:
    path = change.field
    spec = vocabulary.applicant_field(path)
    value: Any = change.values[0] if change.values else None
    if value is None:
        assert spec is not None, f"not an applicant field: {path}"
        value = default_value(spec.kind, spec.enum_values, context)
    json_path = f"$.applicant.{path}"
    if path.startswith(vocabulary.ATTESTATIONS):
        json_path += ".value"
    facts = [f for f in applicant.facts if f.field != path]
    facts.append(Fact(path, value, json_path + ("[0]" if spec is not None and spec.many else "")))
    parts = path.split(".")
    present = {".".join(parts[: i + 1]) for i in range(len(parts))}
    return frozen.replace(
        applicant, facts=tuple(facts), fields_present=applicant.fields_present | present
    )


def _add_record(applicant: ApplicantFacts, collection: str, fields: Witness) -> ApplicantFacts:
    spec = vocabulary.collection(collection)
    assert spec is not None, f"not a collection: {collection}"
    index = sum(1 for r in applicant.records if r.collection == collection)
    path = f"$.applicant.{collection}[{index}]"
    record_id = f"WC{index + 1}" if spec.id_field else f"{collection}[{index}]"
    facts: list[Fact] = []
    if spec.id_field:
        facts.append(Fact(spec.id_field, record_id, f"{path}.{spec.id_field}"))
    for name, values in {**_required_in_groups(fields), **fields}.items():
        facts += _record_facts(collection, path, name, values)
    present = frozenset(f.field for f in facts)
    record = Record(collection, record_id, path, tuple(facts), present)
    return frozen.replace(
        applicant,
        records=(*applicant.records, record),
        fields_present=applicant.fields_present | {collection},
    )


def _required_in_groups(fields: Witness) -> Witness:
    """What a list of objects requires of each element (an item's ip_number)."""
    out: Witness = {}
    for name in fields:
        head = name.split(".")[0]
        group = vocabulary.group(head)
        if group is not None and group.is_list:
            out.update({f"{head}.{r}": ("W-1",) for r in group.required})
    return out


def _record_facts(collection: str, path: str, name: str, values: tuple[Any, ...]) -> list[Fact]:
    head, _, rest = name.partition(".")
    group = vocabulary.group(head) if rest else None
    if head == vocabulary.ATTESTATIONS:
        return [Fact(name, v, f"{path}.{name}.value") for v in values]
    if group is not None and group.is_list:
        return [Fact(name, v, f"{path}.{head}[0].{rest}") for v in values]
    spec = vocabulary.record_field(collection, name)
    if spec is not None and spec.many:
        return [Fact(name, v, f"{path}.{name}[{i}]") for i, v in enumerate(values)]
    return [Fact(name, v, f"{path}.{name}") for v in values]
