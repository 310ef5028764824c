"""The policy IR: a resolved, typed, cited policy. Produced by `ir.from_ast`.

Every condition, expression, record set and cap carries a stable id (used to name its
Datalog predicates and its proof node), its source span, and its full citation
("渝知发〔2024〕22号 第九条（二）"). Values are exact: money in `Decimal` yuan, rates as
`Decimal` fractions, counts as `int`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from eligibility.facts.vocabulary import Declarations
from eligibility.frozen import frozen_record
from eligibility.span import Span

CompareOp = Literal[">=", ">", "<=", "<", "=", "!="]
Quantifier = Literal["one", "some", "every"]  # over the values of a list field


class Dim(StrEnum):
    """What a number measures; comparisons and arithmetic must agree on it."""

    MONEY = "money"
    RATE = "rate"
    COUNT = "count"
    YEAR = "year"
    DATE = "date"
    NUMBER = "number"


Scalar = bool | int | Decimal | str | datetime.date


@frozen_record
class FieldRef:
    """A fact the condition reads: on the applicant, or on the record being filtered."""

    path: str
    scope: Literal["applicant", "record"]
    kind: str  # a facts.vocabulary.FieldKind value
    label: str
    unit: str
    many: bool


# ── expressions ────────────────────────────────────────────────────────────────────────────


@frozen_record
class Const:
    expr_id: str
    value: Scalar
    dim: Dim
    text: str  # as written: "50万元", "3笔", "2%"
    unit: str


@frozen_record
class FieldValue:
    expr_id: str
    field: FieldRef
    dim: Dim


@frozen_record
class ContextValue:
    expr_id: str
    name: Literal["assessment_year", "as_of"]
    dim: Dim


@frozen_record
class YearOf:
    expr_id: str
    field: FieldRef
    dim: Dim = Dim.YEAR


@frozen_record
class Count:
    expr_id: str
    record_set: str
    unit: str
    dim: Dim = Dim.COUNT


@frozen_record
class Sum:
    expr_id: str
    record_set: str
    field: FieldRef
    dim: Dim = Dim.MONEY


@frozen_record
class CountDistinct:
    """The number of distinct values of a record field over a set (每件专利: distinct patents)."""

    expr_id: str
    record_set: str
    field: FieldRef
    unit: str
    dim: Dim = Dim.COUNT
    sub: str | None = None  # with `where`: the field is read from these sub-records
    where: Cond | None = None


@frozen_record
class ItemCount:
    """Inside one record: how many of its sub-records (`items`) pass `where` (None: all)."""

    expr_id: str
    sub: str
    where: Cond | None
    unit: str
    dim: Dim = Dim.COUNT


@frozen_record
class SumOf:
    """Σ over a set's records of an expression computed for each record."""

    expr_id: str
    record_set: str
    expr: Expr
    dim: Dim = Dim.MONEY


@frozen_record
class IfThen:
    """Inside one record: `then` where the record passes `condition`, else `otherwise`."""

    expr_id: str
    condition: Cond
    then: Expr
    otherwise: Expr
    dim: Dim


@frozen_record
class Arith:
    expr_id: str
    op: Literal["+", "-", "×", "min", "max"]
    left: Expr
    right: Expr
    dim: Dim


@frozen_record
class StepRef:
    """A `let` step of the same amount, by name."""

    expr_id: str
    step: str
    label: str
    dim: Dim


@frozen_record
class ApprovedAmount:
    """selection_result.<programme>.approved_amount: the amount fixed at approval (SEL)."""

    expr_id: str
    programme: str
    dim: Dim = Dim.MONEY


@frozen_record
class AwardOf:
    """award(<programme>): the amount another programme's `amount` block computes, whether or
    not that programme qualifies (its steps and caps; no pool). Read in conditions only, so
    no amount can depend on it and no cycle can arise."""

    expr_id: str
    programme: str
    label: str  # the programme's title
    dim: Dim = Dim.MONEY


Expr = (
    Const
    | FieldValue
    | ContextValue
    | YearOf
    | Count
    | Sum
    | Arith
    | StepRef
    | ApprovedAmount
    | AwardOf
    | CountDistinct
    | ItemCount
    | SumOf
    | IfThen
)
# The expressions that count or sum a record set's members (and so have a range when some
# records are undecided).
RecordAggregate = Count | Sum | SumOf | CountDistinct


# ── conditions ─────────────────────────────────────────────────────────────────────────────


@frozen_record
class Meta:
    node_id: str
    label: str
    citation: str
    span: Span


@frozen_record
class AllOf:
    meta: Meta
    children: tuple[Cond, ...]


@frozen_record
class AnyOf:
    meta: Meta
    children: tuple[Cond, ...]


@frozen_record
class Not:
    """An exclusion: holds when its child fails ("excluded when ...")."""

    meta: Meta
    child: Cond


@frozen_record
class Compare:
    meta: Meta
    left: Expr
    op: CompareOp
    right: Expr
    word: str  # the legal word as written: 以上, 不少于, 超过 ...


@frozen_record
class OneOf:
    values: tuple[str, ...]
    negated: bool
    set_label: str  # the named value set's label, or ""


@frozen_record
class WithinRegion:
    region: str


@frozen_record
class IsBool:
    expected: bool


@frozen_record
class ComparesWith:
    """The value stands in relation `op` to a constant (used with some/every on list fields)."""

    op: CompareOp
    value: Scalar
    text: str
    word: str


@frozen_record
class InCollection:
    """The value is among the values of `field` over the applicant's `collection` records."""

    collection: str
    field: str
    negated: bool


ValueTest = OneOf | WithinRegion | IsBool | InCollection | ComparesWith


@frozen_record
class Test:
    """A test on one field's value(s); `some`/`every` quantify over a list field."""

    meta: Meta
    field: FieldRef
    quantifier: Quantifier
    test: ValueTest


@frozen_record
class Attested:
    """A reviewer-attested criterion (JUDG): reviewer_attestations.<criterion>.value.

    `record_else_application` (`attested X else application`, record filters only): the
    record's own finding decides it; a record without one takes the application's."""

    meta: Meta
    criterion: str
    scope: Literal["applicant", "record", "record_else_application"]


@frozen_record
class Selected:
    """The competitive or discretionary selection (SEL): selection_result.<programme>.selected."""

    meta: Meta
    programme: str


@frozen_record
class Exists:
    meta: Meta
    record_set: str


@frozen_record
class Stated:
    """Whether a fact is given at all: never undetermined (an absent fact fails it)."""

    meta: Meta
    field: FieldRef


@frozen_record
class InterpretationIs:
    """Which reading of an ambiguous clause is in force (a named switch, rule inventory A-xx)."""

    meta: Meta
    name: str
    value: str


Cond = (
    AllOf | AnyOf | Not | Compare | Test | Attested | Selected | Exists | Stated | InterpretationIs
)


# ── definitions ────────────────────────────────────────────────────────────────────────────


@frozen_record
class RecordSet:
    """Records of a collection (or of another set) that pass every filter; the filters are
    three-valued, so a record may also be undecided (a fact a filter reads is missing)."""

    name: str
    label: str
    citation: str
    collection: str
    parent: str | None
    filters: tuple[Cond, ...]
    span: Span


@frozen_record
class AmountStep:
    step_id: str
    name: str
    label: str
    expr: Expr
    citation: str
    span: Span


@frozen_record
class Cap:
    """不超过 a limit: a constant (`limit` is a Const) or an expression (net of prior awards)."""

    cap_id: str
    limit: Expr
    label: str
    citation: str
    span: Span


@frozen_record
class Pool:
    """A programme's total budget: not applied to one applicant; funding rounds pro-rate it."""

    limit: Decimal
    text: str
    label: str
    citation: str
    prorata: str = ""  # the article ordering pro-rata shares when exceeded; "" when silent


@frozen_record
class Amount:
    """Steps in order, the last one the award; then caps, smallest unit first (R2)."""

    citation: str
    steps: tuple[AmountStep, ...]
    caps: tuple[Cap, ...]
    pool: Pool | None = None

    @property
    def result_id(self) -> str:
        """The id of the award after every cap: the last cap, or the last step."""
        return self.caps[-1].cap_id if self.caps else self.steps[-1].expr.expr_id


@frozen_record
class Interpretation:
    name: str
    label: str
    default: str
    values: tuple[str, ...]
    citation: str


@frozen_record
class ApplicantLimit:
    """How many applicants a programme admits across a round: `at most N applicants` (hard:
    不超过N家/所, a quota) or `about N applicants` (N家左右, guidance, A-27), counted per value of
    an applicant fact (`per province_code`) and leaving out applicants whose `unless_field` is
    one of `unless_values` (计划单列市不占所在省名额). `among_field`: a quota on applicants put
    forward (NAT: recommended_by_province) counts those whose bool fact is true, decided or
    not; without it, the applicants the programme admits. Not applied to one applicant."""

    maximum: int
    hard: bool
    per_field: str | None
    unless_field: str | None
    unless_values: tuple[str, ...]
    label: str
    citation: str
    span: Span
    among_field: str | None = None


@frozen_record
class Programme:
    """`condition` is all-of: the document's gates first (validity, applicant kind,
    jurisdiction; their node ids in `gates`), then the programme's own requirements and
    exclusions."""

    programme_id: str
    title: str
    citation: str
    condition: AllOf
    amount: Amount | None
    span: Span
    gates: tuple[tuple[str, str], ...] = ()  # (node id, "in_force" | "applicant" | "jurisdiction")
    applicant_limits: tuple[ApplicantLimit, ...] = ()  # quotas and selections, for rounds


@frozen_record
class Policy:
    policy_id: str
    title: str
    document_number: str
    issuer: str
    dated: datetime.date | None
    in_force_from: datetime.date | None
    in_force_until: datetime.date | None
    source_file: str
    source_sha256: str
    record_sets: tuple[RecordSet, ...]
    programmes: tuple[Programme, ...]
    interpretations: tuple[Interpretation, ...] = ()
    # the facts the policy declares itself (its `facts` blocks and the files it `uses`), beyond
    # the shipped vocabulary: an applicant file is validated against both
    vocabulary: Declarations = Declarations()

    def record_set(self, name: str) -> RecordSet:
        return next(s for s in self.record_sets if s.name == name)

    def programme(self, programme_id: str) -> Programme:
        return next(p for p in self.programmes if p.programme_id == programme_id)
