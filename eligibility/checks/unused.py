"""W0402: a value set, record set or shared condition that is declared and never used. It is
usually a rule that was meant to be written and was not, or a name misspelt where it is used
(a use of an undeclared name is an error; a declaration nobody uses is only suspicious)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from eligibility.diagnostics import Diagnostic
from eligibility.ir import nodes as ir
from eligibility.syntax import ast

_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    """The fields of a syntax node type other than its span; () for anything else."""
    names = _FIELDS.get(kind)
    if names is None:
        is_node = dataclasses.is_dataclass(kind)
        names = (
            tuple(f.name for f in dataclasses.fields(kind) if f.name != "span") if is_node else ()
        )
        _FIELDS[kind] = names
    return names


def _nodes(value: Any) -> Iterator[Any]:
    """Every syntax node under `value` (the AST is frozen dataclasses and tuples)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(node)
        elif names := _field_names(type(node)):
            yield node
            stack.extend(getattr(node, name) for name in names)


def _names_used(definition: ast.Definition | ast.Header) -> set[str]:
    used: set[str] = set()
    for node in _nodes(definition):
        match node:
            case ast.NamedSet() | ast.SharedNode():
                used.add(node.name)
            case ast.Exists() | ast.CountDistinct() | ast.SumOf() | ast.Sum():
                used.add(node.record_set)
            case ast.Count():
                used.add(node.target.parts[0])
            case ast.CollectionValues():
                used.add(node.collection)
            case ast.RecordsDef():
                used.add(node.source)
    return used


def check(tree: ast.PolicyFile, policy: ir.Policy) -> list[Diagnostic]:
    declared: list[tuple[str, str, ast.Span]] = []
    for definition in tree.definitions:
        match definition:
            case ast.ValuesDef():
                declared.append(("value set", definition.name, definition.span))
            case ast.RecordsDef():
                declared.append(("record set", definition.name, definition.span))
            case ast.ConditionsDef():
                declared.append(("shared condition", definition.name, definition.span))
    uses = [(getattr(d, "name", None), _names_used(d)) for d in (tree.header, *tree.definitions)]
    found: list[Diagnostic] = []
    for kind, name, span in declared:
        used = any(name in names for owner, names in uses if owner != name)
        if not used:
            found.append(
                Diagnostic(
                    "W0402",
                    f"the {kind} `{name}` is declared and never used",
                    span,
                    "not used",
                    help="use it where the document applies it, or delete it",
                )
            )
    return found
