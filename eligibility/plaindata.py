"""Trees of records (the policy IR, the Datalog program: `frozen.py` records, or dataclasses) ↔
JSON values, for the compile cache.

Decoding builds only the classes of an allowlist (the IR, the Datalog program, spans) from
values of a closed set of kinds: nothing in a cache file can name a function, a module or any
other class, so a crafted file can at worst fail to decode (and is then recompiled). The round
trip is exact (`decode(encode(x)) == x`, tested on every shipped policy).

An encoded tree is `{"objects": [...], "root": value}`. Each distinct record is written once in
`objects`, as `[tag, field, …]` in declaration order, after the records it refers to; a field
refers to one by its index, a bare JSON integer, always an earlier index, so decoding is one
pass with no recursion over records and builds each distinct record once (a compiled program
repeats the same variables and atoms thousands of times; references are most of all values, so
they get the cheapest form). Other values, by kind: None, bool and str as themselves; int
`{"i": 3}`; `Decimal` `{"d": "1.5"}`; `date` `{"t": "2024-01-01"}`; tuple a JSON list; frozenset
`{"s": [...]}` in a canonical order; dict `{"m": [[k, v], …]}`; a `StrEnum` `{"e": tag, "v": value}`.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
from decimal import Decimal
from types import ModuleType
from typing import Any

from eligibility.frozen import field_names, frozen_record, is_record

JsonValue = Any  # what json.loads returns: nested dict / list / str / int / float / bool / None


class DecodeError(ValueError):
    """A value that does not fit the encoding or names a class outside the allowlist."""


@frozen_record
class Codec:
    """The allowlist: tag → class, and class → tag."""

    classes: dict[str, type]
    tags: dict[type, str]

    def encode(self, value: object) -> JsonValue:
        encoder = _Encoder(self.tags)
        root = encoder.value(value)
        return {"objects": encoder.objects, "root": root}

    def decode(self, data: JsonValue) -> Any:
        try:
            return _Decoder(self.classes).tree(data)
        except (
            TypeError,
            KeyError,
            IndexError,
            ValueError,
            ArithmeticError,
            RecursionError,
        ) as error:
            raise DecodeError(f"{type(error).__name__}: {error}") from None


def codec_for(modules: dict[str, ModuleType]) -> Codec:
    """The records (frozen records or dataclasses) and enums defined in the given modules, tagged
    `<prefix>.<Name>`."""
    classes: dict[str, type] = {}
    for prefix, module in modules.items():
        for name, value in vars(module).items():
            defined_here = isinstance(value, type) and value.__module__ == module.__name__
            if defined_here and (_is_record_class(value) or issubclass(value, enum.Enum)):
                classes[f"{prefix}.{name}"] = value
    return Codec(classes, {cls: tag for tag, cls in classes.items()})


class _Encoder:
    def __init__(self, tags: dict[type, str]) -> None:
        self.tags = tags
        self.objects: list[JsonValue] = []
        self.index: dict[str, int] = {}

    def value(self, value: object) -> JsonValue:
        match value:
            case enum.Enum():
                return {"e": self.tags[type(value)], "v": value.value}
            case None | bool() | str():
                return value
            case int():
                return {"i": value}
            case Decimal():
                return {"d": str(value)}
            case datetime.date():
                return {"t": value.isoformat()}
            case tuple():
                return [self.value(item) for item in value]
            case frozenset():
                items = [self.value(item) for item in value]
                return {"s": sorted(items, key=_canonical)}
            case dict():
                return {"m": [[self.value(k), self.value(v)] for k, v in value.items()]}
            case _ if _is_record_class(type(value)):
                return self.record(value)
        raise TypeError(f"cannot encode {type(value).__name__} for the compile cache")

    def record(self, value: Any) -> int:
        # Keyed by the encoded form, not by the value: Const(False) == Const(Decimal(0)) in
        # Python, and sharing them would turn an amount into a truth value.
        entry = [self.tags[type(value)]]
        entry += [self.value(getattr(value, name)) for name in _field_names(type(value))]
        key = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        known = self.index.get(key)
        if known is None:
            known = self.index[key] = len(self.objects)
            self.objects.append(entry)
        return known


def _is_record_class(cls: type) -> bool:
    # is_record first: dataclasses.is_dataclass would build a record's dataclass fields
    return is_record(cls) or dataclasses.is_dataclass(cls)


def _field_names(cls: type) -> tuple[str, ...]:
    if is_record(cls):
        return field_names(cls)
    return tuple(f.name for f in dataclasses.fields(cls))


def _canonical(item: JsonValue) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


_AS_THEMSELVES = frozenset({str, bool, type(None)})


class _Decoder:
    def __init__(self, classes: dict[str, type]) -> None:
        self.classes = classes
        self.built: list[object] = []

    def tree(self, data: JsonValue) -> Any:
        if not isinstance(data, dict) or set(data) != {"objects", "root"}:
            raise DecodeError("not an encoded tree")
        records = {tag: cls for tag, cls in self.classes.items() if _is_record_class(cls)}
        as_themselves, value, built = _AS_THEMSELVES, self.value, self.built
        for tag, *fields in data["objects"]:
            # The fast path: most fields are strings or references to records built already
            # (an index past them raises IndexError: no forward references, no cycles).
            built.append(
                records[tag](
                    *[
                        f
                        if type(f) in as_themselves
                        else built[f]
                        if type(f) is int and f >= 0
                        else value(f)
                        for f in fields
                    ]
                )
            )
        return value(data["root"])

    def value(self, data: JsonValue) -> Any:
        kind = type(data)  # json.loads makes exact types: no subclass to miss (bool is not int)
        if kind is int:
            if data < 0:
                raise DecodeError("a reference is an index")
            return self.built[data]
        if kind in _AS_THEMSELVES:
            return data
        if kind is list:
            return tuple([self.value(item) for item in data])
        if not isinstance(data, dict) or len(data) not in (1, 2):
            raise DecodeError(f"unexpected {type(data).__name__} in a cache entry")
        if len(data) == 2:
            cls = self.classes[data["e"]]
            if not issubclass(cls, enum.Enum):
                raise DecodeError(f"{data['e']!r} is not an enumeration")
            return cls(data["v"])
        ((kind, raw),) = data.items()
        if kind == "i" and type(raw) is int:
            return raw
        if kind == "d" and isinstance(raw, str) and Decimal(raw).is_finite():
            return Decimal(raw)
        if kind == "t" and isinstance(raw, str):
            return datetime.date.fromisoformat(raw)
        if kind == "s" and isinstance(raw, list):
            return frozenset(self.value(item) for item in raw)
        if kind == "m" and isinstance(raw, list):
            return {self.value(k): self.value(v) for k, v in raw}
        raise DecodeError(f"unexpected {kind!r} in a cache entry")
