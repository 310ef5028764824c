"""The applicant fact vocabulary (rule-inventory §8): the field names every stage reads.

The vocabulary is declared in text, not here: the shipped facts in `eligibility/vocabulary/
*.facts` (read by every policy), and a policy's own in a `facts { … }` block or in the files it
`uses` (docs/language.md, "Declaring facts"; loaded by `facts.vocabulary_files`). This module
holds what they become: each field once, with its kind, its 中文 label and (for enums) its
allowed values, and the lookups that the published JSON Schema (`facts.schema`), the validator
(`facts.validate`), the documentation and the policy compiler's field checks call.

The lookups read the *active* vocabulary: the shipped one, unless a caller that knows which
policies are in play (check, the policy tests, a round) activates theirs with `using(…)`.

Names are relative to the entity they describe. A nested object flattens to dotted names
("transferor.registered_region", "financing_service_fees.guarantee"); a list of objects inside a
record ("items") flattens to many-valued fields ("items.ip_type"). Two maps have open keys:
`reviewer_attestations.<criterion_id>` (JUDG, rule-inventory §0.5) and
`selection_result.<programme_id>.selected` / `.approved_amount` (SEL).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import cache

from eligibility.frozen import frozen_record


class FieldKind(StrEnum):
    BOOL = "bool"
    INT = "int"
    MONEY = "money"
    DATE = "date"
    REGION = "region"
    ENUM = "enum"
    STRING = "string"
    YEAR = "year"


@frozen_record
class FieldSpec:
    """One field. `many` = a JSON list of scalars (or a field of a list of objects, e.g. items).

    The last four fields refine the kind: `unique` (many: a value may appear once, V-DUP),
    `length` (many: exact number of values), `minimum`/`maximum` (INT and YEAR bounds; an INT
    has minimum 0 unless stated). `fixed`: an applicant fact that no proposal of what would
    change an outcome changes once stated (`whatif.fixed`): declared `fixed`, or a date, year,
    region or text, or a reviewer's finding (attestations, selection results).
    """

    name: str
    kind: FieldKind
    label: str
    unit: str = ""
    enum_values: tuple[str, ...] = ()
    many: bool = False
    unique: bool = False
    length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    fixed: bool = False


@frozen_record
class CollectionSpec:
    """A list of records (ip_contracts, ...). `id_field`, when set, is required and unique.

    `name_field` (only without an id field) names a record in explanations when its value is
    given and appears once in the list; otherwise the record is "<collection>[<index>]".
    """

    name: str
    label: str
    id_field: str | None
    fields: tuple[FieldSpec, ...]
    name_field: str | None = None


@frozen_record
class GroupSpec:
    """A nested JSON object whose fields flatten to "<name>.<field>"; `is_list`: a list of them."""

    name: str
    label: str
    is_list: bool = False
    min_items: int = 0
    required: tuple[str, ...] = ()


FORMAT_VERSION = "eligibility.applicant/1"
"""The value of a file's "schema" key."""

ID_PATTERN = "^[A-Za-z][A-Za-z0-9_]*$"
"""Keys of reviewer_attestations, selection_result and context.interpretations."""

_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
YEAR_MIN, YEAR_MAX = 1900, 2100
ATTESTATIONS = "reviewer_attestations"
SELECTION = "selection_result"


@frozen_record
class Criterion:
    """A finding a reviewer attests (`reviewer_attestations.<name>`), declared by the policy
    that reads it: its 中文 label and the article it comes from ("" when none is cited)."""

    name: str
    label: str
    article: str = ""


@frozen_record
class Declarations:
    """What one vocabulary file or `facts` block declares, in the order written."""

    applicant: tuple[FieldSpec, ...] = ()
    context: tuple[FieldSpec, ...] = ()
    collections: tuple[CollectionSpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    enums: tuple[tuple[str, tuple[str, ...]], ...] = ()  # named enums: name, values
    enum_labels: tuple[tuple[str, str], ...] = ()
    criteria: tuple[Criterion, ...] = ()

    def __bool__(self) -> bool:
        parts = (self.applicant, self.context, self.collections, self.groups, self.enums)
        return any(parts) or bool(self.enum_labels or self.criteria)


def combined(parts: Iterable[Declarations]) -> Declarations:
    """Several declarations as one (their names are distinct: the loader checked)."""
    parts = tuple(parts)
    return Declarations(
        *(
            tuple(item for part in parts for item in getattr(part, name))
            for name in (
                "applicant", "context", "collections", "groups", "enums", "enum_labels",
                "criteria",
            )
        )
    )  # fmt: skip


class Vocabulary:
    """Declarations merged and indexed for lookup; the loader has refused any name declared
    twice, so merging only concatenates. Treated as immutable once built."""

    def __init__(self, parts: tuple[Declarations, ...]) -> None:
        self.parts = parts
        self.applicant = {f.name: f for p in parts for f in p.applicant}
        self.context = {f.name: f for p in parts for f in p.context}
        self.collections = {c.name: c for p in parts for c in p.collections}
        self.record_fields = {
            c.name: {f.name: f for f in c.fields} for c in self.collections.values()
        }
        self.groups = {g.name: g for p in parts for g in p.groups}
        self.enums = {name: values for p in parts for name, values in p.enums}
        self.enum_labels = {v: label for p in parts for v, label in p.enum_labels}
        self.criteria = {c.name: c for p in parts for c in p.criteria}

    def extended(self, extra: Declarations) -> Vocabulary:
        return self if not extra else _merged((*self.parts, extra))


@cache
def _merged(parts: tuple[Declarations, ...]) -> Vocabulary:
    return Vocabulary(parts)


_active: ContextVar[Vocabulary | None] = ContextVar("vocabulary", default=None)


@cache
def shipped() -> Vocabulary:
    """The shipped vocabulary (`eligibility/vocabulary/*.facts`), read once per process."""
    from eligibility.facts.vocabulary_files import shipped_declarations

    return _merged(shipped_declarations())


def active() -> Vocabulary:
    """The vocabulary the lookups below read."""
    return _active.get() or shipped()


@contextmanager
def using(vocabulary: Vocabulary) -> Iterator[Vocabulary]:
    """Make `vocabulary` the active one within the block."""
    token = _active.set(vocabulary)
    try:
        yield vocabulary
    finally:
        _active.reset(token)


def for_policies(extras: Iterable[Declarations]) -> Vocabulary:
    """The shipped vocabulary with the policies' own declarations (`ir.Policy.vocabulary`)."""
    vocabulary = shipped()
    for extra in extras:
        vocabulary = vocabulary.extended(extra)
    return vocabulary


# The validator's own knowledge of some enum values and groups (rule-inventory §9): kept here,
# beside the vocabulary, because checks.py and the schema's shared "party" definition need them.
NON_ENTERPRISE_FORMS = frozenset({"public_institution", "social_organisation", "government_body"})
PARTY_GROUPS = frozenset({"transferor", "transferee", "borrower", "lender"})


# ---- open-keyed maps (JUDG attestations, SEL results) ---------------------------------------
def is_id(text: str) -> bool:
    """True if `text` may key reviewer_attestations, selection_result or interpretations."""
    return _ID_RE.fullmatch(text) is not None


def _attestation_field(path: str) -> FieldSpec | None:
    parts = path.split(".")
    if len(parts) < 2 or parts[0] != ATTESTATIONS or not is_id(parts[1]) or len(parts) > 3:
        return None
    label = f"评审认定事项 {parts[1]}"
    match parts[2:]:
        case []:
            return FieldSpec(path, FieldKind.BOOL, label, fixed=True)
        case ["reviewer"]:
            return FieldSpec(path, FieldKind.STRING, f"{label}·评审人", fixed=True)
        case ["date"]:
            return FieldSpec(path, FieldKind.DATE, f"{label}·认定日期", fixed=True)
    return None


def _selection_field(path: str) -> FieldSpec | None:
    parts = path.split(".")
    if len(parts) != 3 or parts[0] != SELECTION or not is_id(parts[1]):
        return None
    if parts[2] == "selected":
        return FieldSpec(path, FieldKind.BOOL, f"遴选/评审结果 {parts[1]}·入选", fixed=True)
    if parts[2] == "approved_amount":
        label = f"遴选/评审结果 {parts[1]}·核定金额"
        return FieldSpec(path, FieldKind.MONEY, label, unit="元", fixed=True)
    return None


# ---- lookups --------------------------------------------------------------------------------
def applicant_field(path: str) -> FieldSpec | None:
    """The applicant-level field `path` ("credit_good", "materials.electronic_copy_on_disc",
    "reviewer_attestations.cq9_2_typical_cases", "selection_result.<id>.approved_amount")."""
    return active().applicant.get(path) or _attestation_field(path) or _selection_field(path)


def collection(name: str) -> CollectionSpec | None:
    return active().collections.get(name)


def record_field(collection_name: str, path: str) -> FieldSpec | None:
    """A field of a record of `collection_name`, including reviewer_attestations.<criterion_id>."""
    fields = active().record_fields.get(collection_name)
    if fields is None:
        return None
    return fields.get(path) or _attestation_field(path)


def context_field(path: str) -> FieldSpec | None:
    """A field of the file's context block (rule-inventory §8.1), interpretations excluded."""
    return active().context.get(path)


def group(name: str) -> GroupSpec | None:
    """The nested object or list of objects whose fields are named "<name>.<field>"."""
    return active().groups.get(name)


def applicant_field_names() -> tuple[str, ...]:
    return tuple(active().applicant)


def collection_names() -> tuple[str, ...]:
    return tuple(active().collections)


def context_field_names() -> tuple[str, ...]:
    return tuple(active().context)


def criterion(name: str) -> Criterion | None:
    """A declared reviewer criterion (`attested <name>`)."""
    return active().criteria.get(name)


def criterion_names() -> tuple[str, ...]:
    return tuple(active().criteria)


def enum_label(value: str) -> str | None:
    """The 中文 label declared for an enum value."""
    return active().enum_labels.get(value)
