"""Decision → JSON (`eligibility.decision/1`), documented in docs/decision-format.md.

Money is a string with two decimals ("8000.00"), never a JSON number, so no reader turns it
into a float. Key order is fixed, so equal decisions serialise to equal bytes.

The text is written by orjson (C), which gives the bytes `json.dumps(ensure_ascii=False,
indent=2)` gives, ten times faster (a decision with its proofs is 100–400 KB); the standard
library writes it when orjson refuses a value (it would fail on an unpaired surrogate, which the
applicant validator already refuses), so the output never depends on which one wrote it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

import orjson

from eligibility.collector import pausing
from eligibility.decision.proof import (
    AmountProof,
    Change,
    Decision,
    ProgrammeResult,
    ProofNode,
    Proposal,
    RecordNote,
    Shown,
)
from eligibility.decision.static import exact
from eligibility.facts import vocabulary
from eligibility.facts.model import InputError
from eligibility.facts.vocabulary import Vocabulary
from eligibility.render.checklist import missing_facts_json
from eligibility.render.proposals import change_text, proposal_text
from eligibility.render.wording import Lang, Wording, wording

SCHEMA = "eligibility.decision/1"


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _raw(value: Any) -> Any:
    """A raw value as JSON: money and dates as strings, the rest as they are."""
    match value:
        case Decimal():
            return f"{value:.2f}"
        case datetime.date():
            return value.isoformat()
    return value


def _record(note: RecordNote, w: Wording) -> dict[str, Any]:
    out: dict[str, Any] = {
        "record_id": note.record_id,
        "path": note.path,
        "counted": note.counted,
        "reasons": [
            {
                "label": r.label,
                "citation": r.citation,
                "actual": r.actual,
                "actual_label": w.record_values(note, r.values) if r.values else r.actual,
                "values": [{"field": f, "values": [_raw(v) for v in vs]} for f, vs in r.values],
            }
            for r in note.reasons
        ],
    }
    if note.undecided:  # no filter refused it, but one lacks a fact: what is missing
        out["undecided"] = list(note.undecided)
    return out


def _shown(shown: Shown) -> dict[str, Any]:
    out: dict[str, Any] = {
        "subject": shown.subject,
        "values": [_raw(v) for v in shown.values],
        "stated": shown.stated,
    }
    if shown.requirement is not None:
        req = shown.requirement
        out["requirement"] = {
            "relation": req.relation,
            "quantifier": req.quantifier,
            "values": [_raw(v) for v in req.values],
        }
    return out


def proof_json(
    node: ProofNode,
    lang: Lang = "zh",
    w: Wording | None = None,
    excluding: bool = False,
    notes: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`excluding`: the node is a case of an exclusion (its requirement excludes), as in text.
    `notes`: the record notes already written, by identity (see `_records`)."""
    return _ProofWriter(w or wording(lang), {} if notes is None else notes).node(node, excluding)


_TESTS_KEPT = 20_000  # tests' words remembered, per language and vocabulary, before clearing
_TestWords = tuple[str, dict[str, Any]]  # detail_label, shown
_Tables = tuple[
    Vocabulary,
    dict[tuple[Any, ...], _TestWords],  # a test's words, by what it shows
    dict[tuple[int, bool], tuple[ProofNode, dict[str, Any]]],  # a test's JSON, by its node
]
_TESTS: dict[tuple[Lang, int], _Tables] = {}


class _ProofWriter:
    """A proof tree as JSON in one language. A test's words (`detail_label`, `shown`) depend
    only on its verdict, what it shows and whether an exclusion asks it, and an applicant's
    tests mostly show what another's did: they are made once per language and vocabulary."""

    def __init__(self, w: Wording, notes: dict[int, dict[str, Any]]) -> None:
        self.w = w
        self.notes = notes
        self.verdicts = {v: w.verdict(v) for v in ("holds", "fails", "undetermined")}
        words = vocabulary.active()
        found = _TESTS.get((w.lang, id(words)))
        if found is None or found[0] is not words or len(found[1]) + len(found[2]) >= _TESTS_KEPT:
            found = _TESTS[(w.lang, id(words))] = (words, {}, {})  # the vocabulary kept: its id
        self.tests, self.nodes = found[1], found[2]

    def node(self, node: ProofNode, excluding: bool) -> dict[str, Any]:
        if node.kind != "test":
            return self._node(node, excluding)
        # a test's node is one object for every applicant with its value and verdict
        # (`decision.from_model`): its JSON is made once too
        key = (id(node), excluding)
        found = self.nodes.get(key)
        if found is not None and found[0] is node:  # the node kept: its id cannot be reused
            return found[1]
        made = self.nodes[key] = (node, self._node(node, excluding))
        return made[1]

    def _node(self, node: ProofNode, excluding: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": node.node_id,
            "kind": node.kind,
            "label": node.label,
            "citation": node.citation,
            "verdict": node.verdict,
            "verdict_label": self.verdicts.get(node.verdict) or self.w.verdict(node.verdict),
        }
        if node.detail:
            out["detail"] = node.detail
        is_not = node.kind == "not" and bool(node.children)
        excluding = excluding or is_not
        target = node.children[0] if is_not else node
        if target.kind == "test" and target.shown is not None:
            detail_label = self._test(target, target.shown, excluding)[0]
        elif target.shown is not None or target.kind == "compare":
            detail_label = self.w.detail(target, excluding)
        else:
            detail_label = ""  # what `Wording.detail` says of a node that shows nothing
        if detail_label:
            out["detail_label"] = detail_label
        if node.shown is not None:
            out["shown"] = (
                self._test(node, node.shown, excluding)[1]
                if node.kind == "test"
                else _shown(node.shown)
            )
        if node.missing:
            out["missing"] = list(node.missing)
        if node.records:
            out["records"] = _records(node.records, self.w, self.notes)
        if node.children:
            out["children"] = [self.node(c, excluding) for c in node.children]
        return out

    def _test(self, node: ProofNode, shown: Shown, excluding: bool) -> _TestWords:
        key = (
            node.verdict,
            excluding,
            shown.subject,
            exact(shown.values),
            shown.stated,
            shown.requirement,  # the IR's constants: a code, a region, a bool, a text
            shown.default,
        )
        found = self.tests.get(key)
        if found is None:
            found = self.tests[key] = (self.w.detail(node, excluding), _shown(shown))
        return found


def _records(
    records: tuple[RecordNote, ...], w: Wording, notes: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each note written once per decision: the nodes that read one record set share its notes
    (a bank's 10,000 pledges appear under three nodes), and the same object is written alike.
    By identity, not equality: 1 == True, yet they are worded apart. The notes outlive the
    call (the proof holds them), so an id is never reused within it."""
    out = []
    for note in records:
        found = notes.get(id(note))
        if found is None:
            found = notes[id(note)] = _record(note, w)
        out.append(found)
    return out


def _amount_json(proof: AmountProof, w: Wording) -> dict[str, Any]:
    return {
        "steps": [
            {
                "label": line.label,
                "citation": line.citation,
                "computation": line.computation,
                "text": w("colon").join(w.amount_step(line)),
            }
            for line in proof.lines
        ],
        "amount": _money(proof.amount),
        "max_amount": _money(proof.max_amount),
    }


def _proposal_json(proposal: Proposal, w: Wording, document: str) -> dict[str, Any]:
    """One proposal as data (docs/decision-format.md, "would_change"), worded beside it."""
    return {
        "changes": [_change_json(c, w, document) for c in proposal.changes],
        "label": proposal_text(proposal, w, document),
    }


def _change_json(c: Change, w: Wording, document: str, to_cap: bool = False) -> dict[str, Any]:
    return {
        "action": c.action,
        "field": c.field,
        "op": "+" if c.action in ("add", "raise") else "in" if len(c.values) > 1 else "=",
        "values": [_raw(v) for v in c.values],
        "delta": None if c.delta is None else _raw(c.delta),
        "target": None if c.target is None else _raw(c.target),
        "record_set": c.record_set or None,
        "supplies": c.supplies,
        "node_id": c.node_id,
        "citation": c.citation,
        "label": change_text(c, w, document, to_cap),
    }


def _result_json(
    r: ProgrammeResult, lang: Lang, w: Wording, notes: dict[int, dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "policy": r.document,
        "policy_id": r.policy_id,
        "programme": r.programme,
        "title": r.title,
        "outcome": r.outcome,
        "outcome_label": w.outcome(r.outcome),
        "not_applicable": r.not_applicable,
        "not_applicable_label": w.gate_reason(r) if r.not_applicable else None,
        "amount": _money(r.amount),
        "max_amount": _money(r.max_amount),
        "missing": list(r.missing),
        "missing_label": w.missing_facts(r) if r.missing else None,
        "missing_facts": missing_facts_json(r.missing_facts, w),
        "defaults": list(r.defaults),
        "citations": list(r.citations),
        "proof": proof_json(r.proof, lang, w, notes=notes),
        "would_change": [_proposal_json(p, w, r.document) for p in r.would_change],
        "to_cap": [_change_json(c, w, r.document, True) for c in r.to_cap],
        "amount_computation": (
            _amount_json(r.amount_proof, w)
            if r.amount_proof and r.outcome != "does_not_qualify"
            else None
        ),
    }


_KEPT = 4096  # results' JSON remembered, before clearing
_Remembered = tuple[ProgrammeResult, Vocabulary, dict[str, Any]]
_REMEMBERED: dict[tuple[int, Lang, int], _Remembered] = {}


def result_json(
    r: ProgrammeResult,
    lang: Lang = "zh",
    w: Wording | None = None,
    notes: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One programme's result. The result of a programme whose document does not apply is
    the same object for every applicant whose gates read the same values
    (`decision.from_model.not_applicable_result`): its JSON is made once per language and
    vocabulary (which names the fields) and given again, so the dictionaries `decision_json`
    returns are shared between decisions and must not be changed in place."""
    w = w or wording(lang)
    if r.not_applicable is None:
        return _result_json(r, lang, w, notes)
    words = vocabulary.active()
    key = (id(r), lang, id(words))
    found = _REMEMBERED.get(key)
    if found is not None and found[0] is r and found[1] is words:
        return found[2]
    if len(_REMEMBERED) >= _KEPT:
        _REMEMBERED.clear()
    made = _result_json(r, lang, w)
    _REMEMBERED[key] = (r, words, made)  # both kept: their ids cannot be reused meanwhile
    return made


def forget() -> None:
    """The remembered JSON of results and tests dropped (a test compares it with JSON made
    afresh)."""
    _REMEMBERED.clear()
    _TESTS.clear()


def decision_json(decision: Decision, lang: Lang = "zh") -> dict[str, Any]:
    w = wording(lang)
    notes: dict[int, dict[str, Any]] = {}  # record notes written (`_records`)
    return {
        "schema": SCHEMA,
        "lang": lang,
        "applicant_id": decision.applicant_id,
        "as_of": decision.as_of.isoformat(),
        "assessment_year": decision.assessment_year,
        "results": [result_json(r, lang, w, notes) for r in decision.results],
        "interpretations": [
            {"policy_id": r.policy_id, "name": r.name, "value": r.value, "default": r.is_default}
            for r in decision.interpretations
        ],
        "provenance": {
            "applicant_sha256": decision.applicant_sha256,
            "policies": [
                {
                    "policy_id": p.policy_id,
                    "document": p.document,
                    "file": p.file,
                    "sha256": p.sha256,
                }
                for p in decision.policies
            ],
            "versions": dict(decision.versions),
        },
    }


def errors_json(errors: tuple[InputError, ...]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "errors": [{"code": e.code, "path": e.path, "message": e.message} for e in errors],
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as `check --json` prints it: indented by two, non-ASCII as is."""
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:
        return json.dumps(document, ensure_ascii=False, indent=2)


@pausing
def decision_bytes(decision: Decision) -> bytes:
    """A decision file's bytes: `check --json`'s text and a newline, in UTF-8 (a round writes
    thousands: no detour through `str`)."""
    document = decision_json(decision)
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def decision_line(decision: Decision) -> bytes:
    """The decision on one line and a newline: `json.dumps(decision_json(decision),
    ensure_ascii=False, separators=(",", ":"))` in UTF-8."""
    document = decision_json(decision)
    try:
        return orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_decisions_jsonl(decisions: Iterable[Decision], stream: IO[bytes]) -> int:
    """Each decision as one line of JSON (`decision_line`) on a binary stream, in order, as
    they come (a round need not hold them all); returns how many were written."""
    written = 0
    for decision in decisions:
        stream.write(decision_line(decision))
        written += 1
    return written
