"""A reference evaluator over the IR, in plain Python: the test oracle for the Datalog path.

It implements the same semantics independently of the compiler and the engine (three-valued
applicant conditions and record filters, counts and sums ranging over members to members and
undecided records, with 0 for no records, caps
in order) and returns the same `Model`, so tests can demand that the two agree exactly.
`check` uses only its record-filter truth (`record_truth`), to name the facts an undecided
record lacks; it never decides with it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any, assert_never

from eligibility.datalog.facts import record_key, region_ancestors, sub_records
from eligibility.datalog.model import DerivedVerdict, Model
from eligibility.facts.model import ApplicantFacts
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import NEGATED
from eligibility.ir.walk import programme_exprs, walk_conditions, walk_expr

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "=": operator.eq,
    "!=": operator.ne,
}
Truth = bool | None  # None: undetermined


def reference_model(
    policy: ir.Policy, applicant: ApplicantFacts, programme: ir.Programme | None = None
) -> Model:
    """The model of the whole policy; with `programme`, the verdicts and values of that
    programme's conditions and amount only (record sets in full): what a re-decision of one
    programme reads (`whatif`), at the cost of one programme instead of all of them."""
    return _Reference(policy, applicant).model(programme)


def record_truth(policy: ir.Policy, applicant: ApplicantFacts) -> Callable[[ir.Cond, str], Truth]:
    """The three-valued truth of a record filter, or of any part of one, for one record (by
    its key), without evaluating the policy. `check` uses it only to word an undecided record:
    which parts of an undecided filter are still open, so that the facts it names are those
    that can decide it (a branch of `any` is moot once another branch holds)."""
    return _Reference(policy, applicant, evaluate=False)._record


def _readings(policy: ir.Policy, applicant: ApplicantFacts) -> dict[str, str]:
    chosen = dict(applicant.context.interpretations)
    return {s.name: chosen.get(s.name, s.default) for s in policy.interpretations}


class _Reference:
    def __init__(self, policy: ir.Policy, applicant: ApplicantFacts, evaluate: bool = True) -> None:
        self.policy, self.applicant = policy, applicant
        self.values: dict[str, list[Any]] = {}
        for fact in applicant.facts:
            self.values.setdefault(fact.field, []).append(fact.value)
        self.context = {
            "as_of": applicant.context.as_of,
            "assessment_year": applicant.context.assessment_year,
        }
        self.members: dict[str, list[str]] = {}
        self.undecided: dict[str, list[str]] = {}
        self.passing: dict[tuple[str, str], list[str]] = {}
        self.rejections: dict[tuple[str, str], list[str]] = {}
        self.record_values: dict[tuple[str, str], Any] = {}
        self.records = {record_key(r.collection, r.record_id): r for r in applicant.records}
        self.collection_fields: dict[tuple[str, str], tuple[frozenset[Any], bool]] = {}
        self.readings = _readings(policy, applicant)
        self.literal: set[str] = set()  # `stated` nodes that ask whether the file states a fact
        for programme in policy.programmes:
            self._note_literal(programme.condition, False)
        for record_set in policy.record_sets:
            if evaluate:
                self._filter(record_set)
            else:
                for flt in record_set.filters:
                    self._note_literal(flt, False)

    def _note_literal(self, cond: ir.Cond, negated: bool) -> None:
        """A `stated` under an odd number of negations asks whether the file states the fact
        (two-valued); a required one holds when it is given and is undetermined otherwise."""
        if isinstance(cond, ir.Stated) and negated:
            self.literal.add(cond.meta.node_id)
        elif isinstance(cond, ir.Not):
            self._note_literal(cond.child, not negated)
        elif isinstance(cond, ir.AllOf | ir.AnyOf):
            for child in cond.children:
                self._note_literal(child, negated)
        if isinstance(cond, ir.AnyOf):  # branches split on whether a fact is stated
            branches = [c.children if isinstance(c, ir.AllOf) else (c,) for c in cond.children]
            for k, branch in enumerate(branches):
                for node in branch:
                    if isinstance(node, ir.Stated) and any(
                        isinstance(o, ir.Not)
                        and isinstance(inner := _single_test(o.child), ir.Stated)
                        and inner.field.path == node.field.path
                        for j, other in enumerate(branches)
                        if j != k
                        for o in other
                    ):
                        self.literal.add(node.meta.node_id)

    def _given(self, collection: str) -> bool:
        return collection in self.applicant.fields_present

    # ── record sets ───────────────────────────────────────────────────────────────────────
    def _filter(self, record_set: ir.RecordSet) -> None:
        """Members pass every filter (and were members of the parent); a record some filter
        refuses is rejected; any other record is undecided."""
        name = record_set.name
        if record_set.parent:
            sources = [(k, True) for k in self.members[record_set.parent]]
            sources += [(k, False) for k in self.undecided[record_set.parent]]
        else:
            sources = [
                (record_key(r.collection, r.record_id), True)
                for r in self.applicant.records
                if r.collection == record_set.collection
            ]
        kept, undecided = [], []
        for flt in record_set.filters:
            self._note_literal(flt, False)
        for key, definite in sources:
            truths = [(f.meta.node_id, self._record(f, key)) for f in record_set.filters]
            passing = [node for node, truth in truths if truth is True]
            refused = [node for node, truth in truths if truth is False]
            if passing:
                self.passing[(name, key)] = passing
            if refused:
                self.rejections[(name, key)] = refused
            elif definite and len(passing) == len(truths):
                kept.append(key)
            else:
                undecided.append(key)
        self.members[name], self.undecided[name] = kept, undecided

    def _possible(self, set_name: str) -> list[str]:
        return self.members[set_name] + self.undecided[set_name]

    def _facts_of(self, key: str) -> list[tuple[str, Any]]:
        if "/" in key.split("/", 1)[1]:  # a sub-record: "<collection>/<id>/<sub>[<index>]"
            parent, _, sub = key.rpartition("/")
            name, index = sub[:-1].split("[")
            return sub_records(self.records[parent]).get((name, int(index)), [])
        return [(f.field, f.value) for f in self.records[key].facts]

    def _record_values(self, key: str, field: str) -> list[Any]:
        if field.startswith("year:"):
            return [v.year for name, v in self._facts_of(key) if name == field[5:]]
        return [v for name, v in self._facts_of(key) if name == field]

    def _collection_field(self, collection: str, field: str) -> tuple[frozenset[Any], bool]:
        """The values `field` takes over a collection's records, and whether every record
        states it: worked out once per collection and field, not once per record tested
        against them (a bank's 10,000 pledges made that quadratic: minutes)."""
        found = self.collection_fields.get((collection, field))
        if found is None:
            keys = [k for k, r in self.records.items() if r.collection == collection]
            listed = frozenset(v for k in keys for v in self._record_values(k, field))
            every = all(field in self.records[k].fields_present for k in keys)
            found = self.collection_fields[(collection, field)] = (listed, every)
        return found

    def _record_present(self, key: str, field: str) -> bool:
        return field in self.records[key].fields_present if key in self.records else False

    def _record(self, cond: ir.Cond, key: str) -> Truth:
        """A record filter, three-valued like the applicant's conditions."""
        match cond:
            case ir.AllOf():
                truths = [self._record(c, key) for c in cond.children]
                return False if False in truths else None if None in truths else True
            case ir.AnyOf():
                truths = [self._record(c, key) for c in cond.children]
                return True if True in truths else None if None in truths else False
            case ir.Not():
                truth = self._record(cond.child, key)
                return None if truth is None else not truth
            case ir.Test() if isinstance(cond.test, ir.InCollection):
                listed, every_states = self._collection_field(cond.test.collection, cond.test.field)
                found = any(v in listed for v in self._record_values(key, cond.field.path))
                if found:
                    return not cond.test.negated
                known = (
                    self._record_present(key, cond.field.path)
                    and self._given(cond.test.collection)
                    and every_states
                )
                return cond.test.negated if known else None
            case ir.Test():
                values = self._record_values(key, cond.field.path)
                present = self._record_present(key, cond.field.path)
                results = [_test(cond.test, v) for v in values]
                match cond.quantifier:
                    case "one":
                        return (True in results) if results else None
                    case "some":
                        return True if True in results else False if present else None
                    case "every":
                        return False if False in results else True if present else None
            case ir.Attested():
                return self._record_attested(cond, key)
            case ir.Stated():
                stated = self._record_present(key, cond.field.path)
                return stated or (False if cond.meta.node_id in self.literal else None)
            case ir.InterpretationIs():
                return self.readings.get(cond.name) == cond.value
            case ir.Compare():
                lefts = self._record_operand(cond.left, key)
                rights = self._record_operand(cond.right, key)
                if not lefts or not rights:
                    return None
                return any(_OPS[cond.op](a, b) for a in lefts for b in rights)
            case ir.Selected() | ir.Exists():
                raise AssertionError(f"{type(cond).__name__} is rejected in record filters by ir")
            case _:
                assert_never(cond)

    def _record_attested(self, cond: ir.Attested, key: str) -> Truth:
        """The record's own finding; under `else application`, when the record has none, the
        application's (neither: undecided)."""
        field = f"reviewer_attestations.{cond.criterion}"
        given = self._record_values(key, field)
        own: Truth = True if True in given else False if False in given else None
        match cond.scope:
            case "applicant" | "record":
                return own
            case "record_else_application":
                if self._record_present(key, field):
                    return own
                application: Truth = _single(self.values.get(field))
                return application
            case _:
                assert_never(cond.scope)

    def _record_operand(self, expr: ir.Expr, key: str) -> list[Any]:
        match expr:
            case ir.Const():
                return [expr.value]
            case ir.FieldValue():
                return self._record_values(key, expr.field.path)
            case ir.YearOf():
                return self._record_values(key, f"year:{expr.field.path}")
            case ir.ContextValue():
                return [self.context[expr.name]]
            case ir.Arith() if expr.op in ("+", "-") and isinstance(expr.right, ir.Const):
                years = expr.right.value
                assert isinstance(years, int), "the resolver allows only whole years here"
                shift = years if expr.op == "+" else -years
                return [v + shift for v in self._record_operand(expr.left, key)]
            case (
                ir.Count()
                | ir.Sum()
                | ir.Arith()
                | ir.StepRef()
                | ir.ApprovedAmount()
                | ir.AwardOf()
                | ir.CountDistinct()
                | ir.ItemCount()
                | ir.SumOf()
                | ir.IfThen()
            ):
                raise AssertionError(f"{type(expr).__name__} is rejected in record filters by ir")
            case _:
                assert_never(expr)

    # ── applicant level ───────────────────────────────────────────────────────────────────
    def model(self, only: ir.Programme | None = None) -> Model:
        verdicts: dict[str, DerivedVerdict] = {}
        values: dict[str, Any] = {}
        uppers: dict[str, Any] = {}
        for programme in self.policy.programmes if only is None else (only,):
            for cond in walk_conditions(programme.condition):
                truth = self._truth(cond)
                if truth is not None:
                    verdicts[cond.meta.node_id] = "holds" if truth else "fails"
            exprs = list(programme_exprs(programme))
            per_record = {
                e.expr_id for s in exprs if isinstance(s, ir.SumOf) for e in walk_expr(s.expr)
            }
            for expr in exprs:
                if expr.expr_id in per_record:
                    continue  # computed for each record by the Σ that holds it
                value = self._value(expr, programme)
                if value is not None and not isinstance(expr, ir.Const):
                    values[expr.expr_id] = value
                high = None if isinstance(expr, ir.Const) else self._upper(expr, programme)
                if high is not None:
                    uppers[expr.expr_id] = high
            if programme.amount:
                for step in programme.amount.steps:
                    if isinstance(step.expr, ir.Const):  # a fixed sum has a value of its own
                        values[step.expr.expr_id] = uppers[step.expr.expr_id] = step.expr.value
                for cap_id, (running, high) in self._caps(programme).items():
                    if running is not None:
                        values[cap_id] = running
                    if high is not None:
                        uppers[cap_id] = high
        return Model(
            verdicts,
            values,
            {k: tuple(sorted(v)) for k, v in self.members.items() if v},
            {k: tuple(v) for k, v in self.rejections.items()},
            self.record_values,
            uppers,
            {k: tuple(sorted(v)) for k, v in self.undecided.items() if v},
            {k: tuple(v) for k, v in self.passing.items()},
        )

    def _caps(self, programme: ir.Programme) -> dict[str, tuple[Any, Any]]:
        """Each cap's (value, upper bound), in order: the smaller of the running amount and
        its limit."""
        assert programme.amount is not None
        amount = programme.amount
        last = amount.steps[-1].expr
        running = last.value if isinstance(last, ir.Const) else self._value(last, programme)
        high = last.value if isinstance(last, ir.Const) else self._upper(last, programme)
        out: dict[str, tuple[Any, Any]] = {}
        for cap in amount.caps:
            limit = self._value(cap.limit, programme)
            high_limit = self._upper(cap.limit, programme)
            running = None if running is None or limit is None else min(running, limit)
            high = None if high is None or high_limit is None else min(high, high_limit)
            out[cap.cap_id] = (running, high)
        return out

    def _award(self, programme_id: str) -> tuple[Any, Any]:
        """award(p): p's amount after its caps (value, upper bound), computed on demand."""
        programme = self.policy.programme(programme_id)
        assert programme.amount is not None, "ir refuses award(p) without an amount"
        caps = self._caps(programme)
        if caps:
            return caps[programme.amount.caps[-1].cap_id]
        last = programme.amount.steps[-1].expr
        if isinstance(last, ir.Const):
            return last.value, last.value
        return self._value(last, programme), self._upper(last, programme)

    def _truth(self, cond: ir.Cond) -> Truth:
        match cond:
            case ir.AllOf():
                truths = [self._truth(c) for c in cond.children]
                return False if False in truths else None if None in truths else True
            case ir.AnyOf():
                truths = [self._truth(c) for c in cond.children]
                return True if True in truths else None if None in truths else False
            case ir.Not():
                truth = self._truth(cond.child)
                return None if truth is None else not truth
            case ir.Compare() if _bounded(cond.left) or _bounded(cond.right):
                return self._bounded_compare(cond)
            case ir.Compare():
                left, right = self._value(cond.left, None), self._value(cond.right, None)
                return None if left is None or right is None else _OPS[cond.op](left, right)
            case ir.Test():
                return self._test(cond)
            case ir.Attested():
                attested: Truth = _single(
                    self.values.get(f"reviewer_attestations.{cond.criterion}")
                )
                return attested
            case ir.Selected():
                selected: Truth = _single(
                    self.values.get(f"selection_result.{cond.programme}.selected")
                )
                return selected
            case ir.Exists():
                if self.members[cond.record_set]:
                    return True
                given = self._given(self.policy.record_set(cond.record_set).collection)
                return None if self.undecided[cond.record_set] or not given else False
            case ir.Stated():
                given = cond.field.path in self.applicant.fields_present
                return given or (False if cond.meta.node_id in self.literal else None)
            case ir.InterpretationIs():
                return self.readings.get(cond.name) == cond.value
            case _:
                assert_never(cond)

    def _bounded_compare(self, cond: ir.Compare) -> Truth:
        programme = self._programme_of(cond)
        low_l, high_l = self._value(cond.left, programme), self._upper(cond.left, programme)
        low_r, high_r = self._value(cond.right, programme), self._upper(cond.right, programme)

        def test(op: Any, left: Any, right: Any) -> bool:  # a missing bound decides nothing
            return left is not None and right is not None and op(left, right)

        op, negated = _OPS[cond.op], _OPS[NEGATED[cond.op]]
        if cond.op in (">=", ">"):
            return (
                True if test(op, low_l, high_r) else False if test(negated, high_l, low_r) else None
            )
        if cond.op in ("<=", "<"):
            return (
                True if test(op, high_l, low_r) else False if test(negated, low_l, high_r) else None
            )
        exact = None not in (low_l, high_l, low_r, high_r) and low_l == high_l == low_r == high_r
        apart = test(operator.lt, high_l, low_r) or test(operator.gt, low_l, high_r)
        same = True if exact else False if apart else None
        return same if cond.op == "=" else None if same is None else not same

    def _programme_of(self, cond: ir.Cond) -> ir.Programme | None:
        return next(
            (
                p
                for p in self.policy.programmes
                if cond.meta.node_id.startswith(p.programme_id + ".")
            ),
            None,
        )

    def _upper(self, expr: ir.Expr, programme: ir.Programme | None) -> Any:
        """Mirrors datalog.from_ir._upper: counts and sums over possible records; none when
        the collection is not given, or a possible record does not state the summed amount."""
        if isinstance(expr, ir.Count | ir.Sum | ir.CountDistinct | ir.SumOf) and not self._given(
            self.policy.record_set(expr.record_set).collection
        ):
            return None
        if isinstance(expr, ir.Sum) and any(
            not self._record_present(key, expr.field.path)
            for key in self._possible(expr.record_set)
        ):
            return None
        match expr:
            case ir.Count():
                return len(self._possible(expr.record_set))
            case ir.Sum():
                return sum(
                    (
                        v
                        for key in self._possible(expr.record_set)
                        for v in set(self._record_values(key, expr.field.path))
                    ),
                    Decimal(0),
                )
            case ir.CountDistinct():
                return len(self._distinct(expr, self._possible(expr.record_set)))
            case ir.SumOf():  # a possible record whose share is not computed: no bound
                shares = [self._share(expr, key) for key in self._possible(expr.record_set)]
                return None if None in shares else sum(shares, Decimal(0))
            case ir.StepRef():
                steps = programme.amount.steps if programme and programme.amount else ()
                return self._upper(next(s for s in steps if s.name == expr.step).expr, programme)
            case ir.AwardOf():
                return self._award(expr.programme)[1]
            case ir.Arith():
                right = (self._value if expr.op == "-" else self._upper)(expr.right, programme)
                return _arith(expr.op, self._upper(expr.left, programme), right)
            case (
                ir.Const() | ir.FieldValue() | ir.ContextValue() | ir.YearOf() | ir.ApprovedAmount()
            ):
                return self._value(expr, programme)  # no records to be undecided about
            case ir.ItemCount() | ir.IfThen():
                raise AssertionError(f"{type(expr).__name__} is rejected outside records by ir")
            case _:
                assert_never(expr)

    def _distinct(self, expr: ir.CountDistinct, keys: list[str]) -> set[Any]:
        if expr.where is None:
            return {v for key in keys for v in self._record_values(key, expr.field.path)}
        return {
            v
            for key in keys
            for (name, index) in sub_records(self.records[key])
            if name == expr.sub
            for sub in [f"{key}/{name}[{index}]"]
            if self._record(expr.where, sub) is True
            for v in self._record_values(sub, expr.field.path)
        }

    def _share(self, expr: ir.SumOf, key: str) -> Any:
        return self._per_record(expr.expr, key)  # a constant share is not memoised

    def _test(self, cond: ir.Test) -> Truth:
        if cond.field.path not in self.applicant.fields_present and not self.values.get(
            cond.field.path
        ):
            return None  # a defaulted fact (applicant_kind) has a value but was not "given"
        results = [_test(cond.test, v) for v in self.values.get(cond.field.path, [])]
        if cond.quantifier == "every":
            return all(results)
        return any(results) if results or cond.quantifier == "some" else None

    def _value(self, expr: ir.Expr, programme: ir.Programme | None) -> Any:
        match expr:
            case ir.Const():
                return expr.value
            case ir.FieldValue():
                return _single(self.values.get(expr.field.path))
            case ir.YearOf():
                date = _single(self.values.get(expr.field.path))
                return None if date is None else date.year
            case ir.ContextValue():
                return self.context[expr.name]
            case ir.ApprovedAmount():
                return _single(
                    self.values.get(f"selection_result.{expr.programme}.approved_amount")
                )
            case ir.Count():
                return len(self.members[expr.record_set])
            case ir.Sum():
                return sum(
                    (
                        v
                        for key in self.members[expr.record_set]
                        for v in set(self._record_values(key, expr.field.path))
                    ),
                    Decimal(0),
                )
            case ir.CountDistinct():
                return len(self._distinct(expr, self.members[expr.record_set]))
            case ir.SumOf():  # shares are computed for every possible record, as in the engine
                for key in self._possible(expr.record_set):
                    self._share(expr, key)
                shares = (self._share(expr, key) for key in self.members[expr.record_set])
                return sum((share for share in shares if share is not None), Decimal(0))
            case ir.StepRef():
                steps = programme.amount.steps if programme and programme.amount else ()
                step = next(s for s in steps if s.name == expr.step)
                return self._value(step.expr, programme)
            case ir.AwardOf():
                return self._award(expr.programme)[0]
            case ir.Arith():  # the least: minus subtracts the greatest
                right = (self._upper if expr.op == "-" else self._value)(expr.right, programme)
                return _arith(expr.op, self._value(expr.left, programme), right)
            case ir.ItemCount() | ir.IfThen():
                raise AssertionError(f"{type(expr).__name__} is rejected outside records by ir")
            case _:
                assert_never(expr)

    def _per_record(self, expr: ir.Expr, key: str) -> Any:
        """The value of a per-record expression, memoised like the engine's rvalue facts."""
        match expr:
            case ir.Const():
                return expr.value
            case ir.FieldValue():  # as datalog.records: 0 only for a part of a given breakdown
                values = self._record_values(key, expr.field.path)
                breakdown = expr.field.path.rpartition(".")[0]
                given = breakdown and any(
                    name.startswith(breakdown + ".") for name in self.records[key].fields_present
                )
                value = values[0] if values else 0 if given else None
            case ir.YearOf():
                value = _single(self._record_values(key, f"year:{expr.field.path}"))
            case ir.ItemCount():
                subs = [
                    k
                    for (name, index) in sub_records(self.records[key])
                    if name == expr.sub
                    for k in [f"{key}/{name}[{index}]"]
                ]
                value = sum(
                    1 for sub in subs if expr.where is None or self._record(expr.where, sub) is True
                )
            case ir.IfThen():  # both branches are defined for every record, as in the engine
                then, otherwise = (
                    self._per_record(expr.then, key),
                    self._per_record(expr.otherwise, key),
                )
                value = then if self._record(expr.condition, key) is True else otherwise
            case ir.Arith():
                value = _arith(
                    expr.op, self._per_record(expr.left, key), self._per_record(expr.right, key)
                )
            case (
                ir.ContextValue()
                | ir.Count()
                | ir.Sum()
                | ir.StepRef()
                | ir.ApprovedAmount()
                | ir.AwardOf()
                | ir.CountDistinct()
                | ir.SumOf()
            ):
                raise AssertionError(f"{type(expr).__name__} is rejected inside records by ir")
            case _:
                assert_never(expr)
        if value is not None:
            self.record_values[(expr.expr_id, key)] = value
        return value


_AGGREGATES = (ir.Count, ir.Sum, ir.SumOf, ir.CountDistinct, ir.StepRef, ir.AwardOf)


def _bounded(expr: ir.Expr) -> bool:
    return any(isinstance(e, _AGGREGATES) for e in walk_expr(expr))


def _single_test(cond: ir.Cond) -> ir.Cond:
    while isinstance(cond, ir.AllOf | ir.AnyOf) and len(cond.children) == 1:
        cond = cond.children[0]
    return cond


def _single(values: list[Any] | None) -> Any:
    return values[0] if values else None


def _test(test: ir.ValueTest, value: Any) -> bool:
    match test:
        case ir.OneOf():
            return (value in test.values) != test.negated
        case ir.WithinRegion():
            return test.region in region_ancestors(str(value))
        case ir.IsBool():
            return value is test.expected
        case ir.ComparesWith():
            return _OPS[test.op](value, test.value)
        case ir.InCollection():
            raise AssertionError("`in <collection>.<field>` reads other records: see _record")
        case _:
            assert_never(test)


_ARITH: dict[str, Any] = {
    "+": operator.add,
    "-": operator.sub,
    "×": operator.mul,
    "min": min,
    "max": max,
}


def _arith(op: str, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    return _ARITH[op](left, right)
