"""Declarations as written (`syntax.ast.FactsItem`) → `vocabulary.Declarations`, checked.

Each problem is a diagnostic at the place it was written (E021x), collected, never raised here:
the caller (`facts.vocabulary_files` for a `*.facts` file, `ir.from_ast` for a policy) raises
them with its own. A name may be declared once across everything the policy reads: the shipped
vocabulary, the files it `uses` and its own `facts` blocks; an enum value has one 中文 label.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from eligibility.diagnostics import Diagnostic
from eligibility.facts.vocabulary import (
    YEAR_MAX,
    YEAR_MIN,
    CollectionSpec,
    Criterion,
    Declarations,
    FieldKind,
    FieldSpec,
    GroupSpec,
    Vocabulary,
)
from eligibility.syntax import ast

_KINDS: dict[str, FieldKind] = {
    "bool": FieldKind.BOOL,
    "integer": FieldKind.INT,
    "money": FieldKind.MONEY,
    "date": FieldKind.DATE,
    "year": FieldKind.YEAR,
    "text": FieldKind.STRING,
    "region": FieldKind.REGION,
    "enum": FieldKind.ENUM,
}


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean `{close[0]}`?" if close else ""


class _Declarer:
    def __init__(self, known: Vocabulary | None, allow_context: bool) -> None:
        self.known = known
        self.allow_context = allow_context
        self.diagnostics: list[Diagnostic] = []
        self.applicant: list[FieldSpec] = []
        self.context: list[FieldSpec] = []
        self.collections: list[CollectionSpec] = []
        self.groups: dict[str, GroupSpec] = {}
        self.enums: dict[str, tuple[str, ...]] = {}
        self.labels: dict[str, str] = {}
        self.criteria: dict[str, Criterion] = {}
        self.seen: dict[tuple[str, str], ast.Span] = {}  # (what, name) → where first declared

    def error(self, code: str, message: str, span: ast.Span, label: str, help: str = "") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, label, help=help))

    def declare(self, what: str, name: str, span: ast.Span, already: bool) -> bool:
        """False (and E0210) when `name` is declared already, here or in what the policy reads."""
        first = self.seen.get((what, name))
        if first is None and not already:
            self.seen[what, name] = span
            return True
        where = f"at {first.file}:{first.line}:{first.column}" if first else "in the vocabulary"
        self.error(
            "E0210",
            f"{what} `{name}` is declared twice",
            span,
            f"already declared {where}",
            help="give it another name, or use the declaration already there",
        )
        return False

    # ── items ────────────────────────────────────────────────────────────────────────────
    def item(self, item: ast.FactsItem) -> None:
        match item:
            case ast.EnumDecl():
                values = self.enum_values(item.values)
                known = self.known is not None and item.name in self.known.enums
                if self.declare("enum", item.name, item.span, known):
                    self.enums[item.name] = values
            case ast.GroupDecl():
                known = self.known is not None and item.name in self.known.groups
                if self.declare("group", item.name, item.span, known):
                    self.groups[item.name] = GroupSpec(
                        item.name, item.label, item.is_list, item.min_items, item.required
                    )
            case ast.EntityDecl():
                self.entity(item)
            case ast.CriterionDecl():
                known = self.known is not None and item.name in self.known.criteria
                if self.declare("criterion", item.name, item.span, known):
                    article = item.citation.article if item.citation else ""
                    self.criteria[item.name] = Criterion(item.name, item.label, article)
            case _:  # pragma: no cover - the parser builds no other item
                raise AssertionError(item)

    def enum_values(self, values: tuple[ast.EnumValue, ...]) -> tuple[str, ...]:
        names: list[str] = []
        for value in values:
            if value.name in names:
                self.error(
                    "E0210", f"the value `{value.name}` is listed twice", value.span, "again"
                )
                continue
            names.append(value.name)
            if value.label is None:
                continue
            before = self.labels.get(value.name)
            if before is None and self.known is not None:
                before = self.known.enum_labels.get(value.name)
            if before is not None and before != value.label:
                self.error(
                    "E0214",
                    f"the value `{value.name}` is labelled “{before}” elsewhere",
                    value.span,
                    "another label",
                    help=f'a value has one label wherever it is used: write "{before}", '
                    "or name the value differently",
                )
            elif before is None:
                self.labels[value.name] = value.label
        return tuple(names)

    def entity(self, item: ast.EntityDecl) -> None:
        if item.entity == "context" and not self.allow_context:
            self.error(
                "E0216",
                "the context block's facts are fixed (application_date, assessment_year)",
                item.span,
                "not declarable by a policy",
                help="declare the fact on the applicant or on a collection of records",
            )
            return
        if item.entity == "collection":
            known = self.known is not None and item.name in self.known.collections
            if not self.declare("collection", item.name, item.span, known):
                return
        fields = [spec for decl in item.facts if (spec := self.fact(item, decl)) is not None]
        if item.entity == "applicant":
            self.applicant += fields
        elif item.entity == "context":
            self.context += fields
        else:
            names = {f.name for f in fields}
            for key, what in ((item.id_field, "id"), (item.name_field, "named")):
                if key is not None and key not in names:
                    self.error(
                        "E0215",
                        f"`{what} {key}`: the collection declares no fact `{key}`",
                        item.span,
                        "no such fact in this collection",
                        help=_suggest(key, names),
                    )
            self.collections.append(
                CollectionSpec(item.name, item.label, item.id_field, tuple(fields), item.name_field)
            )

    def fact(self, entity: ast.EntityDecl, decl: ast.FactDecl) -> FieldSpec | None:
        name = decl.path.dotted
        head = decl.path.parts[0]
        if len(decl.path.parts) > 2:
            self.error(
                "E0213", f"`{name}` nests deeper than one group", decl.path.span, "too deep",
                help="a fact is `name` or `group.name`",
            )  # fmt: skip
            return None
        if len(decl.path.parts) == 2 and not self.group_known(head):
            groups = [*self.groups, *(self.known.groups if self.known else ())]
            self.error(
                "E0213",
                f"`{head}` is not a declared group",
                decl.path.span,
                "no `group` declaration for it",
                help=_suggest(head, groups) or f'declare it: group {head} "…"',
            )
            return None
        what = (
            f"fact of {entity.name}" if entity.entity == "collection" else entity.entity + " fact"
        )
        declared = self.known is not None and self.known_fact(entity, name)
        if not self.declare(what, name, decl.path.span, declared):
            return None
        for option in decl.options:
            if option.name == "fixed" and entity.entity != "applicant":
                self.error(
                    "E0212", f"`fixed` is for an applicant fact, not a {what}", option.span,
                    "not an applicant fact",
                    help="a proposal changes only applicant facts: the context and existing "
                    "records are never changed",
                )  # fmt: skip
        return self.spec(name, decl)

    def group_known(self, name: str) -> bool:
        return name in self.groups or (self.known is not None and name in self.known.groups)

    def known_fact(self, entity: ast.EntityDecl, name: str) -> bool:
        assert self.known is not None
        match entity.entity:
            case "applicant":
                return name in self.known.applicant
            case "context":
                return name in self.known.context
            case "collection":
                return name in self.known.record_fields.get(entity.name, {})

    def spec(self, name: str, decl: ast.FactDecl) -> FieldSpec | None:
        kind = decl.type
        values: tuple[str, ...] = ()
        if kind.kind == "enum":
            values = self.enum_of(kind)
        options: dict[str, int | None] = {}
        for option in decl.options:
            problem = _option_problem(option, kind)
            if problem:
                self.error("E0212", problem, option.span, "does not fit the type")
            elif option.name in options:
                self.error("E0210", f"`{option.name}` is written twice", option.span, "again")
            else:
                options[option.name] = option.number
        year = kind.kind == "year"
        fixed = "fixed" in options or kind.kind in _FIXED_BY_NATURE
        return FieldSpec(
            name,
            _KINDS[kind.kind],
            decl.label,
            unit=kind.unit,
            enum_values=values,
            many=kind.many,
            unique="unique" in options,
            length=options.get("length"),
            minimum=options.get("min", YEAR_MIN if year else None),
            maximum=options.get("max", YEAR_MAX if year else None),
            fixed=fixed,
        )

    def enum_of(self, kind: ast.FactType) -> tuple[str, ...]:
        if kind.enum_name is None:
            return self.enum_values(kind.enum_values)
        values = self.enums.get(kind.enum_name)
        if values is None and self.known is not None:
            values = self.known.enums.get(kind.enum_name)
        if values is None:
            known = [*self.enums, *(self.known.enums if self.known else ())]
            self.error(
                "E0211",
                f"`{kind.enum_name}` is not a declared enum",
                kind.span,
                "no such enum",
                help=_suggest(kind.enum_name, known)
                or f'declare it: enum {kind.enum_name} {{ value "标签", … }}',
            )
            return ()
        return values

    def result(self) -> Declarations:
        return Declarations(
            tuple(self.applicant),
            tuple(self.context),
            tuple(self.collections),
            tuple(self.groups.values()),
            tuple(self.enums.items()),
            tuple(self.labels.items()),
            tuple(self.criteria.values()),
        )


# what happened when, where, and names: no proposal changes a stated one, `fixed` or not
_FIXED_BY_NATURE = frozenset({"date", "year", "region", "text"})


def _option_problem(option: ast.FactOption, kind: ast.FactType) -> str:
    match option.name:
        case "unique" | "length" if not kind.many:
            return f"`{option.name}` is for a `list of` values"
        case "min" | "max" if kind.kind not in ("integer", "year"):
            return f"`{option.name}` bounds an integer or a year, not a {kind.kind}"
    return ""


def declarations_from_ast(
    items: Iterable[ast.FactsItem], known: Vocabulary | None, *, allow_context: bool = False
) -> tuple[Declarations, tuple[Diagnostic, ...]]:
    """The declarations of `items`, checked against `known` (what the policy reads already)."""
    declarer = _Declarer(known, allow_context)
    for item in items:
        declarer.item(item)
    return declarer.result(), tuple(declarer.diagnostics)
