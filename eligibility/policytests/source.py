"""YAML text → plain values that remember where they were written. The only module that imports
PyYAML.

The document is composed with PyYAML's safe loader (it never builds Python objects) and then
converted node by node, so that each mapping and list knows the line and column of each of its
members. An error found later, such as a validator error at
`$.applicant.ip_contracts[2].registered_contract_amount`, is then reported where that value was
written, even when it came from the `defaults:` block or from a `<<: *template` merge.

What is converted or refused, and why (a test author would otherwise be surprised silently):
- a YAML float (`500000.00` without quotes) is refused: a binary float can lose the fen;
- a date (`2024-05-06`) becomes its ISO text, which is how the applicant format writes dates;
- a key written twice in one block is refused (PyYAML would keep the last one without a word);
- `<<: *anchor` merge keys work as in YAML 1.1, so a record can be written once and reused.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml  # type: ignore[import-untyped]  # no stubs: see types-PyYAML

_MERGE = "tag:yaml.org,2002:merge"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_TOKEN = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\]')


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file: 1-based line and column (characters)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a test file, at a place in it."""

    where: Location
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class Mapping(dict[str, Any]):
    """A YAML mapping. `where` is the mapping's own place; `at[key]` is where the value of
    `key` is, and `key_at[key]` where the key itself is written."""

    __slots__ = ("at", "key_at", "where")

    def __init__(self, where: Location) -> None:
        super().__init__()
        self.where = where
        self.at: dict[str, Location] = {}
        self.key_at: dict[str, Location] = {}

    def put(self, key: str, value: Any, where: Location, key_where: Location | None = None) -> None:
        self[key] = value
        self.at[key] = where
        self.key_at[key] = key_where or where

    def drop(self, key: str) -> None:
        del self[key], self.at[key], self.key_at[key]


class Sequence(list[Any]):
    """A YAML list. `where` is the list's own place; `at[i]` is where item i is."""

    __slots__ = ("at", "where")

    def __init__(self, where: Location) -> None:
        super().__init__()
        self.where = where
        self.at: list[Location] = []

    def add(self, value: Any, where: Location) -> None:
        self.append(value)
        self.at.append(where)


def parse(text: str, file: str) -> tuple[Any, tuple[Problem, ...]]:
    """The document in `text` as Mapping / Sequence / scalars, and every problem in it."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _location(file, mark) if mark else Location(file, 1, 1)
        what = " ".join(p for p in (error.context, error.problem) if p) or "not valid YAML"
        return None, (Problem(where, f"not valid YAML: {what}"),)
    except yaml.YAMLError as error:
        return None, (Problem(Location(file, 1, 1), f"not valid YAML: {error}"),)
    if node is None:
        return None, ()
    converter = _Converter(file)
    return converter.value(node), tuple(converter.problems)


def _location(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.scalars = yaml.constructor.SafeConstructor()
        self.done: dict[int, Any] = {}  # an alias is the same node again: convert it once

    def where(self, node: yaml.Node) -> Location:
        return _location(self.file, node.start_mark)

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.where(node), message))

    def value(self, node: yaml.Node) -> Any:
        if id(node) in self.done:
            return copy(self.done[id(node)])
        if isinstance(node, yaml.MappingNode):
            out: Any = self.mapping(node)
        elif isinstance(node, yaml.SequenceNode):
            out = Sequence(self.where(node))
            for item in node.value:
                out.add(self.value(item), self.where(item))
        else:
            out = self.scalar(node)
        self.done[id(node)] = out
        return out

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == _FLOAT:
            self.problem(
                node,
                f"{node.value} is written as a number with a decimal point, which "
                f"YAML reads as a binary fraction that can lose the fen: write "
                f'amounts of money in quotes, as "{node.value}"',
            )
            return None
        try:
            value = self.scalars.construct_object(node)
        except yaml.YAMLError as error:
            self.problem(node, f"this value cannot be read: {getattr(error, 'problem', error)}")
            return None
        if isinstance(value, datetime.datetime):
            self.problem(node, f"{node.value} has a time of day: write a date only, as YYYY-MM-DD")
            return None
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, bytes | set):
            self.problem(node, "this kind of YAML value is not used in test files")
            return None
        return value

    def mapping(self, node: yaml.MappingNode) -> Mapping:
        out = Mapping(self.where(node))
        first: dict[str, int] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges += (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                continue
            key = self.key(key_node)
            if key is None:
                continue
            if key in first:
                self.problem(
                    key_node,
                    f"`{key}` is written twice in this block (first on line "
                    f"{first[key]}): keep one",
                )
                continue
            first[key] = key_node.start_mark.line + 1
            out.put(key, self.value(value_node), self.where(value_node), self.where(key_node))
        for source in merges:  # keys written here win over merged ones, earlier merges win
            self.merge_into(out, source)
        return out

    def merge_into(self, out: Mapping, source: yaml.Node) -> None:
        if not isinstance(source, yaml.MappingNode):
            self.problem(
                source,
                "`<<:` takes a block (or a list of blocks) to copy keys from, "
                "such as <<: *template",
            )
            return
        merged = self.value(source)
        for key, value in merged.items():
            if key not in out:
                out.put(key, value, merged.at[key], merged.key_at[key])

    def key(self, node: yaml.Node) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR and node.value:
            return str(node.value)
        shown = node.value if isinstance(node, yaml.ScalarNode) else "this key"
        self.problem(
            node,
            f"{shown!s} is not a name: keys are names such as credit_good "
            f"(put it in quotes if it is meant as text)",
        )
        return None


def copy(value: Any) -> Any:
    """A deep copy keeping the places."""
    if isinstance(value, Mapping):
        out = Mapping(value.where)
        for key, item in value.items():
            out.put(key, copy(item), value.at[key], value.key_at[key])
        return out
    if isinstance(value, Sequence):
        seq = Sequence(value.where)
        for item, where in zip(value, value.at, strict=True):
            seq.add(copy(item), where)
        return seq
    return value


def merge(base: Any, over: Any) -> Any:
    """`over` laid on `base`: mappings merged key by key, anything else (lists too) replaced."""
    if not (isinstance(base, Mapping) and isinstance(over, Mapping)):
        return copy(over)
    out = copy(base)
    out.where = over.where
    for key, value in over.items():
        merged = merge(out[key], value) if key in out else copy(value)
        out.put(key, merged, over.at[key], over.key_at[key])
    return out


def plain(value: Any) -> Any:
    """Plain dicts and lists, as a JSON reader would give them."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def path_tokens(path: str) -> Iterator[str | int]:
    """The keys and indices of a JSON path such as `$.applicant.items[0]["odd key"]`."""
    for match in _TOKEN.finditer(path, 1):
        name, index, quoted = match.groups()
        if index is not None:
            yield int(index)
        elif name is not None:
            yield name
        else:
            try:
                yield str(json.loads(quoted))
            except ValueError:
                return


def locate(root: Any, path: str, fallback: Location) -> tuple[Location, Any]:
    """Where the value at JSON `path` was written, or the nearest enclosing place known, and
    the value itself (None when the path goes past what was written)."""
    where, value = fallback, root
    for token in path_tokens(path):
        member = _member(value, token)
        if member is None:
            return (value.where if isinstance(value, Mapping | Sequence) else where), None
        where, value = member
    return where, value


def _member(value: Any, token: str | int) -> tuple[Location, Any] | None:
    if isinstance(value, Mapping) and isinstance(token, str):
        return (value.at[token], value[token]) if token in value else None
    if isinstance(value, Sequence) and isinstance(token, int):
        return (value.at[token], value[token]) if token < len(value) else None
    return None
