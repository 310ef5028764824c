"""The published JSON Schema (Draft 2020-12) of applicant files, generated from the vocabulary.

    python -m eligibility.facts.schema > schema/applicant.schema.json
    python -m eligibility.facts.schema --write      # the same, in place

The schema is the contract for the shape of a file and for each value's format; `facts.reader`
enforces the same rules without importing jsonschema, and the tests hold the two to agreement.
Cross-field rules (V-CONTRA, V-DUP of record ids, V-RANGE of NAT amounts) are not expressible
here and live in `facts.checks`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from eligibility.facts import vocabulary as vocab
from eligibility.facts.layout import (
    CollectionNode,
    Group,
    Leaf,
    MapNode,
    Node,
    applicant_layout,
)
from eligibility.facts.limits import (
    MAX_COUNT,
    MAX_LIST_ITEMS,
    MAX_MAP_ENTRIES,
    MAX_RECORDS_PER_COLLECTION,
    MAX_STRING_CHARS,
)
from eligibility.facts.values import DATE_PATTERN, MONEY_PATTERN, REGION_PATTERN
from eligibility.facts.vocabulary import (
    FORMAT_VERSION,
    ID_PATTERN,
    FieldKind,
    FieldSpec,
    context_field_names,
)

Json = dict[str, Any]

_DEFS: Json = {
    "money": {
        "type": "string",
        "pattern": MONEY_PATTERN,
        "description": "元 (yuan) as a decimal string, at most 2 fraction digits, >= 0, "
        "below 10^15",
    },
    "date": {
        "type": "string",
        "format": "date",
        "pattern": DATE_PATTERN,
        "description": "ISO 8601 calendar date YYYY-MM-DD",
    },
    "region": {
        "type": "string",
        "pattern": REGION_PATTERN,
        "description": "6-digit GB/T 2260 code whose first two digits are a province",
    },
}
_REFS = {FieldKind.MONEY: "money", FieldKind.DATE: "date", FieldKind.REGION: "region"}


def _scalar(spec: FieldSpec) -> Json:
    ref = _REFS.get(spec.kind)
    if ref is not None:
        return {"$ref": f"#/$defs/{ref}"}
    match spec.kind:
        case FieldKind.BOOL:
            return {"type": "boolean"}
        case FieldKind.STRING:
            return {"type": "string", "minLength": 1, "maxLength": MAX_STRING_CHARS}
        case FieldKind.ENUM:
            return {"type": "string", "enum": list(spec.enum_values)}
        case FieldKind.INT | FieldKind.YEAR:
            out: Json = {"type": "integer", "minimum": 0, "maximum": MAX_COUNT}
            if spec.minimum is not None:
                out["minimum"] = spec.minimum
            if spec.maximum is not None:
                out["maximum"] = spec.maximum
            return out
    raise AssertionError(spec.kind)


def _leaf(leaf: Leaf, label: str | None = None) -> Json:
    spec = leaf.spec
    title = label or spec.label + (f"（单位：{spec.unit}）" if spec.unit else "")
    if spec.many and not leaf.in_list:
        out: Json = {"title": title, "type": "array", "items": _scalar(spec)}
        if spec.unique:
            out["uniqueItems"] = True
        if spec.length is not None:
            out["minItems"] = out["maxItems"] = spec.length
        else:
            out["maxItems"] = MAX_LIST_ITEMS
        return out
    return {"title": title, **_scalar(spec)}


def _object(title: str, props: Json, required: list[str]) -> Json:
    out: Json = {
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }
    if required:
        out["required"] = required
    return out


def _group(group: Group) -> Json:
    props = {child.key: _node(child) for child in group.children}
    required = [c.key for c in group.children if isinstance(c, Leaf) and c.required]
    body = _object(group.label, props, required)
    if group.is_list:
        return {
            "title": group.label,
            "type": "array",
            "minItems": group.min_items,
            "maxItems": MAX_LIST_ITEMS,
            "items": body,
        }
    return body


def _party(group: Group) -> Json:
    props = {
        c.key: _leaf(c, c.spec.label.partition("·")[2])
        for c in group.children
        if isinstance(c, Leaf)
    }
    return _object("当事方 (party)", props, [])


def _map(node: MapNode) -> Json:
    props = {e.key: _scalar(FieldSpec(e.key, e.kind, e.key)) for e in node.entries}
    required = [e.key for e in node.entries if e.required]
    return {
        "title": node.label,
        "type": "object",
        "maxProperties": MAX_MAP_ENTRIES,
        "propertyNames": {"pattern": ID_PATTERN, "maxLength": MAX_STRING_CHARS},
        "additionalProperties": _object(f"{node.label}（按 {node.id_label}）", props, required),
    }


def _node(node: Node) -> Json:
    match node:
        case Leaf():
            return _leaf(node)
        case Group(def_name=str(name)):
            return {"title": node.label, "$ref": f"#/$defs/{name}"}
        case Group():
            return _group(node)
        case MapNode():
            return _map(node)
        case CollectionNode():
            return {
                "title": node.spec.label,
                "type": "array",
                "maxItems": MAX_RECORDS_PER_COLLECTION,
                "items": _group(node.record),
            }
    raise AssertionError(node)


def _context() -> Json:
    props: Json = {}
    for name in context_field_names():
        spec = vocab.context_field(name)
        assert spec is not None
        props[name] = _leaf(Leaf(name, spec))
    props["interpretations"] = {
        "title": "口径开关 (rule-inventory §7 switches)",
        "type": "object",
        "maxProperties": MAX_MAP_ENTRIES,
        "propertyNames": {"pattern": ID_PATTERN, "maxLength": MAX_STRING_CHARS},
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": MAX_STRING_CHARS},
    }
    return _object("评估参数 (evaluation context, rule-inventory §8.1)", props, [])


def _first_party() -> Group:
    record = next(c.record for c in applicant_layout().children if isinstance(c, CollectionNode))
    return next(g for g in record.children if isinstance(g, Group) and g.def_name == "party")


def build_schema() -> Json:
    """The whole schema as a JSON-ready dict (key order is stable)."""
    doc = _object(
        "申请主体事实 (applicant facts file)",
        {
            "schema": {"title": "format version", "type": "string", "enum": [FORMAT_VERSION]},
            "context": _context(),
            "applicant": _group(applicant_layout()),
        },
        ["schema", "applicant"],
    )
    defs = {**_DEFS, "party": _party(_first_party())}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **doc, "$defs": defs}


def schema_text() -> str:
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--policy":  # a policy's own facts too: print only
        from pathlib import Path

        from eligibility.facts.vocabulary import using
        from eligibility.facts.vocabulary_files import policy_vocabulary

        with using(policy_vocabulary(Path(argv[1]))):
            return main([])
    if argv == []:
        sys.stdout.write(schema_text())
    elif argv == ["--write"]:
        from eligibility.resources import SCHEMA_FILE

        target = SCHEMA_FILE
        target.write_text(schema_text(), encoding="utf-8")
    else:
        sys.stderr.write("usage: python -m eligibility.facts.schema [--write | --policy FILE]\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
