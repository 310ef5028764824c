"""Reading the `applicant` object into flat Facts and Records, checking every value on the way.

The reader walks the layout, converting each scalar with `facts.values` (reporting each bad one)
and reporting repeated values and record ids (V-DUP). It is also the fast structural check: it
notes, without explaining, anything the schema forbids about the document's shape (an unknown
key, a missing required key, an object where a list belongs, a list of the wrong length). Only
then does `facts.validate` pay for jsonschema to list and explain those (`facts.structure`).
Cross-field rules (V-CONTRA, V-RANGE) come afterwards, in `facts.checks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_never

from eligibility.facts.jsontext import repeated_key_errors
from eligibility.facts.layout import (
    CollectionNode,
    Group,
    Leaf,
    MapNode,
    Node,
    applicant_layout,
    map_field,
)
from eligibility.facts.model import Fact, InputError, Record
from eligibility.facts.paths import child as child_path
from eligibility.facts.paths import show
from eligibility.facts.values import convert
from eligibility.facts.vocabulary import FieldSpec, is_id
from eligibility.frozen import frozen_record

DEFAULT_APPLICANT_KIND = "organisation"


@frozen_record
class Reading:
    """The applicant's facts and records (its errors are in the Walk that read it)."""

    facts: tuple[Fact, ...]
    fields_present: frozenset[str]
    records: tuple[Record, ...]


class Walk:
    """State shared by the whole walk: value errors, and whether the shape is as the schema says.

    (The two mutable accumulators here are plain classes: a dataclass costs ~0.5 ms to define,
    and start-up time is budgeted.)
    """

    __slots__ = ("errors", "shape_ok")

    def __init__(self) -> None:
        self.errors: list[InputError] = []
        self.shape_ok = True

    def shape(self, ok: bool) -> bool:
        """Record one shape test; returns `ok` so callers can stop reading what failed."""
        if not ok:
            self.shape_ok = False
        return ok


class _Sink:
    """What the reader gathered for one entity (the applicant, or one record)."""

    __slots__ = ("facts", "present", "records", "walk")

    def __init__(self, walk: Walk) -> None:
        self.walk = walk
        self.facts: list[Fact] = []
        self.present: set[str] = set()
        self.records: list[Record] = []


def read_applicant(applicant: object, walk: Walk) -> Reading:
    """Facts and records of `applicant` (the value of the document's "applicant" key)."""
    sink = _Sink(walk)
    if walk.shape(isinstance(applicant, dict)):
        _read_group(applicant_layout(), applicant, "$.applicant", sink)
        if "applicant_kind" not in sink.present:
            path = "$.applicant.applicant_kind"
            sink.facts.append(Fact("applicant_kind", DEFAULT_APPLICANT_KIND, path))
    return Reading(tuple(sink.facts), frozenset(sink.present), tuple(sink.records))


def object_ok(
    walk: Walk, obj: object, keys: frozenset[str], required: frozenset[str], path: str
) -> bool:
    """Whether `obj` is an object with only `keys`, all of `required`; V-DUP for repeated keys."""
    walk.errors += repeated_key_errors(obj, path)
    return walk.shape(isinstance(obj, dict) and obj.keys() <= keys and required <= obj.keys())


def _read_group(group: Group, obj: object, path: str, sink: _Sink) -> None:
    object_ok(sink.walk, obj, group.keys, group.required, path)
    if not isinstance(obj, dict):
        return
    for key, segment, read, child in _children(group):
        if key in obj:
            read(child, obj[key], path + segment, sink)


Reader = Callable[[Any, object, str, _Sink], None]
_PLANS: dict[int, tuple[Group, tuple[tuple[str, str, Reader, Node], ...]]] = {}


def _children(group: Group) -> tuple[tuple[str, str, Reader, Node], ...]:
    """Each child of `group` with its path segment and the function that reads it: worked out
    once per group, not once per record (a bank's 10,000 records of ~14 fields each)."""
    held = _PLANS.get(id(group))
    if held is not None and held[0] is group:
        return held[1]
    plan: list[tuple[str, str, Reader, Node]] = []
    for child in group.children:
        read: Reader
        match child:
            case Leaf() if not child.spec.many:
                read = _read_scalar
            case Leaf():
                read = _read_leaf
            case Group(is_list=True):
                read = _read_object_list
            case Group():
                read = _read_group
            case MapNode():
                read = _read_map
            case CollectionNode():
                read = _read_present_collection
            case _:
                assert_never(child)
        plan.append((child.key, child_path("", child.key), read, child))
    _PLANS[id(group)] = (group, tuple(plan))
    return tuple(plan)


def _read_scalar(leaf: Leaf, value: object, path: str, sink: _Sink) -> None:
    """`_read_leaf` for a field of one value (most fields): `_emit` written out."""
    spec = leaf.spec
    sink.present.add(spec.name)
    out = convert(spec, value, path)
    if isinstance(out, InputError):
        sink.walk.errors.append(out)
    else:
        sink.facts.append(Fact(spec.name, out, path))


def _read_present_collection(node: CollectionNode, value: object, path: str, sink: _Sink) -> None:
    sink.present.add(node.key)
    _read_collection(node, value, path, sink)


def read_value(spec: FieldSpec, value: object, path: str, walk: Walk) -> Fact | None:
    """One scalar outside any entity (the context block): its fact, or None and an error."""
    return _emit(spec, value, path, _Sink(walk))


def _emit(spec: FieldSpec, value: object, path: str, sink: _Sink) -> Fact | None:
    out = convert(spec, value, path)
    if isinstance(out, InputError):
        sink.walk.errors.append(out)
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


def _read_leaf(leaf: Leaf, value: object, path: str, sink: _Sink) -> None:
    spec = leaf.spec
    sink.present.add(spec.name)
    if not spec.many:
        _emit(spec, value, path, sink)
        return
    if not sink.walk.shape(isinstance(value, list)):
        return
    assert isinstance(value, list)
    sink.walk.shape(spec.length is None or len(value) == spec.length)
    seen: dict[object, str] = {}
    for index, element in enumerate(value):
        fact = _emit(spec, element, f"{path}[{index}]", sink)
        if spec.unique:
            _once(fact, seen, "value", sink.walk.errors)


def _read_object_list(group: Group, value: object, path: str, sink: _Sink) -> None:
    if not sink.walk.shape(isinstance(value, list)):
        return
    assert isinstance(value, list)
    sink.walk.shape(len(value) >= group.min_items)
    seen: dict[object, str] = {}
    for index, element in enumerate(value):
        object_ok(sink.walk, element, group.keys, group.required, f"{path}[{index}]")
        if not isinstance(element, dict):
            continue
        for leaf in group.children:
            if isinstance(leaf, Leaf) and leaf.key in element:
                sink.present.add(leaf.spec.name)
                here = child_path(f"{path}[{index}]", leaf.key)
                fact = _emit(leaf.spec, element[leaf.key], here, sink)
                if leaf.key == group.key_field:
                    _once(fact, seen, leaf.key, sink.walk.errors)


def _read_map(node: MapNode, value: object, path: str, sink: _Sink) -> None:
    if not sink.walk.shape(isinstance(value, dict)):
        return
    assert isinstance(value, dict)
    sink.walk.errors += repeated_key_errors(value, path)
    sink.present.add(node.key)
    keys = frozenset(e.key for e in node.entries)
    required = frozenset(e.key for e in node.entries if e.required)
    for ident, entry_value in value.items():
        here = child_path(path, ident)
        ok = sink.walk.shape(is_id(ident)) and object_ok(
            sink.walk, entry_value, keys, required, here
        )
        if not ok and not (is_id(ident) and isinstance(entry_value, dict)):
            continue
        sink.present.add(f"{node.key}.{ident}")
        for entry in node.entries:
            spec = map_field(node, ident, entry)
            if entry.key in entry_value and spec is not None:
                sink.present.add(spec.name)
                _emit(spec, entry_value[entry.key], child_path(here, entry.key), sink)


def _read_collection(node: CollectionNode, value: object, path: str, sink: _Sink) -> None:
    if not sink.walk.shape(isinstance(value, list)):
        return
    assert isinstance(value, list)
    id_field = node.spec.id_field
    seen: dict[object, str] = {}
    names = _unique_names(node, value)
    for index, element in enumerate(value):
        if not sink.walk.shape(isinstance(element, dict)):
            continue
        record_sink = _Sink(sink.walk)
        here = f"{path}[{index}]"
        _read_group(node.record, element, here, record_sink)
        ident = next((f for f in record_sink.facts if f.field == id_field), None)
        _once(ident, seen, id_field or "", sink.walk.errors)
        record_id = str(ident.value) if ident else names.get(index, f"{node.key}[{index}]")
        sink.records.append(
            Record(
                node.key, record_id, here, tuple(record_sink.facts), frozenset(record_sink.present)
            )
        )


def _unique_names(node: CollectionNode, value: list[object]) -> dict[int, str]:
    """Index → the record's `name_field` value, for the values that name one record only."""
    field = node.spec.name_field
    if field is None:
        return {}
    given = {
        index: element[field]
        for index, element in enumerate(value)
        if isinstance(element, dict) and isinstance(element.get(field), str) and element[field]
    }
    counts: dict[str, int] = {}
    for name in given.values():
        counts[name] = counts.get(name, 0) + 1
    return {index: name for index, name in given.items() if counts[name] == 1}
