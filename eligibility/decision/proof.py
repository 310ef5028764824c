"""The decision and its proof tree: the audit record, handed from `decision.from_model` to the
renderers. Plain frozen data; `render.json` serialises it, `render.text` prints it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from eligibility.frozen import frozen_record
from eligibility.ir.checklist import FactRow

MissingFact = tuple[FactRow, tuple[str, ...]]
Verdict = Literal["holds", "fails", "undetermined"]
Outcome = Literal["qualifies", "does_not_qualify", "undetermined"]


@frozen_record
class Reason:
    """Why a record was left out: the filter's label, its citation, the record's actual value
    (`actual` in words; `values`: each field the filter read with its raw values)."""

    label: str
    citation: str
    actual: str
    values: tuple[tuple[str, tuple[Any, ...]], ...] = ()


@frozen_record
class Requirement:
    """What a test requires, as data: `relation` is in | not_in | within | is | compare |
    among | not_among; `values` the codes, the region, the boolean or the comparison's text."""

    relation: str
    quantifier: str  # one | some | every
    values: tuple[Any, ...]
    set_label: str = ""


@frozen_record
class Shown:
    """What a leaf read, as raw data for the renderers to word in the reader's language:
    `subject` is a fact path, a reading's name or a record set's label; `values` what the
    applicant file states (for a record set: the ids of the records counted); `stated` False
    when the fact is absent; `requirement` what a test requires; `default` whether a reading
    is in force by default."""

    subject: str
    values: tuple[Any, ...] = ()
    stated: bool = True
    requirement: Requirement | None = None
    default: bool = False


@frozen_record
class RecordNote:
    record_id: str
    path: str
    counted: bool
    reasons: tuple[Reason, ...]
    admitted_by: tuple[str, ...] = ()  # citations of the filters a counted record passed
    undecided: tuple[str, ...] = ()  # facts missing for a record no filter refused


@frozen_record
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
    shown: Shown | None = None  # `detail` as data, for wording per language


@frozen_record
class AmountLine:
    label: str
    citation: str
    computation: str  # e.g. "400,000.00 × 2% = 8,000.00"
    key: str = ""  # when set, the words table's `amount.<key>.*` entries word it from `args`
    args: tuple[str, ...] = ()  # values already in figures (money, rates), no words
    records: tuple[RecordNote, ...] = ()  # the records a `record_*` step is about


@frozen_record
class AmountProof:
    lines: tuple[AmountLine, ...]
    amount: Decimal | None  # after caps, rounded half up to the fen
    max_amount: Decimal | None  # the bound: of undecided records, else the tightest cap
    missing: tuple[str, ...]
    partial: bool = False  # `amount` is only what is confirmed: undecided records may add


@frozen_record
class Change:
    """One change to the applicant's facts (decision.would_change). `action`:
    set   — give `field` (a fact path) one of `values`; `supplies`: the fact is missing now;
    add   — add `delta` records to the collection `field`, each passing `record_set`'s filters;
    raise — raise the number `field` (or, with `record_set`, the sum of `field` over that set)
            by `delta`, so that it reaches `target`;
    empty — state that the collection `field`, not given, has no records (`[]`).
    `label` and `citation` are the condition's, `node_id` its id in the proof."""

    action: str
    field: str
    values: tuple[Any, ...]
    delta: Any
    target: Any
    record_set: str
    set_label: str
    unit: str
    supplies: bool
    label: str
    citation: str
    node_id: str


@frozen_record
class Proposal:
    """A smallest set of changes that makes the programme qualify (applied together)."""

    changes: tuple[Change, ...]


@frozen_record
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
    would_change: tuple[Proposal, ...] = ()  # does_not_qualify / undetermined: what would flip it
    to_cap: tuple[Change, ...] = ()  # qualifies below its cap: each input that would reach it
    # the checklist's rows for `missing` (ir.checklist), each with the missing paths it covers
    missing_facts: tuple[MissingFact, ...] = ()


@frozen_record
class PolicyVersion:
    policy_id: str
    document: str
    file: str
    sha256: str


@frozen_record
class InterpretationInForce:
    """A named switch (rule inventory A-xx) and the reading this decision used."""

    policy_id: str
    name: str
    value: str
    is_default: bool
    label: str


@frozen_record
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
