"""The nested JSON shape of an applicant file, derived from the flat vocabulary.

The vocabulary names fields flat and dotted ("transferor.registered_region"); the file nests them
({"transferor": {"registered_region": ...}}). This module builds that nesting once, as a tree of
frozen nodes that both the schema generator and the reader walk, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from eligibility.facts import vocabulary as vocab
from eligibility.facts.vocabulary import FieldKind, FieldSpec
from eligibility.frozen import frozen_record

Token = str | int


@frozen_record
class Leaf:
    """A field. `in_list`: it sits in a list of objects, so each element holds one scalar."""

    key: str
    spec: FieldSpec
    required: bool = False
    in_list: bool = False


@frozen_record
class MapEntry:
    """A member of a map value: {"value": true} is the fact "<map>.<id>" (suffix "")."""

    key: str
    suffix: str
    kind: FieldKind
    required: bool


@frozen_record
class MapNode:
    """An object keyed by open ids (criterion ids, programme ids), each value an object."""

    key: str
    label: str
    id_label: str
    entries: tuple[MapEntry, ...]


@frozen_record
class Group:
    """A JSON object (or, `is_list`, a list of them). For an entity (the applicant, a record)
    `key` is its name. `keys` and `required` are its allowed and required keys;
    `key_field` must be unique among the elements of a list; `def_name` names a shared
    schema definition ("party")."""

    key: str
    label: str
    children: tuple[Node, ...]
    is_list: bool = False
    min_items: int = 0
    key_field: str | None = None
    def_name: str | None = None
    keys: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()


def _make_group(
    key: str,
    label: str,
    children: tuple[Node, ...],
    *,
    is_list: bool = False,
    min_items: int = 0,
    key_field: str | None = None,
    def_name: str | None = None,
) -> Group:
    keys = frozenset(c.key for c in children)
    required = frozenset(c.key for c in children if isinstance(c, Leaf) and c.required)
    return Group(key, label, children, is_list, min_items, key_field, def_name, keys, required)


@frozen_record
class CollectionNode:
    """A collection of records (ip_contracts, ...): a JSON list of `record` objects."""

    key: str
    spec: vocab.CollectionSpec
    record: Group


Node = Leaf | Group | MapNode | CollectionNode

ATTESTATION_MAP = MapNode(
    vocab.ATTESTATIONS,
    "评审认定事项",
    "criterion id",
    (
        MapEntry("value", "", FieldKind.BOOL, True),
        MapEntry("reviewer", ".reviewer", FieldKind.STRING, True),
        MapEntry("date", ".date", FieldKind.DATE, True),
    ),
)
SELECTION_MAP = MapNode(
    vocab.SELECTION,
    "遴选/评审结果",
    "programme id",
    (
        MapEntry("selected", ".selected", FieldKind.BOOL, True),
        MapEntry("approved_amount", ".approved_amount", FieldKind.MONEY, False),
    ),
)


def _children(fields: Sequence[FieldSpec], required: frozenset[str]) -> tuple[Node, ...]:
    """Nest dotted fields into groups, keeping the vocabulary's order of first appearance."""
    order: list[str] = []
    nested: dict[str, list[FieldSpec]] = {}
    for spec in fields:
        head, _, _ = spec.name.partition(".")
        if head not in nested:
            order.append(head)
            nested[head] = []
        nested[head].append(spec)
    return tuple(_node(head, nested[head], required) for head in order)


def _node(head: str, specs: list[FieldSpec], required: frozenset[str]) -> Node:
    if len(specs) == 1 and specs[0].name == head:
        return Leaf(head, specs[0], required=head in required)
    spec = vocab.group(head)
    assert spec is not None, f"vocabulary: no group declared for {head!r}"
    leaves = tuple(
        Leaf(f.name.partition(".")[2], f, f.name.partition(".")[2] in spec.required, spec.is_list)
        for f in specs
    )
    key_field = spec.required[0] if spec.is_list and spec.required else None
    def_name = "party" if head in vocab.PARTY_GROUPS else None
    return _make_group(
        head,
        spec.label,
        leaves,
        is_list=spec.is_list,
        min_items=spec.min_items,
        key_field=key_field,
        def_name=def_name,
    )


def record_layout(name: str) -> Group:
    """The layout of a record of `name` in the active vocabulary."""
    return _record_layout(vocab.active(), name)


def applicant_layout() -> Group:
    """The layout of the applicant object in the active vocabulary."""
    return _applicant_layout(vocab.active())


# Keyed by the active vocabulary (an object made once per set of declarations), which the
# lookups inside read: a policy's own facts give its applicant another layout.
@cache
def _record_layout(_: vocab.Vocabulary, name: str) -> Group:
    spec = vocab.collection(name)
    assert spec is not None, name
    required = frozenset({spec.id_field} if spec.id_field else ())
    children = _children(spec.fields, required) + (ATTESTATION_MAP,)
    return _make_group(name, spec.label, children)


@cache
def _applicant_layout(_: vocab.Vocabulary) -> Group:
    fields = [s for n in vocab.applicant_field_names() if (s := vocab.applicant_field(n))]
    collections = tuple(
        CollectionNode(name, spec, record_layout(name))
        for name in vocab.collection_names()
        if (spec := vocab.collection(name))
    )
    children = _children(fields, frozenset({"applicant_id"}))
    children += (ATTESTATION_MAP, SELECTION_MAP, *collections)
    return _make_group("applicant", "申请主体", children)


def map_field(node: MapNode, ident: str, entry: MapEntry) -> FieldSpec | None:
    return vocab.applicant_field(f"{node.key}.{ident}{entry.suffix}")
