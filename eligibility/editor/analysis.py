"""What a position in a policy text means, as plain functions the language server calls:
the compiler's diagnostics, hovers (a field's label, type and unit; a citation's article text; a
definition's kind and label; an enum value's label), go-to-definition and completion.

Positions are 0-based (line, character column) in the text with `\\n` line ends; the server
converts them to and from the client's code units (`editor.positions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from eligibility.diagnostics import Diagnostic, DiagnosticError
from eligibility.editor import outline
from eligibility.editor.articles import cited_articles, document_of
from eligibility.editor.keywords import grammar_words
from eligibility.editor.positions import lines_of, offset_of, position_of
from eligibility.editor.words import Lang, word
from eligibility.facts import vocabulary
from eligibility.facts.enum_labels import ENUM_LABELS
from eligibility.facts.vocabulary import FieldSpec, GroupSpec
from eligibility.frozen import frozen_record


@frozen_record
class Range:
    """0-based lines and character columns; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@frozen_record
class Problem:
    range: Range
    code: str
    message: str
    is_error: bool


@frozen_record
class Hover:
    range: Range
    markdown: str


@frozen_record
class Completion:
    label: str  # the whole name: `transferor.registered_region`
    insert: str  # what replaces the word being typed: `registered_region` after `transferor.`
    detail: str
    kind: str  # "field", "keyword", or a definition kind
    typed: int = 0  # how many characters before the cursor `insert` replaces


def normalise(text: str) -> str:
    return "\n".join(lines_of(text))


def _range(text: str, start: int, end: int) -> Range:
    lines = lines_of(text)
    return Range(*position_of(lines, start), *position_of(lines, end))


# ── diagnostics ───────────────────────────────────────────────────────────────────────────
def diagnostics(text: str, file: str, lang: Lang = "zh") -> tuple[Problem, ...]:
    """Every problem the compiler reports in the text, errors and warnings (W04xx, as `eligibility
    compile` and `lint` print them), with its span as a range."""
    from eligibility.compiler import compile_text_with_warnings

    try:
        _, warnings = compile_text_with_warnings(normalise(text), file)
    except DiagnosticError as error:
        return tuple(_problem(d) for d in error.diagnostics)
    except Exception as error:  # noqa: BLE001 (a compiler bug must not end the editor's server)
        message = word(lang, "internal_error", f"{type(error).__name__}: {error}")
        return (Problem(Range(0, 0, 0, 1), "internal", message, True),)
    return tuple(_problem(d) for d in warnings)


def _problem(diagnostic: Diagnostic) -> Problem:
    span = diagnostic.span
    line, column = max(span.line - 1, 0), max(span.column - 1, 0)
    end_line, end_column = max(span.end_line - 1, line), max(span.end_column - 1, 0)
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    parts = [diagnostic.message + (f": {diagnostic.label}" if diagnostic.label else "")]
    parts += list(diagnostic.notes)
    parts += [f"help: {diagnostic.help}"] if diagnostic.help else []
    return Problem(
        Range(line, column, end_line, end_column),
        diagnostic.code,
        "\n".join(parts),
        diagnostic.is_error,
    )


# ── names ─────────────────────────────────────────────────────────────────────────────────
def _collection_of(text: str, name: str, seen: frozenset[str] = frozenset()) -> str | None:
    """The applicant collection a record set (or a collection) draws its records from."""
    if vocabulary.collection(name) is not None:
        return name
    found = outline.defined(text, name)
    if found is None or found.kind != "records" or name in seen:
        return None
    return _collection_of(text, found.source, seen | {name})


def _groups_of(collection: str) -> tuple[str, ...]:
    spec = vocabulary.collection(collection)
    fields = spec.fields if spec else ()
    return tuple(dict.fromkeys(f.name.rsplit(".", 1)[0] for f in fields if "." in f.name))


def _record_fields(collection: str) -> tuple[FieldSpec, ...]:
    spec = vocabulary.collection(collection)
    return spec.fields if spec else ()


def _lookups(text: str, offset: int, path: str) -> Iterator[tuple[str, str]]:
    """(collection or "" for the applicant, field path) to try for `path` at `offset`."""
    head, _, rest = path.partition(".")
    if rest and (collection := _collection_of(text, head)):
        yield collection, rest
    where = outline.enclosing(text, offset)
    if where is not None and where.kind == "records":
        collection = _collection_of(text, where.source)
        if collection:
            yield collection, path
            yield from ((collection, f"{g}.{path}") for g in _groups_of(collection))
    yield "", path
    yield from ((c, path) for c in vocabulary.collection_names())


def field_at(text: str, offset: int, path: str) -> tuple[str, FieldSpec | GroupSpec] | None:
    """The field (or group of fields) a path names where it stands, with its collection."""
    for collection, name in _lookups(text, offset, path):
        spec = (
            vocabulary.record_field(collection, name)
            if collection
            else vocabulary.applicant_field(name) or vocabulary.context_field(name)
        )
        if spec is not None:
            return collection, spec
    group = vocabulary.group(path)
    return ("", group) if group is not None else None


# ── hover ─────────────────────────────────────────────────────────────────────────────────
def hover(text: str, line: int, column: int, lang: Lang = "zh") -> Hover | None:
    text = normalise(text)
    offset = offset_of(lines_of(text), line, column)
    found = outline.token_at(text, offset)
    if found is None:
        return None
    index, token = found
    if token.is_citation:
        return Hover(
            _range(text, token.offset, token.end), _citation_markdown(text, token.text, lang)
        )
    if not token.is_name:
        return None
    parts, position = outline.dotted_path(text, index)
    if position == 0 and (definition := _definition_named(text, index)) is not None:
        return Hover(_range(text, token.offset, token.end), _definition_markdown(definition, lang))
    path = ".".join(t.text for t in parts[: position + 1])
    before = outline.previous(text, index - 2 * position)
    if before is not None and before.text == "attested":  # a reviewer's finding (JUDG)
        path = f"{vocabulary.ATTESTATIONS}.{path}"
    field = field_at(text, offset, path)
    span = _range(text, parts[0].offset, parts[position].end)
    if field is not None:
        return Hover(span, _field_markdown(path, *field, lang))
    if token.text in ENUM_LABELS:
        return Hover(span, word(lang, "value", token.text, ENUM_LABELS[token.text]))
    return None


def _definition_named(text: str, index: int) -> outline.Definition | None:
    token = outline.tokens(text)[index]
    before = outline.previous(text, index)
    found = outline.defined(text, token.text)
    if found is None or (before is not None and before.text == "@" and found.kind != "conditions"):
        return None
    return found


def _definition_markdown(definition: outline.Definition, lang: Lang) -> str:
    title = f"**{word(lang, 'def.' + definition.kind)}** `{definition.name}`"
    lines = [title + (f" — {definition.label}" if definition.label else "")]
    if definition.kind == "records" and definition.source:
        spec = vocabulary.collection(definition.source)
        lines.append(
            word(lang, "def.from", definition.source + (f"（{spec.label}）" if spec else ""))
        )
    elif definition.source:
        lines.append(word(lang, "def.members", definition.source))
    return "\n\n".join(lines)


def _field_markdown(path: str, collection: str, spec: FieldSpec | GroupSpec, lang: Lang) -> str:
    lines = [f"**{spec.label}** `{path}`"]
    if isinstance(spec, GroupSpec):
        return "\n\n".join([*lines, word(lang, "field.group")])
    if collection:
        owner = vocabulary.collection(collection)
        lines.append(word(lang, "field.record", collection, owner.label if owner else ""))
    elif vocabulary.context_field(path) is spec:
        lines.append(word(lang, "field.context"))
    else:
        lines.append(word(lang, "field.applicant"))
    facts = [
        word(lang, "field.type", word(lang, "kind." + spec.kind.value))
        + (word(lang, "field.many") if spec.many else "")
    ]
    if spec.unit:
        facts.append(word(lang, "field.unit", spec.unit))
    if spec.enum_values:
        shown = (f"{v}（{ENUM_LABELS[v]}）" if v in ENUM_LABELS else v for v in spec.enum_values)
        facts.append(word(lang, "field.values", "、".join(shown)))
    return "\n\n".join([*lines, " · ".join(facts)])


def _citation_markdown(text: str, citation: str, lang: Lang) -> str:
    document = document_of(text)
    if document is None:
        return word(lang, "article.no_document")
    articles = cited_articles(document, citation)
    if not articles:
        return word(lang, "article.missing", citation.strip(), document.title or document.seed)
    heading = document.document or document.title or document.seed
    parts = [f"**{heading} {a.reference}**\n\n" + a.text.replace("\n", "\n\n") for a in articles]
    return "\n\n---\n\n".join(parts)


# ── go to definition ──────────────────────────────────────────────────────────────────────
def definition(text: str, line: int, column: int) -> Range | None:
    """Where the named condition, record set, value set, programme or interpretation under the
    cursor is defined (its name in the definition)."""
    text = normalise(text)
    found = outline.token_at(text, offset_of(lines_of(text), line, column))
    if found is None:
        return None
    index, token = found
    if not token.is_name or outline.dotted_path(text, index)[1] != 0:
        return None
    target = _definition_named(text, index)
    if target is None:
        return None
    return _range(text, target.name_offset, target.name_offset + len(target.name))


# ── document symbols ──────────────────────────────────────────────────────────────────────
@frozen_record
class Symbol:
    kind: str  # a definition kind
    name: str
    label: str
    range: Range  # the whole definition, up to its last token
    name_range: Range


def symbols(text: str) -> tuple[Symbol, ...]:
    """The file's definitions in order (an editor's outline): values, conditions, record sets,
    programmes and interpretations."""
    text = normalise(text)
    return tuple(
        Symbol(
            d.kind,
            d.name,
            d.label,
            _range(text, d.start, d.start + len(text[d.start : d.end].rstrip())),
            _range(text, d.name_offset, d.name_offset + len(d.name)),
        )
        for d in outline.definitions(text)
    )


# ── completion ────────────────────────────────────────────────────────────────────────────
_TYPED = re.compile(r"(@?)((?:[A-Za-z_][A-Za-z0-9_]*\.)*)([A-Za-z_][A-Za-z0-9_]*)?$")


def completions(text: str, line: int, column: int, lang: Lang = "zh") -> tuple[Completion, ...]:
    """Field names (of the applicant, the context, the records being filtered, or the record set
    before a dot), definitions and keywords that continue what is typed before the cursor; inside
    `field in {…}`, the field's values."""
    text = normalise(text)
    lines = lines_of(text)
    offset = offset_of(lines, line, column)
    typed = _TYPED.search(lines[min(line, len(lines) - 1)][:column])
    at, dotted, partial = (
        (typed.group(1), typed.group(2), typed.group(3) or "") if typed else ("", "", "")
    )
    before = lines[min(line, len(lines) - 1)][:column]
    in_set = _IN_SET.search(before)
    found = in_set and not dotted and field_at(text, offset, in_set.group(1))
    candidates = (
        _enum_values(found[1])
        if found and isinstance(found[1], FieldSpec) and found[1].enum_values
        else _candidates(text, offset, at == "@", dotted, lang)
    )
    out: dict[str, Completion] = {}
    for completion in candidates:
        if completion.label.startswith(dotted + partial) and completion.label not in out:
            out[completion.label] = completion
    return tuple(
        Completion(c.label, c.label[len(dotted) :], c.detail, c.kind, len(partial))
        for c in out.values()
    )


# `legal_form in {company, par|`: the values of the field before `in {`
_IN_SET = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s+(?:not\s+)?in\s*\{[^{}]*$")


def _enum_values(spec: FieldSpec) -> Iterator[Completion]:
    for value in spec.enum_values:
        yield Completion(value, "", ENUM_LABELS.get(value, ""), "value")


def _candidates(
    text: str, offset: int, after_at: bool, dotted: str, lang: Lang
) -> Iterator[Completion]:
    if after_at:
        yield from (
            Completion(d.name, d.name, d.label, d.kind)
            for d in outline.definitions(text)
            if d.kind == "conditions"
        )
        return
    head = dotted.split(".", 1)[0]
    if dotted and (collection := _collection_of(text, head)):
        yield from (
            Completion(f"{head}.{f.name}", "", f.label, "field") for f in _record_fields(collection)
        )
    where = outline.enclosing(text, offset)
    if where is not None and where.kind == "records":
        collection = _collection_of(text, where.source)
        yield from (
            Completion(f.name, "", f.label, "field") for f in _record_fields(collection or "")
        )
    for name in vocabulary.applicant_field_names():
        spec = vocabulary.applicant_field(name)
        yield Completion(name, "", spec.label if spec else "", "field")
    for name in vocabulary.context_field_names():
        spec = vocabulary.context_field(name)
        yield Completion(name, "", spec.label if spec else "", "field")
    if dotted:
        return
    yield from (Completion(d.name, "", d.label, d.kind) for d in outline.definitions(text))
    yield from (
        Completion(k, "", word(lang, "completion.keyword"), "keyword")
        for k in grammar_words().keywords
    )
