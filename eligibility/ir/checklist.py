"""A programme's checklist: every fact it reads, from its compiled IR and the vocabulary.

One row per fact: its path (as `missing` names it, with `[]` for a field of every record of a
collection), its kind and unit, its label, the articles of the conditions, record sets and
amount steps that read it, and who supplies it (the applicant; a reviewer for the findings and
selections of `reviewer_attestations` and `selection_result`; intake for the context's dates).
`eligibility fields` prints it, and an undetermined check ends with its rows for what is
missing (`rows_for_missing`). Data only: `render/checklist.py` words it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Literal, assert_never

from eligibility.facts import vocabulary
from eligibility.facts.vocabulary import FieldSpec
from eligibility.frozen import frozen_record
from eligibility.ir import nodes as ir
from eligibility.ir.walk import set_lineage, walk_conditions, walk_expr

Supplier = Literal["applicant", "reviewer", "intake"]


@frozen_record
class FactRow:
    """One fact a programme reads. `path`: `credit_good`, `ip_contracts` (the collection
    itself), `ip_contracts[].cnipa_registration_status`, `context.assessment_year`; `kind` a
    `FieldKind` value or "collection"; `citations` full (document and article), in order of use;
    `enum_values` the codes an enum allows."""

    path: str
    kind: str
    unit: str
    label: str
    many: bool
    supplier: Supplier
    citations: tuple[str, ...]
    enum_values: tuple[str, ...] = ()


@frozen_record
class Checklist:
    policy_id: str
    document: str
    programme: str
    title: str
    rows: tuple[FactRow, ...]


class _Rows:
    """Rows by path, in order of first use, each gathering the citations that read it."""

    def __init__(self, policy: ir.Policy) -> None:
        self.policy = policy
        self.rows: dict[str, FactRow] = {}
        self.sets_seen: set[str] = set()
        self.awards_seen: set[str] = set()

    def add(self, path: str, spec: FieldSpec | None, citation: str, label: str = "") -> None:
        row = self.rows.get(path)
        if row is None:
            row = _row(path, spec, label)
        if citation and citation not in row.citations:
            row = _with_citation(row, citation)
        self.rows[path] = row

    def add_collection(self, name: str, citation: str) -> None:
        spec = vocabulary.collection(name)
        label = spec.label if spec is not None else name
        self.add(name, None, citation, label)

    # ---- conditions ---------------------------------------------------------------------------
    def condition(self, cond: ir.Cond, collection: str | None) -> None:
        """Every fact `cond` reads; `collection`: the records it filters, None at the top."""
        for node in walk_conditions(cond):
            cite = node.meta.citation
            match node:
                case ir.Test():
                    self.field(node.field, collection, cite)
                    if isinstance(node.test, ir.InCollection):  # `x not in prior_awards.ids`
                        self.in_collection(node.test, cite)
                case ir.Stated():
                    self.field(node.field, collection, cite)
                case ir.Compare():
                    for expr in (node.left, node.right):
                        self.expr(expr, collection, cite)
                case ir.Attested():
                    self.attested(node, collection)
                case ir.Selected():
                    path = f"{vocabulary.SELECTION}.{node.programme}.selected"
                    self.add(path, vocabulary.applicant_field(path), cite, node.meta.label)
                case ir.Exists():
                    self.record_set(node.record_set, cite)
                case ir.AllOf() | ir.AnyOf() | ir.Not() | ir.InterpretationIs():
                    pass
                case _:
                    assert_never(node)

    def attested(self, node: ir.Attested, collection: str | None) -> None:
        name = f"{vocabulary.ATTESTATIONS}.{node.criterion}"
        cite = node.meta.citation
        # the finding as its `criterion` declaration words it, the same wherever it is read
        # (not as the condition reading it does); the condition's label if none declares it
        label = criterion_label(node.criterion, self.policy) or node.meta.label
        if node.scope != "applicant" and collection is not None:
            spec = vocabulary.record_field(collection, name)
            self.add(f"{collection}[].{name}", spec, cite, label)
        if node.scope != "record" or collection is None:
            self.add(name, vocabulary.applicant_field(name), cite, label)

    def in_collection(self, test: ir.InCollection, citation: str) -> None:
        """The values of another collection's field that a test looks a value up among."""
        self.add_collection(test.collection, citation)
        spec = vocabulary.record_field(test.collection, test.field)
        self.add(f"{test.collection}[].{test.field}", spec, citation)

    def field(self, ref: ir.FieldRef, collection: str | None, citation: str) -> None:
        if ref.scope == "record" and collection is not None:
            spec = vocabulary.record_field(collection, ref.path)
            self.add(f"{collection}[].{ref.path}", spec, citation, ref.label)
        else:
            self.add(ref.path, vocabulary.applicant_field(ref.path), citation, ref.label)

    # ---- expressions and record sets -----------------------------------------------------------
    def expr(self, expr: ir.Expr, collection: str | None, citation: str) -> None:
        for node in walk_expr(expr):
            match node:
                case ir.FieldValue() | ir.YearOf():
                    if node.field.scope == "record" and collection is None:
                        continue  # inside a sum's share: `aggregate` names it in its collection
                    self.field(node.field, collection, citation)
                case ir.ContextValue():
                    name = _CONTEXT_NAMES[node.name]
                    self.add(f"context.{name}", vocabulary.context_field(name), citation)
                case ir.Count() | ir.Sum() | ir.SumOf() | ir.CountDistinct():
                    self.record_set(node.record_set, citation)
                    self.aggregate(node, citation)
                case ir.ItemCount():
                    if node.where is not None:
                        self.condition(node.where, collection)
                case ir.ApprovedAmount():
                    path = f"{vocabulary.SELECTION}.{node.programme}.approved_amount"
                    title = self.policy.programme(node.programme).title
                    label = f"{title}·核定金额"
                    self.add(path, vocabulary.applicant_field(path), citation, label)
                case ir.AwardOf():
                    self.award_of(node.programme)
                case ir.Const() | ir.StepRef() | ir.IfThen() | ir.Arith():
                    pass
                case _:
                    assert_never(node)

    def aggregate(self, node: ir.RecordAggregate, citation: str) -> None:
        """The field a sum or a distinct count reads from each record of its set."""
        root = set_lineage(self.policy, node.record_set)[0].collection
        match node:
            case ir.Sum():
                self.field(node.field, root, citation)
            case ir.CountDistinct():
                self.field(node.field, root, citation)
                if node.where is not None:
                    self.condition(node.where, root)
            case ir.SumOf():
                self.expr(node.expr, root, citation)
            case ir.Count():
                pass
            case _:
                assert_never(node)

    def record_set(self, name: str, citation: str) -> None:
        lineage = set_lineage(self.policy, name)
        self.add_collection(lineage[0].collection, lineage[0].citation or citation)
        for record_set in lineage:
            if record_set.name in self.sets_seen:
                continue
            self.sets_seen.add(record_set.name)
            for cond in record_set.filters:
                self.condition(cond, lineage[0].collection)

    def award_of(self, programme_id: str) -> None:
        """Another programme's award, as its amount block computes it: the facts it reads."""
        if programme_id in self.awards_seen:
            return
        self.awards_seen.add(programme_id)
        other = self.policy.programme(programme_id)
        if other.amount is not None:
            self.amount(other.amount)

    def amount(self, amount: ir.Amount) -> None:
        for step in amount.steps:
            self.expr(step.expr, None, step.citation)
        for cap in amount.caps:
            self.expr(cap.limit, None, cap.citation)


def criterion_label(name: str, policy: ir.Policy | None = None) -> str:
    """The label a reviewer criterion is declared with (by the policy, else by the active
    vocabulary); "" when it is declared nowhere."""
    declared = {c.name: c for c in policy.vocabulary.criteria} if policy is not None else {}
    found = declared.get(name) or vocabulary.criterion(name)
    return found.label if found is not None else ""


_GENERIC = (vocabulary.ATTESTATIONS, vocabulary.SELECTION)
_CONTEXT_NAMES = {"as_of": "application_date", "assessment_year": "assessment_year"}


def _row(path: str, spec: FieldSpec | None, label: str) -> FactRow:
    supplier: Supplier = "applicant"
    field_name = path.split("[].", 1)[-1]
    if field_name.startswith(_GENERIC):
        supplier = "reviewer"
    elif path.startswith("context."):
        supplier = "intake"
    if spec is None:
        return FactRow(path, "collection", "", label or path, True, supplier, ())
    # the vocabulary's label, unless it is a generic one ("评审认定事项 <id>") and the criterion's
    # declaration (or the policy's condition, for a selection) says what the finding is about
    shown = label if field_name.startswith(_GENERIC) and label else spec.label
    return FactRow(
        path, spec.kind.value, spec.unit, shown, spec.many, supplier, (), spec.enum_values
    )


def _with_citation(row: FactRow, citation: str) -> FactRow:
    return FactRow(
        row.path,
        row.kind,
        row.unit,
        row.label,
        row.many,
        row.supplier,
        (*row.citations, citation),
        row.enum_values,
    )


def programme_checklist(policy: ir.Policy, programme: ir.Programme) -> Checklist:
    """Every fact the programme reads: its conditions (gates included), then its amount."""
    rows = _Rows(policy)
    rows.condition(programme.condition, None)
    if programme.amount is not None:
        rows.amount(programme.amount)
    return Checklist(
        policy.policy_id,
        policy.document_number,
        programme.programme_id,
        programme.title,
        tuple(rows.rows.values()),
    )


def policy_checklists(policy: ir.Policy) -> Iterator[Checklist]:
    for programme in policy.programmes:
        yield programme_checklist(policy, programme)


_RECORD_PATH = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[[^\]]*\]\.(.+)$")


def row_path(missing: str) -> str:
    """The checklist path of a fact as `missing` names it: `ip_contracts[T2].x` →
    `ip_contracts[].x`; an applicant fact or a collection as it is."""
    found = _RECORD_PATH.match(missing)
    return f"{found.group(1)}[].{found.group(2)}" if found else missing


def rows_for_missing(
    checklist: Checklist, missing: Iterable[str]
) -> tuple[tuple[FactRow, tuple[str, ...]], ...]:
    """The rows of `checklist` for the facts `missing` names, in its order, each with the
    missing paths it stands for (`ip_contracts[O1].…` for a record's fact). A missing fact the
    checklist lacks gets a row of its own from the vocabulary, so none is dropped."""
    by_path = {row.path: row for row in checklist.rows}
    found: dict[str, tuple[FactRow, list[str]]] = {}
    for path in missing:
        key = row_path(path)
        if key not in found:
            row = by_path.get(key) or _row(key, _spec(key), _finding_label(key))
            found[key] = (row, [])
        found[key][1].append(path)
    return tuple((row, tuple(paths)) for row, paths in found.values())


def _finding_label(path: str) -> str:
    """A reviewer's finding's declared label, for a missing fact the checklist lacks."""
    parts = path.split("[].", 1)[-1].split(".")
    if len(parts) != 2 or parts[0] != vocabulary.ATTESTATIONS:
        return ""  # not a finding (its reviewer or date are labelled by the vocabulary)
    return criterion_label(parts[1])


def _spec(path: str) -> FieldSpec | None:
    collection, sep, field_name = path.partition("[].")
    if sep:
        return vocabulary.record_field(collection, field_name)
    return vocabulary.applicant_field(path)
