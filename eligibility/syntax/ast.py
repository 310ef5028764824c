"""The policy file as written: a syntax tree with a source span on every node.

Produced by `syntax.parser`, consumed by `ir.from_ast`. Nothing here is resolved yet: names
are strings, quantities keep the unit the text used, citations are the article as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# `as Span` re-exports it (mypy --strict): the parser and the resolver write ast.Span.
from eligibility.span import Span as Span  # noqa: PLC0414


@dataclass(frozen=True, slots=True)
class Citation:
    article: str
    span: Span


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as the text writes it: `50万元`, `3笔`, `2%`."""

    number: str
    unit: str
    span: Span


@dataclass(frozen=True, slots=True)
class Path:
    parts: tuple[str, ...]
    span: Span

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class ValueSet:
    names: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class NamedSet:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class CollectionValues:
    """The values of a field across one of the applicant's collections (in a record filter)."""

    collection: str
    field: Path
    span: Span


# ── expressions ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Ref:
    path: Path
    span: Span


@dataclass(frozen=True, slots=True)
class DateLiteral:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Count:
    """count(set) of records, or, inside a record, count(items where ...) of its sub-records."""

    target: Path
    where: Node | None
    span: Span


@dataclass(frozen=True, slots=True)
class CountDistinct:
    """count distinct(set.items.ip_number where ip_type in …): the where filters sub-records."""

    record_set: str
    field: Path
    where: Node | None
    span: Span


@dataclass(frozen=True, slots=True)
class SumOf:
    """sum(set: expression), the expression computed for each record of the set."""

    record_set: str
    expr: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class IfThen:
    condition: Condition
    then: Expr
    otherwise: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Sum:
    record_set: str
    field: Path
    span: Span


@dataclass(frozen=True, slots=True)
class Year:
    field: Path
    span: Span


@dataclass(frozen=True, slots=True)
class AwardOf:
    """award(programme): the amount another programme's `amount` block computes (第十四条 从高)."""

    programme: str
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    op: Literal["+", "-", "×", "min", "max"]
    left: Expr
    right: Expr
    span: Span


Expr = (
    Quantity
    | DateLiteral
    | Ref
    | Count
    | CountDistinct
    | Sum
    | SumOf
    | IfThen
    | Year
    | AwardOf
    | Binary
)


# ── conditions ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Compare:
    left: Expr
    word: str  # as written: ">=", "不少于", "以上" (postfix) ...
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class InSet:
    quantifier: Literal["one", "some", "every"]
    subject: Path
    values: ValueSet | NamedSet | CollectionValues
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Within:
    quantifier: Literal["one", "some", "every"]
    subject: Path
    region: str
    span: Span


@dataclass(frozen=True, slots=True)
class IsBool:
    quantifier: Literal["one", "some", "every"]
    subject: Path
    expected: bool
    span: Span


@dataclass(frozen=True, slots=True)
class QuantifiedCompare:
    """`some central_service_fund_ip_operation_support_years >= 2016`: a list field's values
    against one constant."""

    quantifier: Literal["some", "every"]
    subject: Path
    word: str
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Attested:
    """`attested X`; with `else application` (record filters only), a record without its own
    finding takes the application's."""

    criterion: str
    span: Span
    else_application: bool = False


@dataclass(frozen=True, slots=True)
class Selected:
    span: Span


@dataclass(frozen=True, slots=True)
class Exists:
    record_set: str
    span: Span


@dataclass(frozen=True, slots=True)
class Stated:
    subject: Path
    span: Span


@dataclass(frozen=True, slots=True)
class InterpretationIs:
    name: str
    value: str
    span: Span


Condition = (
    Compare
    | InSet
    | Within
    | IsBool
    | Attested
    | Selected
    | Exists
    | Stated
    | InterpretationIs
    | QuantifiedCompare
)


@dataclass(frozen=True, slots=True)
class Leaf:
    label: str | None
    condition: Condition
    citation: Citation | None
    span: Span


@dataclass(frozen=True, slots=True)
class Group:
    kind: Literal["all", "any", "none"]
    label: str | None
    citation: Citation | None
    children: tuple[Node, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class SharedNode:
    """`@name`: the conditions a `conditions name = …` definition wrote once."""

    name: str
    span: Span

    label = None
    citation = None


Node = Leaf | Group | SharedNode


# ── definitions ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Header:
    policy_id: str
    title: str
    document_number: str | None
    issuer: str | None
    dated: str | None
    in_force_from: str | None
    in_force_until: str | None
    in_force_citation: Citation | None
    applicant_kind: str | None
    applicant_citation: Citation | None
    cite_as: str | None
    jurisdiction: Leaf | None
    span: Span
    uses: tuple[Uses, ...] = ()


@dataclass(frozen=True, slots=True)
class Uses:
    """`uses "common.facts"`: a vocabulary file the policy reads, relative to the policy."""

    file: str
    span: Span


@dataclass(frozen=True, slots=True)
class ValuesDef:
    name: str
    label: str | None
    values: ValueSet
    span: Span


@dataclass(frozen=True, slots=True)
class ConditionsDef:
    name: str
    node: Node
    span: Span


@dataclass(frozen=True, slots=True)
class InterpretationDef:
    """A named reading of an ambiguous clause (rule inventory A-xx) a reviewer may switch."""

    name: str
    label: str
    default: str
    values: ValueSet
    citation: Citation | None
    span: Span


@dataclass(frozen=True, slots=True)
class RecordsDef:
    name: str
    label: str
    source: str
    citation: Citation | None
    filters: tuple[Node, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Step:
    kind: Literal["let", "award"]
    name: str
    label: str | None
    expr: Expr
    citation: Citation | None
    span: Span


@dataclass(frozen=True, slots=True)
class Cap:
    limit: Expr
    label: str | None
    citation: Citation | None
    span: Span


@dataclass(frozen=True, slots=True)
class Pool:
    limit: Quantity
    label: str | None
    citation: Citation | None
    span: Span
    pro_rata: Citation | None = None  # `pro rata [article]`: the text orders pro-rating


@dataclass(frozen=True, slots=True)
class Amount:
    citation: Citation | None
    steps: tuple[Step, ...]
    caps: tuple[Cap, ...]
    pool: Pool | None
    span: Span


@dataclass(frozen=True, slots=True)
class Clause:
    kind: Literal["requires", "excluded_when"]
    node: Node
    span: Span


@dataclass(frozen=True, slots=True)
class ApplicantLimit:
    """`at most N applicants [per FIELD] [unless FIELD in {…}]` (hard) or `about N applicants`."""

    maximum: str  # the number as written
    hard: bool
    per: Path | None
    unless: Path | None
    unless_values: ValueSet | NamedSet | None
    label: str | None
    citation: Citation | None
    span: Span
    among: Path | None = None  # `among FIELD`: counts the applicants whose FIELD is true


@dataclass(frozen=True, slots=True)
class Programme:
    programme_id: str
    title: str
    citation: Citation | None
    clauses: tuple[Clause, ...]
    amounts: tuple[Amount, ...]
    span: Span
    limits: tuple[ApplicantLimit, ...] = ()

    @property
    def amount(self) -> Amount | None:
        return self.amounts[0] if self.amounts else None


# ── facts: the vocabulary (a `*.facts` file, or a `facts { … }` block of a policy) ──────


@dataclass(frozen=True, slots=True)
class EnumValue:
    name: str
    label: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class EnumDecl:
    """`enum legal_forms { company "公司", … }`: values several facts share."""

    name: str
    values: tuple[EnumValue, ...]
    span: Span


FactKind = Literal["bool", "integer", "money", "date", "year", "text", "region", "enum"]


@dataclass(frozen=True, slots=True)
class FactType:
    """The type written after `name:`. An enum names its values (`enum_values`, inline) or a
    declared enum (`enum_name`); `unit` is an integer's unit (人, 项)."""

    kind: FactKind
    many: bool
    unit: str
    enum_name: str | None
    enum_values: tuple[EnumValue, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FactOption:
    """`unique`, `fixed`, `length 5`, `min 0`, `max 2100` (number None for `unique`, `fixed`)."""

    name: str
    number: int | None
    span: Span


@dataclass(frozen=True, slots=True)
class FactDecl:
    path: Path
    type: FactType
    options: tuple[FactOption, ...]
    label: str
    span: Span


@dataclass(frozen=True, slots=True)
class GroupDecl:
    """`group items "标的知识产权" list min 1 required ip_number, ip_type`."""

    name: str
    label: str
    is_list: bool
    min_items: int
    required: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class EntityDecl:
    """The facts of the applicant, of the context block, or of a collection of records."""

    entity: Literal["applicant", "context", "collection"]
    name: str  # the collection's name; "applicant" / "context" for the other two
    label: str
    id_field: str | None
    name_field: str | None
    facts: tuple[FactDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class CriterionDecl:
    """`criterion cq6_2_industry_fit "…" [第六条（二）]`: a finding a reviewer attests."""

    name: str
    label: str
    citation: Citation | None
    span: Span


FactsItem = EnumDecl | GroupDecl | EntityDecl | CriterionDecl


@dataclass(frozen=True, slots=True)
class FactsBlock:
    """`facts { … }` inside a policy: the policy's own declarations."""

    items: tuple[FactsItem, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FactsFile:
    path: str
    text: str
    items: tuple[FactsItem, ...]


Definition = ValuesDef | RecordsDef | Programme | InterpretationDef | ConditionsDef | FactsBlock


@dataclass(frozen=True, slots=True)
class PolicyFile:
    path: str
    text: str
    header: Header
    definitions: tuple[Definition, ...]
