"""What explaining a policy reads that no applicant changes (record sets by name, their lineage
and the citations of their filters, the fields a filter reads, the switches a programme rests
on, the text of a test's requirement), worked out once per compiled policy and kept: a round
explains the same five policies for every applicant, and walking their IR again for each one
cost more than the applicant's own part of the proof.

Keyed by the policy object's identity, holding the policy (so the identity cannot be reused
while the entry lives), and cleared when it grows past a few dozen policies (`mutate` compiles
one per mutant). The plans are named tuples, not frozen dataclasses: they stay inside this
stage, and a dataclass costs about a millisecond of every `check`'s start-up to create.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple, assert_never

from eligibility.decision.display import SYMBOLS, show_const, show_value
from eligibility.decision.proof import ProgrammeResult, ProofNode
from eligibility.ir import nodes as ir
from eligibility.ir.checklist import Checklist, programme_checklist
from eligibility.ir.quantities import NEGATED
from eligibility.ir.walk import amount_sets, facts_read, set_lineage, walk_conditions, walk_expr

_KEPT = 32  # policies remembered at once
_RESULTS_KEPT = 4096  # results of documents that do not apply, per policy, before clearing
_TESTS_KEPT = 20_000  # tests' proof nodes, per policy, before clearing


class ComparePlan(NamedTuple):
    """What a comparison's explanation shows whatever the applicant: the unit its constants
    give, the text of a constant operand, the relation each verdict shows, the sets it reads."""

    unit: str
    left: str | None  # the operand's text when it is a constant; None: the model's value
    right: str | None
    relation: dict[str, str]  # verdict → the relation shown ("holds": "≥", "fails": "<")
    sets: tuple[str, ...]  # the record sets it counts or sums, each once


class SetPlan(NamedTuple):
    """A record set as explanations read it: its lineage (root first), every filter of the
    lineage, the citations of the filters a counted record passed (nested ones too), and the
    citations of the sets and their filters."""

    lineage: tuple[ir.RecordSet, ...]
    filters: tuple[ir.Cond, ...]
    admitted_by: tuple[str, ...]
    citations: tuple[str, ...]


def set_plan(policy: ir.Policy, name: str) -> SetPlan:
    lineage = set_lineage(policy, name)
    filters = tuple(f for s in lineage for f in s.filters)
    return SetPlan(
        lineage,
        filters,
        tuple(
            dict.fromkeys(
                node.meta.citation
                for f in filters
                for node in walk_conditions(f)
                if node.meta.citation
            )
        ),
        tuple(c for s in lineage for c in (s.citation, *(f.meta.citation for f in s.filters))),
    )


class ProgrammePlan(NamedTuple):
    switches: tuple[str, ...]  # the interpretation switches its outcome or amount rests on
    amount_sets: tuple[str, ...]  # the record sets its amount counts or sums
    gate_ids: frozenset[str]  # the node ids of the document's gates in its condition


class InputPlan(NamedTuple):
    """Everything the proof of some conditions reads from one applicant, when that is a few
    plain values (gates: a date compared with constants, an applicant's kind and region): the
    verdicts of its nodes, the facts it shows (values and whether stated), the values and
    bounds of its operands. Equal inputs give an equal proof, so it can be built once."""

    node_ids: tuple[str, ...]
    facts: tuple[str, ...]
    exprs: tuple[str, ...]


class ExprPlan(NamedTuple):
    """An operand's parts an explanation looks up when its value is missing or a range."""

    facts: tuple[str, ...]  # `facts_read`: the applicant facts it reads
    sums: tuple[ir.Sum, ...]  # the sums over records in it
    awards: tuple[ir.AwardOf, ...]  # the other programmes' awards it reads


def expr_plan(expr: ir.Expr) -> ExprPlan:
    parts = tuple(walk_expr(expr))
    return ExprPlan(
        facts_read(expr),
        tuple(e for e in parts if isinstance(e, ir.Sum)),
        tuple(e for e in parts if isinstance(e, ir.AwardOf)),
    )


class PolicyStatics:
    """One policy's applicant-independent explanation parts, each computed on first use, in a
    dictionary of its own (a lookup, no closure, per call)."""

    def __init__(self, policy: ir.Policy) -> None:
        self.policy = policy
        self.record_sets = {s.name: s for s in policy.record_sets}
        self._sets: dict[str, SetPlan] = {}
        self._programmes: dict[str, ProgrammePlan] = {}
        self._compare: dict[str, ComparePlan] = {}
        self._required: dict[str, str] = {}
        self._fields: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._exprs: dict[str, ExprPlan] = {}
        self._tests: dict[str, tuple[str, bool, str]] = {}
        self._checklists: dict[str, Checklist] = {}
        self._gate_inputs: dict[str, InputPlan | None] = {}
        # a programme's "not applicable" result by its inputs (decision.from_model)
        self.not_applicable: dict[tuple[object, ...], ProgrammeResult] = {}
        # a test's proof node by its inputs: node id, verdict, values, stated (from_model)
        self.tests: dict[tuple[object, ...], ProofNode] = {}

    def remember_test(self, key: tuple[object, ...], node: ProofNode) -> None:
        if len(self.tests) >= _TESTS_KEPT:
            self.tests.clear()
        self.tests[key] = node

    def remember_not_applicable(self, key: tuple[object, ...], result: ProgrammeResult) -> None:
        if len(self.not_applicable) >= _RESULTS_KEPT:  # a population of unusual values
            self.not_applicable.clear()
        self.not_applicable[key] = result

    def gate_inputs(self, programme: ir.Programme) -> InputPlan | None:
        """What the proof of the programme's gates reads (`InputPlan`); None when a gate
        reads more than plain values (records, other programmes' awards)."""
        if programme.programme_id not in self._gate_inputs:
            gate_ids = self.for_programme(programme).gate_ids
            gates = tuple(c for c in programme.condition.children if c.meta.node_id in gate_ids)
            self._gate_inputs[programme.programme_id] = self.inputs(gates)
        return self._gate_inputs[programme.programme_id]

    def inputs(self, conds: tuple[ir.Cond, ...]) -> InputPlan | None:
        node_ids: list[str] = []
        facts: list[str] = []
        exprs: list[str] = []
        for node in (n for cond in conds for n in walk_conditions(cond)):
            node_ids.append(node.meta.node_id)
            match node:
                case ir.AllOf() | ir.AnyOf() | ir.Not():
                    pass
                case ir.Test() | ir.Stated():
                    facts.append(node.field.path)
                case ir.Attested():
                    facts.append(f"reviewer_attestations.{node.criterion}")
                case ir.Selected():
                    facts.append(f"selection_result.{node.programme}.selected")
                case ir.Compare():
                    if self.compare(node).sets:
                        return None
                    for side in (node.left, node.right):
                        if isinstance(side, ir.Const):
                            continue
                        plan = self.for_expr(side)
                        if plan.sums or plan.awards:
                            return None
                        exprs.append(side.expr_id)
                        facts += plan.facts
                case ir.Exists() | ir.InterpretationIs():  # records; the readings in force
                    return None
                case _:
                    assert_never(node)
        return InputPlan(tuple(node_ids), tuple(dict.fromkeys(facts)), tuple(exprs))

    def record_set(self, name: str) -> ir.RecordSet:
        return self.record_sets[name]

    def for_set(self, name: str) -> SetPlan:
        found = self._sets.get(name)
        if found is None:
            found = self._sets[name] = set_plan(self.policy, name)
        return found

    def for_programme(self, programme: ir.Programme) -> ProgrammePlan:
        found = self._programmes.get(programme.programme_id)
        if found is None:
            found = self._programmes[programme.programme_id] = ProgrammePlan(
                switches_read(self.policy, programme),
                amount_sets(programme),
                frozenset(node_id for node_id, _ in programme.gates),
            )
        return found

    def checklist(self, programme: ir.Programme) -> Checklist:
        """Every fact the programme reads (`ir.checklist`): the rows of what is missing."""
        found = self._checklists.get(programme.programme_id)
        if found is None:
            found = self._checklists[programme.programme_id] = programme_checklist(
                self.policy, programme
            )
        return found

    def fields_read(self, conds: tuple[ir.Cond, ...]) -> tuple[str, ...]:
        """`fields_read`: every record field the conditions read, each once, in order."""
        key = tuple(c.meta.node_id for c in conds)
        found = self._fields.get(key)
        if found is None:
            found = self._fields[key] = fields_read(conds)
        return found

    def compare(self, cond: ir.Compare) -> ComparePlan:
        found = self._compare.get(cond.meta.node_id)
        if found is None:
            found = self._compare[cond.meta.node_id] = compare_plan(cond)
        return found

    def for_expr(self, expr: ir.Expr) -> ExprPlan:
        """By expression id (unique in a policy: the model's values are keyed by it)."""
        found = self._exprs.get(expr.expr_id)
        if found is None:
            found = self._exprs[expr.expr_id] = expr_plan(expr)
        return found

    def test_key(self, cond: ir.Test) -> tuple[str, bool, str]:
        """What a test's detail depends on besides the applicant: field, many, requirement."""
        found = self._tests.get(cond.meta.node_id)
        if found is None:
            found = self._tests[cond.meta.node_id] = (
                cond.field.path,
                cond.field.many,
                self.required(cond),
            )
        return found

    def required(self, cond: ir.Test) -> str:
        """What a test requires, as an explanation shows it."""
        found = self._required.get(cond.meta.node_id)
        if found is None:
            found = self._required[cond.meta.node_id] = required(cond)
        return found


_STATICS: dict[int, PolicyStatics] = {}


def statics(policy: ir.Policy) -> PolicyStatics:
    """The policy's entry, made on first use."""
    found = _STATICS.get(id(policy))
    if found is None or found.policy is not policy:
        if len(_STATICS) >= _KEPT:
            _STATICS.clear()
        found = _STATICS[id(policy)] = PolicyStatics(policy)
    return found


def exact(values: Iterable[object]) -> tuple[tuple[type, object], ...]:
    """Values as a key that tells apart what shows differently though equal (`True == 1`;
    `Decimal("1.0") == Decimal("1.00")`, each shown as written)."""
    return tuple([(type(v), str(v) if isinstance(v, Decimal) else v) for v in values])


def forget() -> None:
    """Every policy's entry dropped (a test compares results built afresh with remembered ones)."""
    _STATICS.clear()


def compare_plan(cond: ir.Compare) -> ComparePlan:
    sides = (cond.left, cond.right)
    unit = next((e.unit for e in sides if isinstance(e, ir.Const)), "")
    left, right = (show_const(e, unit) if isinstance(e, ir.Const) else None for e in sides)
    return ComparePlan(
        unit,
        left,
        right,
        {"holds": SYMBOLS[cond.op], "fails": SYMBOLS[NEGATED[cond.op]]},
        tuple(
            dict.fromkeys(
                e.record_set
                for side in sides
                for e in walk_expr(side)
                if isinstance(e, ir.RecordAggregate)
            )
        ),
    )


def switches_read(policy: ir.Policy, programme: ir.Programme) -> tuple[str, ...]:
    """The interpretation switches the programme's outcome or amount rests on: those its
    conditions test, and those the filters of the record sets it tests, counts or sums test
    (rule inventory §7: say when a default reading decided)."""
    sets: list[str] = list(amount_sets(programme))
    names: list[str] = []
    for cond in walk_conditions(programme.condition):
        match cond:
            case ir.InterpretationIs():
                names.append(cond.name)
            case ir.Exists():
                sets.append(cond.record_set)
            case ir.Compare():
                sets += [
                    e.record_set
                    for side in (cond.left, cond.right)
                    for e in walk_expr(side)
                    if isinstance(e, ir.Count | ir.Sum | ir.SumOf | ir.CountDistinct)
                ]
    for name in dict.fromkeys(sets):
        for record_set in set_lineage(policy, name):
            names += [
                node.name
                for flt in record_set.filters
                for node in walk_conditions(flt)
                if isinstance(node, ir.InterpretationIs)
            ]
    return tuple(dict.fromkeys(names))


def fields_read(conds: tuple[ir.Cond, ...]) -> tuple[str, ...]:
    """Every record field the conditions read, each once, in order."""
    fields: list[str] = []
    for node in (n for cond in conds for n in walk_conditions(cond)):
        if isinstance(node, ir.Test | ir.Stated):
            fields.append(node.field.path)
        elif isinstance(node, ir.Compare):
            fields += [
                e.field.path
                for side in (node.left, node.right)
                for e in walk_expr(side)  # `year(acceptance_date) + 1` reads acceptance_date
                if isinstance(e, ir.FieldValue | ir.YearOf)
            ]
        elif isinstance(node, ir.Attested):
            fields.append(f"reviewer_attestations.{node.criterion}")
    return tuple(dict.fromkeys(fields))


def required(cond: ir.Test) -> str:
    quantifier = {"one": "", "some": "some value ", "every": "every value "}[cond.quantifier]
    match cond.test:
        case ir.OneOf():
            word = "not in" if cond.test.negated else "in"
            named = f"{cond.test.set_label} " if cond.test.set_label else ""
            return f"required: {quantifier}{word} {named}{{{', '.join(cond.test.values)}}}"
        case ir.WithinRegion():
            return f"required: {quantifier}within {cond.test.region}"
        case ir.IsBool():
            return f"required: {quantifier}{show_value(cond.test.expected)}"
        case ir.ComparesWith():
            return f"required: {quantifier}{SYMBOLS[cond.test.op]} {cond.test.text}"
        case ir.InCollection():
            word = "not among" if cond.test.negated else "among"
            return f"required: {word} {cond.test.collection}.{cond.test.field}"
        case _:
            assert_never(cond.test)
