"""Datalog model → decision and proof tree, programme by programme.

Verdicts, counts, sums and amounts are read from the model the engine derived; the only
things read from the applicant's facts are the values shown beside them ("actual") and the
JSON paths of records. Nothing is re-decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_never

from eligibility import frozen
from eligibility.collector import pausing
from eligibility.datalog.facts import record_key
from eligibility.datalog.model import Model
from eligibility.decision.amount import amount_proof
from eligibility.decision.display import SYMBOLS, show_const, show_value, show_values
from eligibility.decision.proof import (
    AmountLine,
    InterpretationInForce,
    Outcome,
    ProgrammeResult,
    ProofNode,
    Reason,
    RecordNote,
    Requirement,
    Shown,
    Verdict,
)  # fmt: skip
from eligibility.decision.reference import record_truth
from eligibility.decision.static import InputPlan, PolicyStatics, exact, statics
from eligibility.facts.model import ApplicantFacts, Record
from eligibility.ir import nodes as ir
from eligibility.ir.checklist import rows_for_missing
from eligibility.ir.walk import child_conditions, facts_read, walk_conditions, walk_expr
from eligibility.whatif.propose import would_change
from eligibility.whatif.to_cap import to_cap

# What a leaf of the proof shows: its detail, the facts it misses, its records' notes.
LeafParts = tuple[str, tuple[str, ...], tuple[RecordNote, ...]]


def _record_fields(expr: ir.Expr) -> tuple[str, ...]:
    """The record fields a per-record expression reads, in order."""
    return tuple(
        dict.fromkeys(
            e.field.path
            for e in walk_expr(expr)
            if isinstance(e, ir.FieldValue | ir.YearOf) and e.field.scope == "record"
        )
    )


def _unstated(path: str, given: frozenset[str]) -> bool:
    """Not given, and not a part of a breakdown the record gives (such a part is 0)."""
    breakdown = path.rpartition(".")[0]
    return path not in given and not (
        breakdown and any(name.startswith(breakdown + ".") for name in given)
    )


class FactIndex:
    """The applicant's facts by field, and its records by key, for showing actual values."""

    def __init__(self, applicant: ApplicantFacts) -> None:
        self.applicant = applicant
        self.present = applicant.fields_present
        self.values: dict[str, list[Any]] = {}
        for fact in applicant.facts:
            self.values.setdefault(fact.field, []).append(fact.value)
        self.records: dict[str, Record] = {}
        self._collections: dict[str, list[Record]] = {}
        self._record_fields: dict[str, dict[str, list[Any]]] = {}
        # a test's detail by (field, many, requirement): see _Explainer._leaf
        self.tests_shown: dict[tuple[str, bool, str], LeafParts] = {}
        # the values of some facts as a key (`_inputs_key`), by the facts' paths
        self.keys: dict[tuple[str, ...], tuple[object, ...]] = {}
        for r in applicant.records:
            self.records[record_key(r.collection, r.record_id)] = r
            self._collections.setdefault(r.collection, []).append(r)

    def record_values(self, key: str, field: str) -> list[Any]:
        by_field = self._record_fields.get(key)
        if by_field is None:  # a record's facts by field, once: a bank's notes ask 100,000 times
            by_field = self._record_fields[key] = {}
            for fact in self.records[key].facts:
                by_field.setdefault(fact.field, []).append(fact.value)
        return list(by_field.get(field, ()))

    def collection(self, name: str) -> list[Record]:
        return self._collections.get(name, [])


@pausing
def programme_result(
    policy: ir.Policy,
    programme: ir.Programme,
    model: Model,
    facts: FactIndex,
    readings: tuple[InterpretationInForce, ...] = (),
    proposals: bool = True,
) -> ProgrammeResult:
    """`proposals`: also what would change the outcome (whatif), each checked by deciding
    again with the reference evaluator: the costliest part of a result, left out when unread."""
    explainer = _Explainer(policy, model, facts, {r.name: r for r in readings})
    proof = explainer.node(programme.condition)
    outcome: Outcome = {"holds": "qualifies", "fails": "does_not_qualify"}.get(
        proof.verdict, "undetermined"
    )  # type: ignore[assignment]
    amount = None
    money = amount_proof(programme, model) if programme.amount else None
    missing = list(_missing(proof))
    if money and outcome == "qualifies":
        amount = money.amount
        if amount is None:
            outcome = "undetermined"
            unstated = [m for m in money.missing if not facts.values.get(m)]
            missing += [
                m
                for m in unstated + list(explainer.amount_undecided(programme))
                if m not in missing
            ]
        elif money.partial:  # eligible for certain: the confirmed award, and what may add to it
            missing += [m for m in explainer.amount_undecided(programme) if m not in missing]
    if money and outcome != "does_not_qualify":
        money = frozen.replace(money, lines=money.lines + explainer.amount_record_lines(programme))
    citations = explainer.cited
    if money and outcome == "qualifies":
        citations += [line.citation for line in money.lines if line.citation]
        citations += _amount_set_citations(explainer.statics, programme, model)
    max_amount = money.max_amount if money and outcome != "does_not_qualify" else None
    if money and outcome == "undetermined" and money.amount is not None and not money.partial:
        max_amount = money.amount  # what it would receive once the missing facts hold
    defaults = tuple(
        f"{r.name} = {r.value}（默认口径 the default）: {r.label}"
        for name in explainer.statics.for_programme(programme).switches
        for r in readings
        if r.name == name and r.is_default
    )
    in_force = {r.name: r.value for r in readings}
    changes = (
        would_change(policy, programme, model, facts.applicant, in_force)
        if proposals and outcome != "qualifies"
        else ()
    )
    raises = (
        to_cap(policy, programme, model, facts.applicant, in_force)
        if proposals and outcome == "qualifies" and amount is not None
        else ()
    )
    return ProgrammeResult(
        policy.policy_id, policy.document_number, programme.programme_id, programme.title,
        outcome, amount, max_amount, tuple(missing), tuple(dict.fromkeys(citations)),
        proof, money, _not_applicable(programme, proof), defaults, changes, raises,
        missing_facts=(
            rows_for_missing(explainer.statics.checklist(programme), missing) if missing else ()
        ),
    )  # fmt: skip


def not_applicable_result(
    policy: ir.Policy, programme: ir.Programme, gates: Model, facts: FactIndex
) -> ProgrammeResult:
    """A programme of a document that does not apply: its proof is the gates alone, read
    from the gate program's model; the root fails because a gate fails.

    Most of a round's results are these (a document applies to few applicants), and they come
    in few shapes: the same result, the same object, is given again for every applicant whose
    gates read the same values (`PolicyStatics.gate_inputs`), so a renderer may keep what it
    made of it."""
    known = statics(policy)
    plan = known.gate_inputs(programme)
    if plan is None:
        return _not_applicable_result(policy, programme, gates, facts)
    key = (programme.programme_id, *_inputs_key(plan, gates, facts))
    found = known.not_applicable.get(key)
    if found is None:
        found = _not_applicable_result(policy, programme, gates, facts)
        known.remember_not_applicable(key, found)
    return found


def _inputs_key(plan: InputPlan, model: Model, facts: FactIndex) -> tuple[object, ...]:
    """The values `plan` says a proof reads, each with its type (`static.exact`)."""
    shown = facts.keys.get(plan.facts)  # the same for every programme of a document
    if shown is None:
        values, present = facts.values, facts.present
        shown = facts.keys[plan.facts] = tuple(
            [(exact(values.get(path) or ()), path in present) for path in plan.facts]
        )
    verdicts = model.verdicts
    return (
        tuple([verdicts.get(node_id) for node_id in plan.node_ids]),
        shown,
        tuple([exact((model.values.get(e), model.upper.get(e))) for e in plan.exprs]),
    )


def _not_applicable_result(
    policy: ir.Policy, programme: ir.Programme, gates: Model, facts: FactIndex
) -> ProgrammeResult:
    explainer = _Explainer(policy, gates, facts, {})
    gate_ids = explainer.statics.for_programme(programme).gate_ids
    meta = programme.condition.meta
    explainer.cited.append(meta.citation)  # the root's, before its children's
    children = tuple(
        [explainer.node(c) for c in programme.condition.children if c.meta.node_id in gate_ids]
    )
    proof = ProofNode(meta.node_id, "all", meta.label, meta.citation, "fails", "", (), (), children)
    missing = tuple(_missing(proof))
    return ProgrammeResult(
        policy.policy_id, policy.document_number, programme.programme_id, programme.title,
        "does_not_qualify", None, None, missing,
        tuple(dict.fromkeys(explainer.cited)), proof,
        None, _not_applicable(programme, proof),
        missing_facts=(
            rows_for_missing(explainer.statics.checklist(programme), missing) if missing else ()
        ),
    )  # fmt: skip


def _amount_set_citations(known: PolicyStatics, programme: ir.Programme, model: Model) -> list[str]:
    """The articles that define the records an amount sums (第十一条（三）'s open licences),
    which appear in no condition when only the amount reads them; only for sets that had
    records to admit or refuse."""
    out: list[str] = []
    sets = known.for_programme(programme).amount_sets
    if not sets:
        return out
    touched = set(model.members) | {name for name, _ in model.rejections}
    for name in sets:
        if name in touched:
            out += known.for_set(name).citations
    return out


def _not_applicable(programme: ir.Programme, proof: ProofNode) -> str | None:
    """Why the document does not apply to this applicant at all (not in force on the
    application date, another kind of applicant, another jurisdiction), from its failing
    gate; None when it applies."""
    kinds = dict(programme.gates)
    for child in proof.children:
        if child.node_id in kinds and child.verdict == "fails":
            shown = _failing_detail(child)
            return f"{child.label}{': ' + shown if shown else ''} ({child.citation})"
    return None


def _failing_detail(node: ProofNode) -> str:
    """The actual value behind a failing gate (registered_region = 110108, 2025-03-15 > …)."""
    if node.detail:
        return node.detail
    return next((_failing_detail(c) for c in node.children if c.verdict == "fails"), "")


def _missing(node: ProofNode) -> list[str]:
    if node.verdict == "holds":
        return []
    found = list(node.missing)
    for child in node.children:
        if child.verdict != "holds" and (child.missing or child.children):
            found += [m for m in _missing(child) if m not in found]
    return found


class _Explainer:
    def __init__(
        self,
        policy: ir.Policy,
        model: Model,
        facts: FactIndex,
        readings: dict[str, InterpretationInForce],
    ) -> None:
        self.policy, self.model, self.facts, self.readings = policy, model, facts, readings
        self.statics = statics(policy)
        self._verdicts = model.verdicts
        self._notes: dict[str, tuple[RecordNote, ...]] = {}  # per set: several nodes read it
        self._record_truth: Callable[[ir.Cond, str], bool | None] | None = None  # when needed
        self._specials: dict[tuple[str, ...], tuple[ir.Cond, ...]] = {}  # see _special_nodes
        self._filters: dict[tuple[str, str], _FilterReads] = {}  # see _filter_reads
        # The citations of the nodes built, in pre-order (a node's own, the reasons and the
        # filters passed of its records, then its children's): what the result cites.
        self.cited: list[str] = []

    def node(self, cond: ir.Cond) -> ProofNode:
        meta = cond.meta
        verdict: Verdict = self._verdicts.get(meta.node_id, "undetermined")
        kind = _KINDS.get(type(cond)) or _kind(type(cond))
        self.cited.append(meta.citation)
        if kind in _COMPOUND:  # the children, or the verdict itself, say it all
            inner = (cond.child,) if isinstance(cond, ir.Not) else child_conditions(cond)
            children = tuple([self.node(c) for c in inner])
            return ProofNode(
                meta.node_id, kind, meta.label, meta.citation, verdict, "", (), (), children
            )
        if isinstance(cond, ir.Test):
            return self._test_node(cond, verdict)
        detail, missing, records = self._leaf(cond, verdict)
        if records:
            self.cited += [r.citation for rec in records for r in rec.reasons]
            self.cited += [c for rec in records if rec.counted for c in rec.admitted_by]
        return ProofNode(
            meta.node_id,
            kind,
            meta.label,
            meta.citation,
            verdict,
            detail,
            missing,
            records,
            (),
            self._shown(cond),
        )

    def _test_node(self, cond: ir.Test, verdict: Verdict) -> ProofNode:
        """A test shows the applicant's value of one field against a constant requirement:
        the node is the same for every applicant with the same value and verdict (a round's
        applicants mostly share them), so it is made once (`PolicyStatics.tests`)."""
        path = cond.field.path
        values = self.facts.values.get(path)
        key = (cond.meta.node_id, verdict, exact(values or ()), path in self.facts.present)
        found = self.statics.tests.get(key)
        if found is None:
            meta = cond.meta
            detail, missing, records = self._leaf(cond, verdict)
            found = ProofNode(
                meta.node_id, "test", meta.label, meta.citation,
                verdict, detail, missing, records, (), self._shown(cond),
            )  # fmt: skip
            self.statics.remember_test(key, found)
        return found

    def _shown(self, cond: ir.Cond) -> Shown | None:
        """The leaf's fact as raw data (what `_leaf` words as `detail`)."""
        match cond:
            case ir.Test():
                values = tuple(self.facts.values.get(cond.field.path) or ())
                stated = bool(values) or cond.field.path in self.facts.applicant.fields_present
                return Shown(cond.field.path, values, stated, _requirement(cond))
            case ir.Attested() | ir.Selected():
                key = (
                    f"reviewer_attestations.{cond.criterion}"
                    if isinstance(cond, ir.Attested)
                    else f"selection_result.{cond.programme}.selected"
                )
                found = tuple(self.facts.values.get(key) or ())
                return Shown(key, found[:1], bool(found))
            case ir.Stated():
                return Shown(cond.field.path, (), cond.field.path in self.facts.values)
            case ir.InterpretationIs():
                reading = self.readings.get(cond.name)
                if reading is None:
                    return None
                return Shown(cond.name, (reading.value,), default=reading.is_default)
            case ir.Exists():
                members = self.model.members.get(cond.record_set, ())
                ids = tuple(self.facts.records[k].record_id for k in members)
                return Shown(self.policy.record_set(cond.record_set).label, ids)
        return None

    def _leaf(
        self, cond: ir.Cond, verdict: str
    ) -> tuple[str, tuple[str, ...], tuple[RecordNote, ...]]:
        match cond:
            case ir.Compare():
                return self._compare(cond, verdict)
            case ir.Test():
                # the applicant's value and what the test requires: the same for every
                # programme testing that field that way (each document's gates repeat them)
                test_key = self.statics.test_key(cond)
                found = self.facts.tests_shown.get(test_key)
                if found is None:
                    found = self.facts.tests_shown[test_key] = self._test(cond)
                return found
            case ir.Attested():
                key = f"reviewer_attestations.{cond.criterion}"
                value = self.facts.values.get(key)
                return (
                    (f"{key} = {show_value(value[0])}", (), ())
                    if value
                    else (f"{key}: not attested by a reviewer", (key,), ())
                )
            case ir.Selected():
                key = f"selection_result.{cond.programme}.selected"
                value = self.facts.values.get(key)
                return (
                    (f"{key} = {show_value(value[0])}", (), ())
                    if value
                    else (f"{key}: no selection result yet", (key,), ())
                )
            case ir.Stated():
                if verdict == "undetermined":  # a required fact: absent, so not known
                    return f"{cond.field.path}: not stated", (cond.field.path,), ()
                return "", (), ()
            case ir.InterpretationIs():
                reading = self.readings.get(cond.name)
                if reading is None:
                    return "", (), ()
                source = (
                    "默认口径 (the default)" if reading.is_default else "set in the applicant file"
                )
                return f"in force: {reading.value}, {source}", (), ()
            case ir.Exists():
                members = self.model.members.get(cond.record_set, ())
                record_set = self.statics.record_set(cond.record_set)
                filters = self.statics.for_set(cond.record_set).filters
                names = (
                    "; ".join(
                        f"{self.facts.records[k].record_id} ({self._record_actual(filters, k)})"
                        for k in members
                    )
                    or "none"
                )
                notes = self._record_notes(cond.record_set)
                unknown = tuple(
                    dict.fromkeys(
                        [*self._unknown_collection(cond.record_set)]
                        + [m for n in notes for m in n.undecided]
                    )
                )
                return (
                    f"{record_set.label}: {names}",
                    unknown if verdict == "undetermined" else (),
                    notes,
                )
            case ir.AllOf() | ir.AnyOf() | ir.Not() | ir.Stated():
                return "", (), ()  # the children, or the verdict itself, say it all
            case _:
                assert_never(cond)

    def _test(self, cond: ir.Test) -> LeafParts:
        values = self.facts.values.get(cond.field.path)
        if not values and cond.field.path not in self.facts.applicant.fields_present:
            return f"{cond.field.path}: not stated", (cond.field.path,), ()
        shown = show_values(values or []) if cond.field.many else show_value((values or [None])[0])
        return f"{cond.field.path} = {shown} — {self.statics.required(cond)}", (), ()

    def _compare(
        self, cond: ir.Compare, verdict: str
    ) -> tuple[str, tuple[str, ...], tuple[RecordNote, ...]]:
        plan = self.statics.compare(cond)
        left = plan.left if plan.left is not None else self._operand(cond.left, plan.unit)
        right = plan.right if plan.right is not None else self._operand(cond.right, plan.unit)
        missing = (*self._missing_operand(cond.left), *self._missing_operand(cond.right))
        relation = plan.relation.get(verdict)
        detail = f"{left} {relation} {right}" if relation else f"{left} ? {right}"
        sets = plan.sets
        records = tuple(n for s in sets for n in self._record_notes(s)) if sets else ()
        if verdict == "undetermined":
            missing = tuple(
                dict.fromkeys(
                    [*missing]
                    + [m for s in sets for m in self._unknown_collection(s)]
                    + [m for side in (cond.left, cond.right) for m in self._unknown_amounts(side)]
                    + [m for side in (cond.left, cond.right) for m in self._award_gaps(side)]
                    + [m for n in records for m in n.undecided]
                )
            )
        return detail, missing, records

    def _unknown_collection(self, set_name: str) -> tuple[str, ...]:
        """The collection behind a set, when the applicant file does not give it: whether it
        has records is unknown (an empty list `[]` says it has none)."""
        collection = self.statics.record_set(set_name).collection
        return () if collection in self.facts.applicant.fields_present else (collection,)

    def _unknown_amounts(self, expr: ir.Expr) -> list[str]:
        """The amounts a sum reads that a counted or undecided record does not state."""
        out = []
        for sub in self.statics.for_expr(expr).sums:
            keys = self.model.members.get(sub.record_set, ()) + self.model.undecided.get(
                sub.record_set, ()
            )
            for key in keys:
                record = self.facts.records[key]
                if sub.field.path not in record.fields_present:
                    out.append(f"{record.collection}[{record.record_id}].{sub.field.path}")
        for share in (e for e in walk_expr(expr) if isinstance(e, ir.SumOf)):
            keys = self.model.members.get(share.record_set, ()) + self.model.undecided.get(
                share.record_set, ()
            )
            for key in keys:  # a share not computed: the fields it reads that are not stated
                if (share.expr.expr_id, key) in self.model.record_values:
                    continue
                record = self.facts.records[key]
                out += [
                    f"{record.collection}[{record.record_id}].{path}"
                    for path in _record_fields(share.expr)
                    if _unstated(path, record.fields_present)
                ]
        return out

    def _operand(self, expr: ir.Expr, unit: str) -> str:
        if isinstance(expr, ir.Const):
            return show_const(expr, unit)
        value = self.model.values.get(expr.expr_id)
        if value is None:
            return _describe(expr) + " (unknown)"
        shown = show_value(value, expr.dim, unit or getattr(expr, "unit", ""))
        high = self.model.upper.get(expr.expr_id, value)
        if high != value:  # undecided records: the value lies in a range
            shown += f" to {show_value(high, expr.dim, unit or getattr(expr, 'unit', ''))}"
        return shown

    def _missing_operand(self, expr: ir.Expr) -> list[str]:
        if expr.expr_id in self.model.values or isinstance(expr, ir.Const):
            return []
        read = self.statics.for_expr(expr).facts
        missing = [name for name in read if not self.facts.values.get(name)]
        return list(dict.fromkeys(missing + self._award_gaps(expr)))

    def _award_gaps(self, expr: ir.Expr) -> list[str]:
        """What another programme's amount, read by award(p), lacks: the facts its steps and
        caps read, and what its record sets leave undecided."""
        out: list[str] = []
        for sub in self.statics.for_expr(expr).awards:
            other = self.policy.programme(sub.programme)
            assert other.amount is not None, "ir refuses award(p) without an amount"
            read = [*(s.expr for s in other.amount.steps), *(c.limit for c in other.amount.caps)]
            out += [n for e in read for n in facts_read(e) if not self.facts.values.get(n)]
            out += self.amount_undecided(other)
        return out

    def amount_undecided(self, programme: ir.Programme) -> tuple[str, ...]:
        """What an amount lacks: a collection it sums that the file does not give, an amount a
        record does not state, the facts missing for undecided records."""
        assert programme.amount is not None
        sets = self.statics.for_programme(programme).amount_sets
        return tuple(
            dict.fromkeys(
                [m for name in sets for m in self._unknown_collection(name)]
                + [m for step in programme.amount.steps for m in self._unknown_amounts(step.expr)]
                + [m for name in sets for note in self._record_notes(name) for m in note.undecided]
            )
        )

    def amount_record_lines(self, programme: ir.Programme) -> tuple[AmountLine, ...]:
        """For each record set an amount sums, the records left out and why (rule inventory
        §10 step 4), which no condition of the programme would otherwise show."""
        lines = []
        for name in self.statics.for_programme(programme).amount_sets:
            by_reason: dict[tuple[str, str], list[RecordNote]] = {}  # one line per unmet filter
            record_set = self.statics.record_set(name)
            for note in self._record_notes(name):
                if note.undecided:
                    lines.append(
                        AmountLine(
                            f"{record_set.label}: {note.record_id} undecided",
                            record_set.citation,
                            f"missing: {', '.join(note.undecided)}",
                            "record_undecided",
                            (record_set.label, note.record_id, ", ".join(note.undecided)),
                            (note,),
                        )
                    )
                for reason in note.reasons:
                    by_reason.setdefault((reason.label, reason.citation), []).append(note)
            for (label, citation), notes in by_reason.items():
                records = ", ".join(
                    f"{n.record_id} ({r.actual})"
                    for n in notes
                    for r in n.reasons
                    if (r.label, r.citation) == (label, citation)
                )
                lines.append(
                    AmountLine(
                        f"{record_set.label}: not counted",
                        citation,
                        f"not met: {label}: {records}",
                        "record_not_counted",
                        (record_set.label, label, records),
                        tuple(notes),
                    )
                )
        return tuple(lines)

    def _record_notes(self, set_name: str) -> tuple[RecordNote, ...]:
        if set_name not in self._notes:
            self._notes[set_name] = self._build_record_notes(set_name)
        return self._notes[set_name]

    def _build_record_notes(self, set_name: str) -> tuple[RecordNote, ...]:
        known = self.statics.for_set(set_name)
        lineage = known.lineage
        if self._switched_off(lineage):
            return ()
        members = set(self.model.members.get(set_name, ()))
        notes = []
        admitted = known.admitted_by  # nested filters' citations too
        undecided = set(self.model.undecided.get(set_name, ()))
        for record in self.facts.collection(lineage[0].collection):
            key = record_key(record.collection, record.record_id)
            counted = key in members
            reasons = () if counted or key in undecided else self._reasons(lineage, key)
            unknown = self._undecided_facts(lineage, key) if key in undecided else ()
            notes.append(
                RecordNote(
                    record.record_id,
                    record.path,
                    counted,
                    reasons,
                    admitted if counted else (),
                    unknown,
                )
            )
        return tuple(notes)

    def _switched_off(self, lineage: tuple[ir.RecordSet, ...]) -> bool:
        """A set one of whose filters is a reading not in force (A-03's pair of sets) has no
        members under it: listing every record as "not counted" would only repeat the reading."""
        for record_set in lineage:
            for flt in record_set.filters:
                if isinstance(flt, ir.InterpretationIs):
                    reading = self.readings.get(flt.name)
                    if reading is not None and reading.value != flt.value:
                        return True
        return False

    def _undecided_facts(self, lineage: tuple[ir.RecordSet, ...], key: str) -> tuple[str, ...]:
        """The facts a record lacks for the filters that could not decide on it."""
        record = self.facts.records[key]
        missing: list[str] = []
        for record_set in lineage:
            decided = set(self.model.passing.get((record_set.name, key), ()))
            decided |= set(self.model.rejections.get((record_set.name, key), ()))
            for flt in record_set.filters:
                if flt.meta.node_id in decided:
                    continue
                for part in self._open_parts(flt, key) or [flt]:
                    for field in self.statics.fields_read((part,)):
                        if field not in record.fields_present and not self.facts.record_values(
                            key, field
                        ):
                            missing.append(f"{_record_path(record)}.{field}")
                    missing += self._other_gaps(part, record)
        return tuple(dict.fromkeys(missing))

    def _open_parts(self, cond: ir.Cond, key: str, top: bool = True) -> list[ir.Cond]:
        """The smallest parts of an undecided filter that leave it open for the record `key`:
        a part that already holds or fails lacks nothing (a branch of `any` is moot once
        another holds; the university licensor is not asked for an enterprise size). A part
        that asks whether a fact is stated is kept: stating that fact could turn it."""
        if not top:
            if self._record_truth is None:
                self._record_truth = record_truth(self.policy, self.facts.applicant)
            asks_stated = any(isinstance(n, ir.Stated) for n in walk_conditions(cond))
            if not asks_stated and self._record_truth(cond, key) is not None:
                return []
        match cond:
            case ir.AllOf() | ir.AnyOf():
                return [p for c in cond.children for p in self._open_parts(c, key, False)]
            case ir.Not():
                return self._open_parts(cond.child, key, False)
            case _:
                return [cond]

    def _other_gaps(self, flt: ir.Cond, record: Record) -> list[str]:
        """What else an undecided filter lacks outside the record: for `not in
        <collection>.<field>`, that collection or the field in one of its records; for
        `attested … else application`, the application's finding."""
        out = []
        for node in walk_conditions(flt):
            if isinstance(node, ir.Attested) and node.scope == "record_else_application":
                key = f"reviewer_attestations.{node.criterion}"
                if key not in record.fields_present and not self.facts.values.get(key):
                    out.append(key)
            if not isinstance(node, ir.Test):
                continue
            if isinstance(node.test, ir.InCollection):
                other = node.test.collection
                if other not in self.facts.applicant.fields_present:
                    out.append(other)
                out += [
                    f"{other}[{r.record_id}].{node.test.field}"
                    for r in self.facts.collection(other)
                    if node.test.field not in r.fields_present
                ]
        return out

    def _reasons(self, lineage: tuple[ir.RecordSet, ...], key: str) -> tuple[Reason, ...]:
        for record_set in lineage:
            failed = self.model.rejections.get((record_set.name, key), ())
            if failed:
                return tuple(self._reason(self._filter_reads(record_set, f), key) for f in failed)
        return ()

    def _filter_reads(self, record_set: ir.RecordSet, node_id: str) -> _FilterReads:
        """A filter of `record_set`, the record fields it reads and its readings and
        attestations: worked out once per filter, not once per record it rejects."""
        found = self._filters.get((record_set.name, node_id))
        if found is None:
            cond = next(f for f in record_set.filters if f.meta.node_id == node_id)
            found = self._filters[(record_set.name, node_id)] = _FilterReads(
                cond, self.statics.fields_read((cond,)), self._special_nodes((cond,))
            )
        return found

    def _reason(self, reads: _FilterReads, key: str) -> Reason:
        """Why the record `key` fails one filter: its label and citation, the record's values
        in words (`_record_actual`) and raw ((field, values) for each field read, then (reading
        name, (value,)) for a reading in force), each field looked up once."""
        values = [(field, self.facts.record_values(key, field)) for field in reads.fields]
        shown = [(field, tuple(found)) for field, found in values]
        for node in reads.specials:
            if isinstance(node, ir.InterpretationIs) and node.name in self.readings:
                shown.append((node.name, (self.readings[node.name].value,)))
        meta = reads.cond.meta
        return Reason(
            meta.label,
            meta.citation,
            self._actual_text(values, reads.specials, key),
            tuple(dict.fromkeys(shown)),
        )

    def _special_nodes(self, conds: tuple[ir.Cond, ...]) -> tuple[ir.Cond, ...]:
        """The readings and attestations under `conds`, in walk order: what a record's values
        add after its fields. Walked once per filter, not once per record (a bank has 10,000)."""
        ids = tuple(c.meta.node_id for c in conds)
        found = self._specials.get(ids)
        if found is None:
            found = self._specials[ids] = tuple(
                n
                for cond in conds
                for n in walk_conditions(cond)
                if isinstance(n, ir.InterpretationIs | ir.Attested)
            )
        return found

    def _record_actual(self, conds: tuple[ir.Cond, ...], key: str) -> str:
        """The record's values of every field the conditions read, each once."""
        values = [
            (field, self.facts.record_values(key, field))
            for field in self.statics.fields_read(conds)
        ]
        return self._actual_text(values, self._special_nodes(conds), key)

    def _actual_text(
        self, values: list[tuple[str, list[Any]]], specials: tuple[ir.Cond, ...], key: str
    ) -> str:
        """`_record_actual` from the record's values of the fields read and the special nodes."""
        shown = []
        for field, found in values:
            shown.append(
                f"{field} = "
                + (
                    show_values(found)
                    if len(found) > 1
                    else show_value(found[0])
                    if found
                    else "not stated"
                )
            )
        for node in specials:
            if isinstance(node, ir.InterpretationIs) and node.name in self.readings:
                shown.append(f"{node.name} = {self.readings[node.name].value}")  # A-xx in force
            if isinstance(node, ir.Attested) and node.scope == "record_else_application":
                field = f"reviewer_attestations.{node.criterion}"
                if not self.facts.record_values(key, field):  # the application's finding decided
                    application = self.facts.values.get(field)
                    shown.append(
                        f"application {field} = "
                        f"{show_value(application[0]) if application else 'not stated'}"
                    )
        return "; ".join(dict.fromkeys(shown))


@frozen.frozen_record
class _FilterReads:
    """One record filter and what explaining a rejection by it reads (`_Builder._reason`)."""

    cond: ir.Cond
    fields: tuple[str, ...]
    specials: tuple[ir.Cond, ...]


_COMPOUND = ("all", "any", "not")


_KINDS: dict[type, str] = {}


def _kind(node_type: type) -> str:
    """A proof node's kind: its condition's class, in lower case, all-of and any-of shortened
    (worked out once per class)."""
    kind = _KINDS.get(node_type)
    if kind is None:
        kind = node_type.__name__.lower().replace("allof", "all").replace("anyof", "any")
        _KINDS[node_type] = kind
    return kind


def _record_path(record: Record) -> str:
    """`ip_contracts[T1]`; a record of a collection without ids is already named by its place
    (`construction_periods[0]`), which must not be wrapped again."""
    if record.record_id.startswith(f"{record.collection}["):
        return str(record.record_id)
    return f"{record.collection}[{record.record_id}]"


def _requirement(cond: ir.Test) -> Requirement:
    """`_required` as data."""
    match cond.test:
        case ir.OneOf():
            relation = "not_in" if cond.test.negated else "in"
            return Requirement(relation, cond.quantifier, cond.test.values, cond.test.set_label)
        case ir.WithinRegion():
            return Requirement("within", cond.quantifier, (cond.test.region,))
        case ir.IsBool():
            return Requirement("is", cond.quantifier, (cond.test.expected,))
        case ir.ComparesWith():
            return Requirement("compare", cond.quantifier, (SYMBOLS[cond.test.op], cond.test.text))
        case ir.InCollection():
            relation = "not_among" if cond.test.negated else "among"
            field = f"{cond.test.collection}.{cond.test.field}"
            return Requirement(relation, cond.quantifier, (field,))
        case _:
            assert_never(cond.test)


def _describe(expr: ir.Expr) -> str:
    match expr:
        case ir.FieldValue() | ir.YearOf():
            return expr.field.path
        case ir.ApprovedAmount():
            return "approved_amount"
        case ir.AwardOf():
            return f"award({expr.programme})"
    return expr.expr_id
