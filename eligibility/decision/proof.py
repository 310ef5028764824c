"""The decision and its proof tree: the audit record, handed from `decision.from_model` to the
renderers. Plain frozen data; `render.json` serialises it, `render.text` prints it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Verdict = Literal["holds", "fails", "undetermined"]
Outcome = Literal["qualifies", "does_not_qualify", "undetermined"]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a record was left out: the filter's label, its citation, the record's actual value."""

    label: str
    citation: str
    actual: str


@dataclass(frozen=True, slots=True)
class RecordNote:
    record_id: str
    path: str
    counted: bool
    reasons: tuple[Reason, ...]
    admitted_by: tuple[str, ...] = ()  # citations of the filters a counted record passed
    undecided: tuple[str, ...] = ()  # facts missing for a record no filter refused


@dataclass(frozen=True, slots=True)
class ProofNode:
    node_id: str
    kind: str  # all | any | not | compare | test | attested | selected | exists
    label: str
    citation: str
    verdict: Verdict
    detail: str  # actual against required, e.g. "2 笔 < 3 笔"
    missing: tuple[str, ...]
    records: tuple[RecordNote, ...]
    children: tuple[ProofNode, ...]


@dataclass(frozen=True, slots=True)
class AmountLine:
    label: str
    citation: str
    computation: str  # e.g. "400,000.00 × 2% = 8,000.00"


@dataclass(frozen=True, slots=True)
class AmountProof:
    lines: tuple[AmountLine, ...]
    amount: Decimal | None  # after caps, rounded half up to the fen
    max_amount: Decimal | None  # the bound: of undecided records, else the tightest cap
    missing: tuple[str, ...]
    partial: bool = False  # `amount` is only what is confirmed: undecided records may add


@dataclass(frozen=True, slots=True)
class ProgrammeResult:
    policy_id: str
    document: str
    programme: str
    title: str
    outcome: Outcome
    amount: Decimal | None
    max_amount: Decimal | None
    missing: tuple[str, ...]
    citations: tuple[str, ...]
    proof: ProofNode
    amount_proof: AmountProof | None
    not_applicable: str | None = None  # the failing applicant-kind or jurisdiction gate
    defaults: tuple[str, ...] = ()  # the switches this result read in their default reading


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    policy_id: str
    document: str
    file: str
    sha256: str


@dataclass(frozen=True, slots=True)
class InterpretationInForce:
    """A named switch (rule inventory A-xx) and the reading this decision used."""

    policy_id: str
    name: str
    value: str
    is_default: bool
    label: str


@dataclass(frozen=True, slots=True)
class Decision:
    applicant_id: str
    applicant_name: str
    as_of: datetime.date
    assessment_year: int
    results: tuple[ProgrammeResult, ...]
    applicant_sha256: str
    policies: tuple[PolicyVersion, ...]
    versions: tuple[tuple[str, str], ...]  # (component, version): eligibility, engine, grammar
    interpretations: tuple[InterpretationInForce, ...] = ()
