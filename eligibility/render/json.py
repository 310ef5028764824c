"""Decision → JSON (`eligibility.decision/1`), documented in docs/decision-format.md.

Money is a string with two decimals ("8000.00"), never a JSON number, so no reader turns it
into a float. Key order is fixed, so equal decisions serialise to equal bytes.

The text is written by orjson (C), which gives the bytes `json.dumps(ensure_ascii=False,
indent=2)` gives, ten times faster (a decision with its proofs is 100–400 KB); the standard
library writes it when orjson refuses a value (it would fail on an unpaired surrogate, which the
applicant validator already refuses), so the output never depends on which one wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

import orjson

from eligibility.decision.proof import AmountProof, Decision, ProofNode, RecordNote
from eligibility.facts.model import InputError

SCHEMA = "eligibility.decision/1"


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _record(note: RecordNote) -> dict[str, Any]:
    out: dict[str, Any] = {
        "record_id": note.record_id,
        "path": note.path,
        "counted": note.counted,
        "reasons": [
            {"label": r.label, "citation": r.citation, "actual": r.actual} for r in note.reasons
        ],
    }
    if note.undecided:  # no filter refused it, but one lacks a fact: what is missing
        out["undecided"] = list(note.undecided)
    return out


def proof_json(node: ProofNode) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": node.node_id,
        "kind": node.kind,
        "label": node.label,
        "citation": node.citation,
        "verdict": node.verdict,
    }
    if node.detail:
        out["detail"] = node.detail
    if node.missing:
        out["missing"] = list(node.missing)
    if node.records:
        out["records"] = [_record(r) for r in node.records]
    if node.children:
        out["children"] = [proof_json(c) for c in node.children]
    return out


def _amount_json(proof: AmountProof) -> dict[str, Any]:
    return {
        "steps": [
            {"label": line.label, "citation": line.citation, "computation": line.computation}
            for line in proof.lines
        ],
        "amount": _money(proof.amount),
        "max_amount": _money(proof.max_amount),
    }


def decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "applicant_id": decision.applicant_id,
        "as_of": decision.as_of.isoformat(),
        "assessment_year": decision.assessment_year,
        "results": [
            {
                "policy": r.document,
                "policy_id": r.policy_id,
                "programme": r.programme,
                "title": r.title,
                "outcome": r.outcome,
                "not_applicable": r.not_applicable,
                "amount": _money(r.amount),
                "max_amount": _money(r.max_amount),
                "missing": list(r.missing),
                "defaults": list(r.defaults),
                "citations": list(r.citations),
                "proof": proof_json(r.proof),
                "amount_computation": (
                    _amount_json(r.amount_proof)
                    if r.amount_proof and r.outcome != "does_not_qualify"
                    else None
                ),
            }
            for r in decision.results
        ],
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
