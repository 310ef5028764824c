"""What would change the outcome: for a programme that does not qualify or is undetermined,
the smallest sets of changes to the applicant's facts that make it qualify, each change with
its article (issue #11 item 3).

Computed from the programme's condition tree (the IR, where thresholds and comparisons are
data) and the model the engine derived (each node's verdict, each count's and sum's value),
never from rendered text. A condition that holds needs nothing; one that fails or is
undetermined needs, for `all`, a change for each child that does not hold; for `any`, the
cheapest branch; for an exclusion (`not`), its condition made to fail. A leaf gives a change
when its fact may change (`whatif.fixed`): a fact set or supplied, a number raised to its
threshold, k more records that pass a set's filters (`whatif.witness` proves one can be built),
a sum raised by the exact amount it lacks. Proposals are ranked by the number of changes, then
by the order of the conditions; at most `MAX_PROPOSALS` are kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, assert_never

from eligibility import frozen
from eligibility.datalog.model import Model
from eligibility.decision.proof import Change, Proposal
from eligibility.decision.reference import reference_model
from eligibility.facts import vocabulary
from eligibility.facts.model import ApplicantFacts
from eligibility.ir import nodes as ir
from eligibility.ir.walk import facts_read
from eligibility.whatif.apply import apply_proposal
from eligibility.whatif.fixed import changeable
from eligibility.whatif.witness import FLIP, NEGATE, Context, boundary, witness

MAX_PROPOSALS = 3
_KEPT = 6  # alternatives kept per node while combining
Alt = tuple[Change, ...]


def would_change(
    policy: ir.Policy,
    programme: ir.Programme,
    model: Model,
    applicant: ApplicantFacts,
    readings: Mapping[str, str],
) -> tuple[Proposal, ...]:
    """The proposals for a programme that does not qualify (none when it qualifies), each
    checked with the reference evaluator (`decision.reference`) and, where a change reaches
    another condition (a new record that an exclusion also reads, an award that then needs
    its approved amount), completed by the changes that condition asks for in turn."""
    planner = _Planner(policy, model, applicant, readings)
    alternatives = planner.fix(programme.condition)
    if alternatives is None:
        return ()
    out: list[Alt] = []
    for alt in alternatives:
        settled = _settle(policy, programme, applicant, readings, alt, ROUNDS)
        if settled and settled not in out:
            out.append(settled)
        if len(out) == MAX_PROPOSALS:
            break
    return tuple(Proposal(alt) for alt in sorted(out, key=len))


ROUNDS = 2  # how many times a proposal is completed after a check that it does not flip


def _settle(
    policy: ir.Policy,
    programme: ir.Programme,
    applicant: ApplicantFacts,
    readings: Mapping[str, str],
    alt: Alt,
    rounds: int,
) -> Alt | None:
    """`alt`, completed until the programme qualifies on the changed facts; None if it
    cannot be within `rounds`."""
    changed = apply_proposal(applicant, Proposal(alt), policy, dict(readings))
    model = reference_model(policy, changed, programme)  # this programme's part: all it reads
    root = programme.condition.meta.node_id
    holds = model.verdicts.get(root) == "holds"
    amount = programme.amount
    if holds and (amount is None or model.values.get(amount.result_id) is not None):
        return alt or None
    if rounds == 0:
        return None
    if holds:
        assert amount is not None
        more = _amount_supplies(programme, amount, changed)
    else:
        found = _Planner(policy, model, changed, readings).fix(programme.condition)
        more = found[0] if found else ()
    if not more:
        return None
    return _settle(policy, programme, applicant, readings, _extend(alt, more), rounds - 1)


def _amount_supplies(programme: ir.Programme, amount: ir.Amount, applicant: ApplicantFacts) -> Alt:
    """The facts an award reads that the applicant does not state (an approved amount)."""
    stated = {f.field for f in applicant.facts}
    exprs = [*(s.expr for s in amount.steps), *(c.limit for c in amount.caps)]
    out = []
    for expr in exprs:
        for name in facts_read(expr):
            if name not in stated and vocabulary.applicant_field(name) is not None:
                step = next((s for s in amount.steps if name in facts_read(s.expr)), None)
                label = step.label if step is not None else programme.title
                citation = step.citation if step is not None else amount.citation
                out.append(
                    Change(
                        "set",
                        name,
                        (),
                        None,
                        None,
                        "",
                        "",
                        "",
                        True,
                        label,
                        citation,
                        programme.condition.meta.node_id,
                    )
                )
    return tuple(dict.fromkeys(out))


def _extend(alt: Alt, more: Alt) -> Alt:
    """`alt` and then `more`, found on the facts `alt` made: more records of a set already
    added to are counted on top of them."""
    out = list(alt)
    for change in more:
        same = next(
            (
                i
                for i, c in enumerate(out)
                if change.action in ("add", "raise")
                and (c.action, c.field, c.record_set, c.node_id)
                == (change.action, change.field, change.record_set, change.node_id)
            ),
            None,
        )
        if same is None:
            out.append(change)
        else:
            out[same] = frozen.replace(out[same], delta=out[same].delta + change.delta)
    return tuple(out)


class _Planner:
    def __init__(
        self,
        policy: ir.Policy,
        model: Model,
        applicant: ApplicantFacts,
        readings: Mapping[str, str],
    ) -> None:
        self.policy, self.model, self.applicant = policy, model, applicant
        context = applicant.context
        self.context = Context(readings, context.as_of, context.assessment_year)
        self.values: dict[str, list[Any]] = {}
        for fact in applicant.facts:
            self.values.setdefault(fact.field, []).append(fact.value)
        self._can_add: dict[str, bool] = {}

    def verdict(self, cond: ir.Cond) -> str:
        return self.model.verdicts.get(cond.meta.node_id, "undetermined")

    def stated(self, path: str) -> bool:
        return path in self.values or path in self.applicant.fields_present

    # ── making a condition hold, or fail ──────────────────────────────────────────────────
    def fix(self, cond: ir.Cond) -> list[Alt] | None:
        """The alternatives that make `cond` hold ([()] when it does; None: none exists)."""
        if self.verdict(cond) == "holds":
            return [()]
        match cond:
            case ir.AllOf():
                return _product([self.fix(c) for c in cond.children])
            case ir.AnyOf():
                return _union([self.fix(c) for c in cond.children])
            case ir.Not():
                return self.brk(cond.child)
            case ir.Compare():
                return self._compare(cond, True)
            case ir.Test():
                return self._test(cond, True)
            case ir.Attested() | ir.Selected():
                return self._finding(cond, True)
            case ir.Exists():
                return self._add(cond, cond.record_set, 1, "")
            case ir.Stated():
                if cond.field.scope != "applicant" or self.stated(cond.field.path):
                    return None
                return [(self._set(cond, cond.field.path, (), supplies=True),)]
            case ir.InterpretationIs():
                return None  # a reading is the reviewer's choice, not a fact
            case _:
                assert_never(cond)

    def brk(self, cond: ir.Cond) -> list[Alt] | None:
        """The alternatives that make `cond` fail (an exclusion's condition)."""
        if self.verdict(cond) == "fails":
            return [()]
        match cond:
            case ir.AllOf():
                return _union([self.brk(c) for c in cond.children])
            case ir.AnyOf():
                return _product([self.brk(c) for c in cond.children])
            case ir.Not():
                return self.fix(cond.child)
            case ir.Compare():
                return self._compare(cond, False)
            case ir.Test():
                return self._test(cond, False)
            case ir.Attested() | ir.Selected():
                return self._finding(cond, False)
            case ir.Exists():
                return self._none_of(cond)
            case ir.Stated() | ir.InterpretationIs():
                return None  # a stated fact cannot be unsaid; a reading is not a fact
            case _:
                assert_never(cond)

    # ── leaves ─────────────────────────────────────────────────────────────────────────────
    def _finding(self, cond: ir.Attested | ir.Selected, want: bool) -> list[Alt] | None:
        """A reviewer's finding or a selection: proposed only while it is missing."""
        if isinstance(cond, ir.Attested):
            if cond.scope != "applicant":
                return None
            path = f"{vocabulary.ATTESTATIONS}.{cond.criterion}"
        else:
            path = f"{vocabulary.SELECTION}.{cond.programme}.selected"
        if path in self.values:
            return None
        return [(self._set(cond, path, (want,), supplies=True),)]

    def _none_of(self, cond: ir.Exists) -> list[Alt] | None:
        """An exclusion's set undecided because its collection is not given: saying that
        there are none (`[]`). Records given are history: never removed."""
        root = cond.record_set
        while (parent := self.policy.record_set(root).parent) is not None:
            root = parent
        collection = self.policy.record_set(root).collection
        if collection in self.applicant.fields_present:
            return None
        meta = cond.meta
        change = Change(
            "empty", collection, (), None, None, "", "", "", True,
            meta.label, meta.citation, meta.node_id,
        )  # fmt: skip
        return [(change,)]

    def _test(self, cond: ir.Test, want: bool) -> list[Alt] | None:
        path, test = cond.field.path, cond.test
        if cond.field.scope != "applicant":
            return None
        stated = self.stated(path)
        if stated and not changeable(path):
            return None
        choices: tuple[Any, ...]
        match test:
            case ir.OneOf():
                if want != test.negated:
                    choices = test.values
                else:
                    spec = vocabulary.applicant_field(path)
                    known = spec.enum_values if spec is not None else ()
                    choices = tuple(v for v in known if v not in test.values)
            case ir.IsBool():
                choices = (test.expected == want,)
            case ir.WithinRegion():
                choices = (test.region,) if want else ()
            case ir.ComparesWith():
                value = boundary(test.op if want else NEGATE[test.op], test.value, cond.field.kind)
                choices = () if value is None else (value,)
            case ir.InCollection():
                choices = ()
            case _:
                assert_never(test)
        if not choices:
            return None
        return [(self._set(cond, path, choices, supplies=not stated),)]

    def _compare(self, cond: ir.Compare, want: bool) -> list[Alt] | None:
        left, op, right = cond.left, cond.op, cond.right
        if isinstance(left, ir.Const | ir.ContextValue):
            left, right, op = right, left, FLIP[op]
        if not want:
            op = NEGATE[op]
        bound = self._constant(right)
        if bound is None:
            return None
        match left:
            case ir.FieldValue():
                return self._number(cond, left, op, bound)
            case ir.Count() | ir.Sum() | ir.Arith():
                unit = right.unit if isinstance(right, ir.Const) else ""
                return self._records(cond, left, op, bound, unit)
        return None

    def _constant(self, expr: ir.Expr) -> Any | None:
        match expr:
            case ir.Const():
                return expr.value
            case ir.ContextValue():
                return self.context.as_of if expr.name == "as_of" else self.context.year
        return None

    def _number(
        self, cond: ir.Compare, left: ir.FieldValue, op: str, bound: Any
    ) -> list[Alt] | None:
        """An applicant's number (or a missing date) set to the nearest value that passes."""
        path, kind = left.field.path, left.field.kind
        stated = self.stated(path)
        if left.field.scope != "applicant" or (stated and not changeable(path)):
            return None
        target = boundary(op, bound, kind)
        if target is None:
            return None
        actual = (self.values.get(path) or [None])[0]
        change = self._set(cond, path, (target,), supplies=not stated)
        if isinstance(actual, int | Decimal) and not isinstance(actual, bool):
            change = _with(change, delta=target - actual, target=target)
        return [(change,)]

    def _records(
        self, cond: ir.Compare, expr: ir.Expr, op: str, bound: Any, unit: str
    ) -> list[Alt] | None:
        """A count or sum (or a total of them) below its threshold: more records, or a larger
        sum, in one of the sets it reads whose records a new record can join."""
        if op not in (">=", ">") or not isinstance(bound, int | Decimal):
            return None
        terms = _terms(expr)
        if terms is None:
            return None
        actual = self.model.values.get(expr.expr_id, 0)
        money = any(isinstance(t, ir.Sum) for t in terms)
        target = boundary(op, bound, "money" if money else "int")
        need = target - actual
        if need <= 0:
            return None
        out: list[Alt] = []
        for term in terms:
            if isinstance(term, ir.Count) and not money:
                alt = self._add(cond, term.record_set, int(need), term.unit or unit)
            elif isinstance(term, ir.Sum) and money:
                alt = self._raise_sum(cond, term, Decimal(need), target)
            else:
                alt = None
            out += alt or []
        return _union([out]) if out else None

    def _addable(self, set_name: str) -> bool:
        if set_name not in self._can_add:
            self._can_add[set_name] = witness(self.policy, set_name, self.context) is not None
        return self._can_add[set_name]

    def _add(self, cond: ir.Cond, set_name: str, count: int, unit: str) -> list[Alt] | None:
        if not self._addable(set_name):
            return None
        record_set = self.policy.record_set(set_name)
        root = self.policy.record_set(set_name)
        while root.parent is not None:
            root = self.policy.record_set(root.parent)
        meta = cond.meta
        change = Change(
            "add", root.collection, (), count, None, set_name, record_set.label, unit,
            False, meta.label, meta.citation, meta.node_id,
        )  # fmt: skip
        return [(change,)]

    def _raise_sum(
        self, cond: ir.Compare, term: ir.Sum, need: Decimal, target: Any
    ) -> list[Alt] | None:
        if not self._addable(term.record_set):
            return None
        record_set = self.policy.record_set(term.record_set)
        meta = cond.meta
        change = Change(
            "raise", term.field.path, (), need, target, term.record_set, record_set.label, "元",
            False, meta.label, meta.citation, meta.node_id,
        )  # fmt: skip
        return [(change,)]

    def _set(self, cond: ir.Cond, path: str, values: tuple[Any, ...], *, supplies: bool) -> Change:
        meta = cond.meta
        return Change(
            "set", path, values, None, None, "", "", "", supplies,
            meta.label, meta.citation, meta.node_id,
        )  # fmt: skip


def _with(change: Change, *, delta: Any, target: Any) -> Change:
    return Change(
        change.action, change.field, change.values, delta, target, change.record_set,
        change.set_label, change.unit, change.supplies, change.label, change.citation,
        change.node_id,
    )  # fmt: skip


def _terms(expr: ir.Expr) -> list[ir.Count | ir.Sum] | None:
    """The counts or sums a total adds up (None: another expression, not proposed)."""
    match expr:
        case ir.Count() | ir.Sum():
            return [expr]
        case ir.Arith() if expr.op == "+":
            left, right = _terms(expr.left), _terms(expr.right)
            return None if left is None or right is None else left + right
    return None


# ── combining alternatives ─────────────────────────────────────────────────────────────────
def _key(change: Change) -> tuple[str, str, str]:
    return (change.action, change.field, change.record_set)


def _merge(a: Alt, b: Alt) -> Alt | None:
    """Both sets of changes at once; None when they set one fact to disjoint values."""
    merged: dict[tuple[str, str, str], Change] = {}
    extra: list[Change] = []
    for change in (*a, *b):
        if change.action in ("add", "raise"):
            twin = next((i for i, c in enumerate(extra) if _key(c) == _key(change)), None)
            if twin is None:
                extra.append(change)
            elif change.delta > extra[twin].delta:  # the same records meet both conditions
                extra[twin] = change
            continue
        key = _key(change)
        seen = merged.get(key)
        if seen is None:
            merged[key] = change
            continue
        if not change.values or not seen.values:
            merged[key] = change if change.values else seen
            continue
        common = tuple(v for v in seen.values if v in change.values)
        if not common:
            return None
        merged[key] = Change(
            "set", seen.field, common, seen.delta, seen.target, "", "", "", seen.supplies,
            seen.label, seen.citation, seen.node_id,
        )  # fmt: skip
    return (*merged.values(), *extra)


def _rank(alts: list[Alt]) -> list[Alt]:
    unique: dict[tuple[Any, ...], Alt] = {}
    for alt in alts:
        unique.setdefault(tuple(sorted((_key(c), c.node_id, repr(c.values)) for c in alt)), alt)
    return sorted(unique.values(), key=len)[:_KEPT]


def _product(parts: list[list[Alt] | None]) -> list[Alt] | None:
    acc: list[Alt] = [()]
    for part in parts:
        if part is None:
            return None
        combined = (_merge(a, b) for a, b in itertools.product(acc, part))
        acc = _rank([alt for alt in combined if alt is not None])
        if not acc:
            return None
    return acc


def _union(parts: list[list[Alt] | None]) -> list[Alt] | None:
    found = [alt for part in parts if part is not None for alt in part]
    return _rank(found) if found else None
