"""Every violation of the published schema, as InputErrors: the slow, complete check.

It runs only when the reader (`facts.reader`, the fast check) has seen a shape the schema
forbids, so the cost of importing `jsonschema` (~75 ms) is paid by such files only.
jsonschema lists every violation (`iter_errors`); each is translated here: unknown keys become
V-UNKNOWN with a "did you mean" from difflib, missing keys V-REQUIRED, and a bad scalar is
re-explained by `facts.values` so it reads (and deduplicates) exactly like the reader's report.
`target_at` answers "which field is at this JSON location?" for that last step.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from eligibility.facts.layout import (
    CollectionNode,
    Group,
    Leaf,
    MapNode,
    Token,
    applicant_layout,
    map_field,
)
from eligibility.facts.limits import V_LIMIT
from eligibility.facts.model import InputError
from eligibility.facts.paths import quote, render, show
from eligibility.facts.values import container_error, convert, kind_code
from eligibility.facts.vocabulary import (
    FORMAT_VERSION,
    FieldKind,
    FieldSpec,
    context_field,
    is_id,
)
from eligibility.frozen import frozen_record

if TYPE_CHECKING:
    from jsonschema import ValidationError  # type: ignore[import-untyped]

_LEAF_RULES = frozenset(
    {"type", "enum", "pattern", "format", "minimum", "maximum", "minLength", "maxLength"}
)
_SHAPES = {"object": "an object", "array": "a list", "string": "a string"}


def structural_errors(doc: object) -> tuple[InputError, ...]:
    """All schema violations of `doc`, translated; uniqueItems is left to the reader (V-DUP)."""
    from jsonschema import Draft202012Validator, FormatChecker

    from eligibility.facts.schema import build_schema

    validator = Draft202012Validator(build_schema(), format_checker=FormatChecker())
    found: set[InputError] = set()
    for error in validator.iter_errors(doc):
        found.update(_translate(error))
    return tuple(found)


def _translate(error: ValidationError) -> Iterator[InputError]:
    tokens: tuple[Token, ...] = tuple(error.absolute_path)
    rule = error.validator
    if "propertyNames" in error.relative_schema_path:
        yield _bad_id(tokens, error.instance)
    elif rule == "additionalProperties":
        yield from _unknown(tokens, error.instance, error.schema)
    elif rule == "required":
        yield from _missing(tokens, error.instance, error.validator_value)
    elif rule in ("minItems", "maxItems"):
        yield _length(tokens, error.instance, error.schema, rule)
    elif rule == "maxProperties":
        yield InputError(
            V_LIMIT,
            render(tokens),
            f"an object may have at most {error.validator_value:,} keys: got {len(error.instance):,}",
        )
    elif tokens == ("schema",):
        yield InputError(
            "V-ENUM",
            "$.schema",
            f"{show(error.instance)} is not a supported format version: "
            f"this checker reads {show(FORMAT_VERSION)}",
        )
    elif rule == "uniqueItems":
        return
    elif rule in _LEAF_RULES:
        yield _leaf(tokens, error)
    else:
        yield InputError("V-TYPE", render(tokens), f"{show(error.instance)}: {error.message}")


def _bad_id(tokens: tuple[Token, ...], key: object) -> InputError:
    path = render((*tokens, str(key)))
    return InputError(
        "V-UNKNOWN",
        path,
        f'{show(key)} is not a valid id: use letters, digits and "_", starting with a letter',
    )


def _unknown(
    tokens: tuple[Token, ...], instance: object, schema: Mapping[str, object]
) -> Iterator[InputError]:
    import difflib

    known = schema.get("properties", {})
    assert isinstance(instance, dict) and isinstance(known, dict)
    for key in instance:
        if key in known:
            continue
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
        hint = (
            f"did you mean {quote(close[0])}?"
            if close
            else "not a field here (docs/applicant-format.md lists every field)"
        )
        yield InputError("V-UNKNOWN", render((*tokens, key)), f"unknown field {quote(key)}: {hint}")


def _missing(
    tokens: tuple[Token, ...], instance: object, required: Sequence[str]
) -> Iterator[InputError]:
    assert isinstance(instance, dict)
    for key in required:
        if key not in instance:
            yield InputError(
                "V-REQUIRED", render((*tokens, key)), f"{quote(key)} is required here but missing"
            )


def _length(
    tokens: tuple[Token, ...], instance: object, schema: Mapping[str, object], rule: str
) -> InputError:
    assert isinstance(instance, list)
    low, high = schema.get("minItems"), schema.get("maxItems")
    if rule == "maxItems" and low != high:
        return InputError(
            V_LIMIT,
            render(tokens),
            f"a list here may have at most {high:,} values: got {len(instance):,}",
        )
    if low == 1 and rule == "minItems":
        return InputError("V-REQUIRED", render(tokens), "at least one entry is required: got none")
    wanted = f"exactly {low}" if low == high else f"from {low} to {high}"
    return InputError("V-RANGE", render(tokens), f"expected {wanted} values: got {len(instance)}")


def _leaf(tokens: tuple[Token, ...], error: ValidationError) -> InputError:
    path, value = render(tokens), error.instance
    target = target_at(tokens)
    if target is None:
        expected = error.schema.get("type") if error.validator == "type" else None
        shape = (
            _SHAPES.get(expected, "a different value")
            if isinstance(expected, str)
            else ("a different value")
        )
        return container_error(shape, value, path)
    if target.whole_list:
        return container_error("a list", value, path)
    outcome = convert(target.spec, value, path)
    if isinstance(outcome, InputError):
        return outcome
    # The schema refused what the reader accepts: report it rather than let it through.
    return InputError(kind_code(target.spec.kind), path, f"{show(value)}: {error.message}")


@frozen_record
class Target:
    """The field at a JSON location; `whole_list`: the location is the list, not an element."""

    spec: FieldSpec
    whole_list: bool = False


def target_at(tokens: Sequence[Token]) -> Target | None:
    """The field whose value sits at `tokens` (from the document root), if any."""
    match tokens:
        case ["context", "interpretations", str(key)]:
            return Target(FieldSpec(f"interpretations.{key}", FieldKind.STRING, "口径开关"))
        case ["context", str(key)]:
            spec = context_field(key)
            return Target(spec) if spec else None
        case ["applicant", *rest]:
            return _in_group(applicant_layout(), rest)
    return None


def _in_group(group: Group, tokens: Sequence[Token]) -> Target | None:
    if group.is_list:
        if not tokens or not isinstance(tokens[0], int):
            return None
        tokens = tokens[1:]
    if not tokens:
        return None
    child = next((c for c in group.children if c.key == tokens[0]), None)
    rest = tokens[1:]
    match child:
        case Leaf(spec=spec, in_list=in_list):
            if spec.many and not in_list:
                if not rest:
                    return Target(spec, whole_list=True)
                return Target(spec) if len(rest) == 1 and isinstance(rest[0], int) else None
            return None if rest else Target(spec)
        case Group():
            return _in_group(child, rest)
        case MapNode():
            return _in_map(child, rest)
        case CollectionNode(record=record):
            if len(rest) >= 2 and isinstance(rest[0], int):
                return _in_group(record, rest[1:])
    return None


def _in_map(node: MapNode, tokens: Sequence[Token]) -> Target | None:
    if len(tokens) != 2 or not isinstance(tokens[0], str):
        return None
    entry = next((e for e in node.entries if e.key == tokens[1]), None)
    if entry is None or not is_id(tokens[0]):
        return None
    spec = map_field(node, tokens[0], entry)
    return Target(spec) if spec else None
