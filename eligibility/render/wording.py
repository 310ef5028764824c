"""The decision's data → words in one language (zh, the default, or en).

The decision holds verdicts, raw values, requirements, record notes and keyed amount steps;
this module words them with one table per language (`words_zh`, `words_en`): outcome words,
enum values by their Chinese labels in Chinese, money as `8,000.00 元`, article-only
citations. The text renderer, the tree and the JSON's label fields all word through here, so
the text and the JSON say the same thing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal, assert_never

from eligibility.decision.proof import (
    AmountLine,
    Outcome,
    ProgrammeResult,
    ProofNode,
    RecordNote,
    Requirement,
    Shown,
)
from eligibility.facts import vocabulary
from eligibility.facts.enum_labels import ENUM_LABELS
from eligibility.facts.region_names import region_name
from eligibility.facts.vocabulary import FieldKind, FieldSpec
from eligibility.ir.quantities import format_money
from eligibility.render import words_en, words_zh

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
TABLES: dict[Lang, Mapping[str, str]] = {"zh": words_zh.WORDS, "en": words_en.WORDS}
RECORDS_SHOWN = 8  # a summary names this many records of a kind, then says how many more


_RECORD_PATH = re.compile(r"(?P<collection>[a-z_]+)\[.+\]\.(?P<field>[A-Za-z0-9_.]+)")
"""A missing fact of one record, as the decision names it: `<collection>[<record id>].<field>`."""


class Wording:
    """Words for one language; `self(key, *args)` formats the table's entry."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.table = TABLES[lang]

    def __call__(self, key: str, *args: object) -> str:
        return self.table[key].format(*args)

    def join(self, items: Iterable[str]) -> str:
        return self("list.sep").join(items)

    # ---- values ------------------------------------------------------------------------------
    def value(self, value: Any, spec: FieldSpec | None = None) -> str:
        """One raw value: an enum by its Chinese label (zh), money in yuan, a boolean as a word."""
        match value:
            case bool():
                return self("value.true") if value else self("value.false")
            case Decimal():
                return f"{format_money(value)} 元"
            case datetime.date():
                return value.isoformat()
            case str() if self.lang == "zh" and spec is not None and spec.kind is FieldKind.ENUM:
                return ENUM_LABELS.get(value, value)
            case str() if spec is not None and spec.kind is FieldKind.REGION:
                return self.region(value)
        return str(value)

    def region(self, code: str) -> str:
        """A region code with its name before it in zh: `重庆市渝北区（500112）`."""
        name = region_name(code) if self.lang == "zh" else None
        return f"{name}（{code}）" if name else code

    def values(self, values: tuple[Any, ...], spec: FieldSpec | None, many: bool) -> str:
        if not values:
            return "[]" if many else self("value.not_stated")
        shown = [self.value(v, spec) for v in values]
        return f"[{self.join(shown)}]" if many or len(shown) > 1 else shown[0]

    def field(self, path: str, spec: FieldSpec | None) -> str:
        """A fact's name: its Chinese label in zh when the vocabulary has one, else its path."""
        return spec.label if self.lang == "zh" and spec is not None else path

    def facts(self, paths: Iterable[str]) -> str:
        """Missing facts by their paths (what the applicant file must give), in zh with the
        label of an applicant field before it: `信用良好/信用记录良好（credit_good）`."""
        return self.join(self._fact(path) for path in paths)

    def missing_labels(self, result: ProgrammeResult) -> list[str]:
        """What a result lacks, each fact once by its label (zh) or path (en): the summary's
        words. The labels are the checklist's (`ir.checklist`), so a reviewer's finding is
        named by its criterion's declared label, not by its key."""
        if self.lang != "zh" or not result.missing_facts:
            return list(result.missing)
        return [row.label for row, _ in result.missing_facts]

    def missing_facts(self, result: ProgrammeResult) -> str:
        """What a result lacks, each path with its label before it in zh:
        `信用良好/信用记录良好（credit_good）`."""
        if self.lang != "zh" or not result.missing_facts:
            return self.facts(result.missing)
        return self.join(
            f"{row.label}（{path}）" for row, paths in result.missing_facts for path in paths
        )

    def _fact(self, path: str) -> str:
        """One fact by its path; in zh with the label of an applicant field or a collection
        before it (`知识产权质押融资（pledge_financings）`), a reviewer's finding or a selection
        by its path alone (the condition it decides names it)."""
        spec = vocabulary.applicant_field(path) or vocabulary.context_field(path)
        listed = vocabulary.collection(path)
        label = spec.label if spec is not None else listed.label if listed is not None else None
        generic = path.startswith((vocabulary.ATTESTATIONS, vocabulary.SELECTION))
        record = _RECORD_PATH.fullmatch(path)
        if label is None and record is not None:
            # a field of one record, `ip_contracts[T3].registered_contract_amount`: the label
            # of the record field, so that a zh reader is not left with the identifier alone
            field = vocabulary.record_field(record["collection"], record["field"])
            label = field.label if field is not None else None
            generic = record["field"].startswith(vocabulary.ATTESTATIONS)
        if self.lang != "zh" or label is None or generic:
            return path
        return f"{label}（{path}）"

    # ---- outcomes and amounts ----------------------------------------------------------------
    def outcome(self, outcome: Outcome) -> str:
        match outcome:
            case "qualifies":
                return self("outcome.qualifies")
            case "does_not_qualify":
                return self("outcome.does_not_qualify")
            case "undetermined":
                return self("outcome.undetermined")
            case _:
                assert_never(outcome)

    def verdict(self, verdict: str) -> str:
        return {
            "holds": self("verdict.holds"),
            "fails": self("verdict.fails"),
        }.get(verdict, self("verdict.undetermined"))

    def amount(self, result: ProgrammeResult) -> str:
        """The award beside an outcome: certain, certain with a bound, or only a bound."""
        if result.amount is not None and result.max_amount is not None:
            money = (format_money(result.amount), format_money(result.max_amount))
            return self("amount.up_to_if_undecided", *money)
        if result.amount is not None and result.outcome == "qualifies" and result.missing:
            return self("amount.at_least_undecided", format_money(result.amount))
        if result.amount is not None:
            return self("amount.certain", format_money(result.amount))
        if result.max_amount is not None:
            return self("amount.at_most", format_money(result.max_amount))
        return ""

    def gate_reason(self, result: ProgrammeResult) -> str:
        """Why a document does not apply: its failing gate, the value behind it, the article."""
        gate = next((c for c in result.proof.children if c.verdict == "fails"), None)
        if gate is None:
            return result.not_applicable or ""
        leaf = gate
        while not self.detail(leaf) and any(c.verdict == "fails" for c in leaf.children):
            leaf = next(c for c in leaf.children if c.verdict == "fails")
        detail = self.detail(leaf)
        article = self("article", self.article(gate.citation, result.document))
        return gate.label + (self("colon") + detail if detail else "") + article

    def amount_step(self, line: AmountLine) -> tuple[str, str]:
        """(label, computation) of one step; a keyed step is worded from its figures."""
        if not line.key:
            return line.label, line.computation
        args = line.args
        if line.key == "record_undecided":
            args = (*args[:2], self.record_facts(line.records[0]))
        elif line.key == "record_not_counted" and line.records:
            args = (*args[:2], self._refused(line.records, args[1], line.citation))
        return (
            self(f"amount.{line.key}.label", *args),
            self(f"amount.{line.key}.text", *args),
        )

    def _refused(self, notes: tuple[RecordNote, ...], label: str, citation: str) -> str:
        """Records one filter refused, those with the same values together: `T1、T2（…）`."""
        by_values: dict[str, list[str]] = {}
        for note in notes:
            for reason in note.reasons:
                if (reason.label, reason.citation) == (label, citation):
                    shown = (
                        self.record_values(note, reason.values) if reason.values else reason.actual
                    )
                    by_values.setdefault(shown, []).append(note.record_id)
        return self("list.sep_long").join(
            self("records.values", self._ids(ids), shown) for shown, ids in by_values.items()
        )

    # ---- the proof tree ----------------------------------------------------------------------
    def node_label(self, node: ProofNode) -> str:
        if node.kind != "not":
            return node.label
        prefix = {"holds": "node.not_excluded", "fails": "node.excluded"}
        return self(prefix.get(node.verdict, "node.exclusion")) + node.label

    def detail(self, node: ProofNode, excluding: bool = False) -> str:
        """Actual against required for a leaf, in words; "" when the label says it all.
        `excluding`: the leaf is what an exclusion tests, so its requirement excludes."""
        shown = node.shown
        if node.kind == "compare":
            if node.verdict == "undetermined" and node.missing:
                return self("detail.missing", self.facts(node.missing))
            return node.detail.replace(" to ", self("detail.range"))
        if shown is None:
            return ""
        match node.kind:
            case "test":
                return self._test(node, shown, excluding)
            case "attested" | "selected":
                if not shown.stated:
                    key = (
                        "detail.not_attested" if node.kind == "attested" else "detail.no_selection"
                    )
                    return self(key, shown.subject)
                return self.value(shown.values[0])
            case "stated":
                return "" if shown.stated else self("detail.not_stated", self._fact(shown.subject))
            case "interpretationis":
                source = self("detail.reading_default" if shown.default else "detail.reading_set")
                key = (
                    "detail.reading_in_force"
                    if node.verdict == "holds"
                    else "detail.reading_not_used"
                )
                return self(key, shown.values[0], source)
            case "exists":
                if node.verdict == "undetermined" and node.missing and not shown.values:
                    return self("detail.missing", self.facts(node.missing))
                return "" if shown.values else self("detail.set_none", shown.subject)
        return ""

    def _test(self, node: ProofNode, shown: Shown, excluding: bool) -> str:
        spec = vocabulary.applicant_field(shown.subject) or vocabulary.context_field(shown.subject)
        name = self.field(shown.subject, spec)
        if not shown.stated:
            return self("detail.not_stated", self._fact(shown.subject))
        many = spec.many if spec is not None else len(shown.values) > 1
        values = self.values(shown.values, spec, many)
        if self.lang == "zh" and node.verdict == "holds":  # the label says what was required
            return values
        if node.verdict == "holds" or shown.requirement is None:
            return self("detail.value", name, values)
        key = "detail.excluded_if" if excluding else "detail.required"
        return self(key, name, values, self.requirement(shown.requirement, spec))

    def requirement(self, req: Requirement, spec: FieldSpec | None) -> str:
        quantifier = {"some": self("quant.some"), "every": self("quant.every")}.get(
            req.quantifier, ""
        )
        match req.relation:
            case "in" | "not_in":
                named = f"{req.set_label} " if req.set_label else ""
                listed = "{" + self.join(self.value(v, spec) for v in req.values) + "}"
                return quantifier + self(f"req.{req.relation}", named + listed)
            case "is":
                return quantifier + self("req.is", self.value(req.values[0]))
            case "compare":
                return quantifier + self("req.compare", *req.values)
            case "within":
                return quantifier + self("req.within", self.region(str(req.values[0])))
            case "among" | "not_among":
                return quantifier + self(f"req.{req.relation}", req.values[0])
        return quantifier + str(req.values)

    # ---- records -----------------------------------------------------------------------------
    def record_lines(self, node: ProofNode, show_refused: bool, document: str) -> list[str]:
        """The records a node read, summarised: ids counted; ids left out, grouped by the
        condition they did not meet, each with the values that condition read; ids undecided,
        each with the facts it lacks."""
        counted = [n.record_id for n in node.records if n.counted]
        lines = []
        if counted:
            key = "records.found" if node.kind == "exists" else "records.counted"
            lines.append(self(key, self._ids(counted)))
        if not show_refused:
            return lines
        # by the condition not met, then by the values it read: ids with the same values once
        refused: dict[tuple[str, str], list[RecordNote]] = {}
        for note in node.records:
            if note.counted:
                continue
            if not note.reasons:
                lines.append(self._undecided(note))
            for reason in note.reasons:
                refused.setdefault((reason.label, reason.citation), []).append(note)
        for (label, citation), notes in refused.items():
            article = self("cite", self.article(citation, document))
            records = self._refused(tuple(notes), label, citation)
            lines.append(self("records.not_counted", records, label, article))
        return lines

    def _undecided(self, note: RecordNote) -> str:
        if note.undecided:
            return self("records.undecided", note.record_id, self.record_facts(note))
        return self("records.undecided_bare", note.record_id)

    def record_facts(self, note: RecordNote) -> str:
        """The facts an undecided record lacks. In zh each by its label and its place in the
        record, `转让方/许可方·主体类别（transferor.entity_kinds）`, a reviewer's finding as
        `评审认定（reviewer_attestations.…）`; in en by its path."""
        if self.lang != "zh":
            return self.join(note.undecided)
        collection = note.path.rsplit(".", 1)[-1].split("[", 1)[0]
        prefix = f"{collection}[{note.record_id}]."
        shown = []
        for path in note.undecided:
            inner = path.removeprefix(prefix)
            if inner.startswith(vocabulary.ATTESTATIONS):
                shown.append(self("fact.finding", inner))
                continue
            spec = vocabulary.record_field(collection, inner) if inner != path else None
            spec = spec or vocabulary.applicant_field(path)
            shown.append(f"{spec.label}（{inner}）" if spec is not None else path)
        return self.join(shown)

    def _ids(self, items: list[str]) -> str:
        shown = self.join(items[:RECORDS_SHOWN])
        return shown + (self("records.more", len(items)) if len(items) > RECORDS_SHOWN else "")

    def record_values(
        self, note: RecordNote, values: tuple[tuple[str, tuple[Any, ...]], ...]
    ) -> str:
        collection = note.path.rsplit(".", 1)[-1].split("[", 1)[0]
        shown = []
        for field, raw in values:
            spec = vocabulary.record_field(collection, field)
            many = spec.many if spec is not None else len(raw) > 1
            shown.append(
                self("detail.value", self.field(field, spec), self.values(raw, spec, many))
            )
        return self("list.sep_long").join(shown)

    # ---- citations ---------------------------------------------------------------------------
    def article(self, citation: str, document: str) -> str:
        """A citation without its document's title, which the document heading shows once:
        `渝知发〔2024〕22号 第九条（二）` → `第九条（二）`."""
        return citation.removeprefix(document).strip() or citation

    def articles(self, citations: Iterable[str], document: str) -> tuple[str, ...]:
        """The articles a result cites, each once, in order: a citation of two articles
        (`第十一条; 第二十二条`) counts as both."""
        return tuple(
            dict.fromkeys(
                part.strip()
                for citation in citations
                for part in self.article(citation, document).split(";")
                if part.strip()
            )
        )


def wording(lang: str) -> Wording:
    if lang not in TABLES:
        raise ValueError(f"no words for language {lang!r}: choose one of {', '.join(LANGS)}")
    return Wording(lang)
