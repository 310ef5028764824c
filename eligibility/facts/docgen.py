"""The field tables of docs/applicant-format.md, generated from the vocabulary.

    python -m eligibility.facts.docgen            # print the tables
    python -m eligibility.facts.docgen --write    # replace them in docs/applicant-format.md

The tables sit between `<!-- fields:begin -->` and `<!-- fields:end -->`; the prose around them
is written by hand. A test keeps the committed tables equal to the generated ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

from eligibility.facts.enum_labels import ENUM_LABELS
from eligibility.facts.layout import CollectionNode, Group, Leaf, MapNode, Node, applicant_layout
from eligibility.facts.vocabulary import FieldKind, FieldSpec, applicant_field

BEGIN, END = "<!-- fields:begin -->", "<!-- fields:end -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "applicant-format.md"
_CITY_FIRST = "city_id"
_TYPES = {
    FieldKind.BOOL: "bool",
    FieldKind.INT: "int",
    FieldKind.MONEY: "money",
    FieldKind.DATE: "date",
    FieldKind.REGION: "region",
    FieldKind.ENUM: "enum",
    FieldKind.STRING: "string",
    FieldKind.YEAR: "year",
}


def _type(spec: FieldSpec, in_list: bool) -> str:
    name = _TYPES[spec.kind]
    if spec.many and not in_list:
        name = f"{'set' if spec.unique else 'list'} of {name}"
        if spec.length is not None:
            name += f" (exactly {spec.length})"
    if spec.kind in (FieldKind.INT, FieldKind.YEAR):
        low = spec.minimum if spec.minimum is not None else 0
        name += f", {low}–{spec.maximum}" if spec.maximum is not None else f", ≥ {low}"
    return name


def _values(spec: FieldSpec) -> str:
    return ", ".join(
        f"`{v}`" + (f" {ENUM_LABELS[v]}" if v in ENUM_LABELS else "") for v in spec.enum_values
    )


def _row(prefix: str, leaf: Leaf, required: bool) -> str:
    spec = leaf.spec
    name = f"`{prefix}{leaf.key}`" + (" **required**" if required else "")
    same = applicant_field(leaf.key) if prefix else None
    values = (
        f"as the applicant's `{leaf.key}`"
        if same and spec.enum_values and same.enum_values == spec.enum_values
        else _values(spec)
    )
    return f"| {name} | {_type(spec, leaf.in_list)} | {spec.unit} | {spec.label} | {values} |"


def _rows(nodes: tuple[Node, ...], prefix: str = "") -> list[str]:
    rows: list[str] = []
    for node in nodes:
        match node:
            case Leaf():
                rows.append(_row(prefix, node, node.required))
            case Group(is_list=True):
                rows += [
                    _row(f"{prefix}{node.key}[].", leaf, leaf.required)
                    for leaf in node.children
                    if isinstance(leaf, Leaf)
                ]
            case Group():
                rows += _rows(node.children, f"{prefix}{node.key}.")
            case MapNode():
                rows.append(
                    f"| `{prefix}{node.key}` | map (see Reviewer attestations) | | {node.label} | |"
                )
    return rows


def _table(rows: list[str]) -> list[str]:
    return ["| Field | Type | Unit | 中文 | Values |", "|---|---|---|---|---|", *rows, ""]


def tables() -> str:
    """Markdown: organisation fields, city fields, then one table per collection."""
    root = applicant_layout()
    plain = tuple(n for n in root.children if isinstance(n, Leaf | Group))
    split = next(i for i, n in enumerate(plain) if n.key == _CITY_FIRST)
    out = [
        "### Organisation fields (rule-inventory §8.2)",
        "",
        *_table(_rows(plain[:split])),
        '### City fields (rule-inventory §8.3, `applicant_kind: "city"`)',
        "",
        *_table(_rows(plain[split:])),
    ]
    for node in root.children:
        if isinstance(node, CollectionNode):
            spec = node.spec
            ident = f"id field `{spec.id_field}`" if spec.id_field else "no id field"
            out += [
                f"### `{spec.name}[]`: {spec.label} ({ident})",
                "",
                *_table(_rows(node.record.children)),
            ]
    return "\n".join(out)


def _replace(text: str, generated: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{generated}{END}{tail}"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--policy":  # a policy's own facts too: print only
        from pathlib import Path

        from eligibility.facts.vocabulary import using
        from eligibility.facts.vocabulary_files import policy_vocabulary

        with using(policy_vocabulary(Path(argv[1]))):
            return main([])
    if argv == []:
        sys.stdout.write(tables())
    elif argv == ["--write"]:
        DOC.write_text(_replace(DOC.read_text(encoding="utf-8"), tables()), encoding="utf-8")
    else:
        sys.stderr.write("usage: python -m eligibility.facts.docgen [--write | --policy FILE]\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
