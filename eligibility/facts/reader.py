"""Reading the `applicant` object into flat Facts and Records, checking every scalar on the way.

The reader walks the layout (not the document), so it only ever looks at known keys; the shape
of the document (unknown keys, missing required keys, a list where an object belongs) is the
schema's business (`facts.structure`). Whatever the reader cannot use it skips; what it reads it
converts with `facts.values`, reporting each bad scalar, and repeated values or record ids
(V-DUP). Cross-field rules (V-CONTRA, V-RANGE) come afterwards, in `facts.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.facts.layout import (
    CollectionNode,
    Group,
    Leaf,
    MapNode,
    Token,
    applicant_layout,
    map_field,
)
from eligibility.facts.model import Fact, InputError, Record
from eligibility.facts.paths import render, show
from eligibility.facts.values import convert
from eligibility.facts.vocabulary import FieldSpec, is_id

DEFAULT_APPLICANT_KIND = "organisation"


@dataclass(frozen=True, slots=True)
class Reading:
    facts: tuple[Fact, ...]
    fields_present: frozenset[str]
    records: tuple[Record, ...]
    errors: tuple[InputError, ...]


@dataclass(slots=True)
class _Sink:
    """What the reader gathered for one entity (errors are shared by all entities)."""

    errors: list[InputError]
    facts: list[Fact] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    records: list[Record] = field(default_factory=list)


def read_applicant(applicant: object) -> Reading:
    """Facts and records of `applicant` (the value of the document's "applicant" key)."""
    sink = _Sink([])
    if isinstance(applicant, dict):
        _read_group(applicant_layout(), applicant, ("applicant",), sink)
        if "applicant_kind" not in sink.present:
            path = "$.applicant.applicant_kind"
            sink.facts.append(Fact("applicant_kind", DEFAULT_APPLICANT_KIND, path))
    return Reading(tuple(sink.facts), frozenset(sink.present), tuple(sink.records),
                   tuple(sink.errors))


def _read_group(group: Group, obj: object, tokens: tuple[Token, ...], sink: _Sink) -> None:
    if not isinstance(obj, dict):
        return
    for child in group.children:
        if child.key not in obj:
            continue
        value, here = obj[child.key], (*tokens, child.key)
        match child:
            case Leaf():
                _read_leaf(child, value, here, sink)
            case Group(is_list=True):
                _read_object_list(child, value, here, sink)
            case Group():
                _read_group(child, value, here, sink)
            case MapNode():
                _read_map(child, value, here, sink)
            case CollectionNode():
                sink.present.add(child.key)
                _read_collection(child, value, here, sink)


def _emit(spec: FieldSpec, value: object, tokens: tuple[Token, ...], sink: _Sink) -> Fact | None:
    path = render(tokens)
    out = convert(spec, value, path)
    if isinstance(out, InputError):
        sink.errors.append(out)
        return None
    fact = Fact(spec.name, out, path)
    sink.facts.append(fact)
    return fact


def _once(fact: Fact | None, seen: dict[object, str], what: str, errors: list[InputError]) -> None:
    """V-DUP if `fact`'s value was seen before in the same list."""
    if fact is None:
        return
    key = (type(fact.value), fact.value)
    if key in seen:
        message = f"{what} {show(fact.value)} is given twice: first at {seen[key]}"
        errors.append(InputError("V-DUP", fact.path, message))
    else:
        seen[key] = fact.path


def _read_leaf(leaf: Leaf, value: object, tokens: tuple[Token, ...], sink: _Sink) -> None:
    spec = leaf.spec
    sink.present.add(spec.name)
    if not spec.many:
        _emit(spec, value, tokens, sink)
        return
    if not isinstance(value, list):
        return
    seen: dict[object, str] = {}
    for index, element in enumerate(value):
        fact = _emit(spec, element, (*tokens, index), sink)
        if spec.unique:
            _once(fact, seen, "value", sink.errors)


def _read_object_list(group: Group, value: object, tokens: tuple[Token, ...], sink: _Sink) -> None:
    if not isinstance(value, list):
        return
    seen: dict[object, str] = {}
    for index, element in enumerate(value):
        if not isinstance(element, dict):
            continue
        for leaf in group.children:
            if isinstance(leaf, Leaf) and leaf.key in element:
                sink.present.add(leaf.spec.name)
                fact = _emit(leaf.spec, element[leaf.key], (*tokens, index, leaf.key), sink)
                if leaf.key == group.key_field:
                    _once(fact, seen, leaf.key, sink.errors)


def _read_map(node: MapNode, value: object, tokens: tuple[Token, ...], sink: _Sink) -> None:
    if not isinstance(value, dict):
        return
    sink.present.add(node.key)
    for ident, entry_value in value.items():
        if not is_id(ident) or not isinstance(entry_value, dict):
            continue
        sink.present.add(f"{node.key}.{ident}")
        for entry in node.entries:
            spec = map_field(node, ident, entry)
            if entry.key in entry_value and spec is not None:
                sink.present.add(spec.name)
                _emit(spec, entry_value[entry.key], (*tokens, ident, entry.key), sink)


def _read_collection(
    node: CollectionNode, value: object, tokens: tuple[Token, ...], sink: _Sink
) -> None:
    if not isinstance(value, list):
        return
    id_field = node.spec.id_field
    seen: dict[object, str] = {}
    for index, element in enumerate(value):
        if not isinstance(element, dict):
            continue
        record_sink = _Sink(sink.errors)
        _read_group(node.record, element, (*tokens, index), record_sink)
        ident = next((f for f in record_sink.facts if f.field == id_field), None)
        _once(ident, seen, id_field or "", sink.errors)
        record_id = str(ident.value) if ident else f"{node.key}[{index}]"
        sink.records.append(Record(node.key, record_id, render((*tokens, index)),
                                   tuple(record_sink.facts), frozenset(record_sink.present)))
