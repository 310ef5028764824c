"""The funding round as data: what the round's semantics (`round.allocate`) reads and returns.

A round is many applicants decided against the same policies, plus what no single decision can
answer: how a programme's pool is shared when the entitlements exceed it (rule inventory R4,
A-23), how many applicants a quota or a selection admits (NAT 四（一）1, SH 第六、七、九条, A-27),
and whether one record is claimed twice (X-1(c)). The input is built from `Decision`s by
`round.from_decisions`; this module holds plain frozen data only, no file and no command line.

Money is exact `Decimal` yuan to the fen. An amount the decisions cannot fix is an
`Entitlement` range naming the missing facts, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from eligibility.decision.proof import Outcome

# ── the round's input ──────────────────────────────────────────────────────────────────────

POOL_OVERFLOW_RULE = "pool_overflow_rule"  # the A-23 switch: prorate | review
POOL_OVERFLOW_READINGS = ("prorate", "review")
ROUND_SWITCHES: dict[str, tuple[str, ...]] = {POOL_OVERFLOW_RULE: POOL_OVERFLOW_READINGS}
ROUND_SWITCH_DEFAULTS: dict[str, str] = {POOL_OVERFLOW_RULE: "prorate"}

PoolRule = Literal["text", "default"]  # the document orders pro-rating / A-23 fills its silence


@dataclass(frozen=True, slots=True)
class Entitlement:
    """What one applicant may receive from one programme after every per-applicant cap, rounded
    to the fen (R1–R3): exactly `low` when `high == low`; otherwise between `low` and `high`
    (`high` None: no upper bound known) because the facts in `missing` are not given. An
    applicant that may still fail the programme has `low` 0."""

    low: Decimal
    high: Decimal | None
    missing: tuple[str, ...] = ()

    @staticmethod
    def exactly(amount: Decimal) -> Entitlement:
        return Entitlement(amount, amount)

    @property
    def exact(self) -> Decimal | None:
        """The amount when it is known, else None."""
        return self.low if self.high == self.low else None


@dataclass(frozen=True, slots=True)
class PoolSpec:
    """A programme's total budget (`pool` in the policy) and the rule for sharing it.

    `rule` "text": the document itself orders pro-rating when the total is exceeded (CQ 第十条,
    YB 四（三）), cited by `rule_citation`; "default": the document is silent (SH 第十九—二十二条,
    BJ 第十二、十三条) and A-23 applies, with the round switch `pool_overflow_rule`."""

    pool_id: str  # "<policy_id>.<programme_id>"
    policy_id: str
    programme_id: str
    title: str  # the programme's title
    label: str  # the pool's label in the policy, e.g. "每年补贴总额不超过500万元…"
    declared: Decimal  # the limit written in the policy, in yuan
    citation: str  # the article that sets the total, in full
    rule: PoolRule
    rule_citation: str  # the article ordering pro-rating, or "A-23" for the default
    applicant_cap: Decimal | None = None  # the programme's smallest constant cap: bounds an
    # entitlement the round cannot read (an invalid application's), None when it has none


@dataclass(frozen=True, slots=True)
class ApplicantLimit:
    """A limit on how many applicants one programme admits (a quota or a selection).

    `hard`: "不超过N家/所" or a quota (an excess is an error naming every applicant involved; the
    checker never chooses); not hard: "N家左右" (A-27: guidance, an excess only warns).
    `per_field`: the applicant fact the count is kept per (NAT: `province_code`), None for one
    count over the round. `unless_field`/`unless_values`: applicants whose fact is one of those
    values are outside the count (NAT: 计划单列市不占所在省名额). `among_field`: the limit is on
    applicants put forward (NAT: recommended_by_province): one counts for certain when that
    fact is true and it does not fail the programme, decided or not; without it, when it
    qualifies."""

    limit_id: str  # "<policy_id>.<programme_id>.<n>"
    policy_id: str
    programme_id: str
    maximum: int
    hard: bool
    per_field: str | None
    unless_field: str | None
    unless_values: tuple[str, ...]
    label: str
    citation: str
    among_field: str | None = None


@dataclass(frozen=True, slots=True)
class LimitMembership:
    """Where one applicant stands under one `ApplicantLimit`: the group it is counted in (the
    value of `per_field`, "" without one; None when that fact is missing) and whether it counts
    (False: exempt by `unless`, or its `among_field` is false; None: one of those facts is
    missing). `missing` names facts."""

    limit_id: str
    group: str | None
    counted: bool | None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordClaim:
    """A record an applicant's programme counts, as the round sees it across applicants.

    `identity` says which real-world record it is, whoever files it (see
    docs/round-semantics.md: for a contract, its kind, both parties' names, its patents and its
    CNIPA date); `role` is the applicant's part in it (transferor_or_licensor, borrower, ...).
    Two applicants claiming one record in different roles are two claims (X-1(c)); in the
    same role, an error naming both."""

    identity: str
    role: str
    record_id: str
    path: str  # the record's JSON path in the applicant file


@dataclass(frozen=True, slots=True)
class ProgrammeClaim:
    """One applicant's decision for one programme, as the round needs it."""

    policy_id: str
    programme_id: str
    title: str
    outcome: Outcome
    entitlement: Entitlement | None  # None: does not qualify, or the programme has no amount
    pool_id: str | None
    citations: tuple[str, ...] = ()  # the articles the amount rests on: first the last cap's
    # (or the award's, without caps), the one that fixed the entitlement
    limits: tuple[LimitMembership, ...] = ()
    records: tuple[RecordClaim, ...] = ()
    missing: tuple[str, ...] = ()  # the facts the decision names as missing


@dataclass(frozen=True, slots=True)
class ApplicantInput:
    applicant_id: str
    name: str
    programmes: tuple[ProgrammeClaim, ...]


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One violation in an invalid application: its JSON path, code (V-MONEY-FMT, ...) and text."""

    path: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class InvalidApplication:
    """An application that failed validation: nothing is decided for it (§9), and it blocks
    the pools whose shares depend on it (V-BATCH). `policy_ids`: the documents it applies to,
    when known; None means every document of the round."""

    applicant_id: str
    problems: tuple[InputProblem, ...]
    policy_ids: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RoundInput:
    """Everything the round's semantics read. `available`: the money still available per pool
    id (a pool not named has its declared total, A-21); `switches`: the round's switch values
    (`pool_overflow_rule`; unset ones take `ROUND_SWITCH_DEFAULTS`)."""

    applicants: tuple[ApplicantInput, ...]
    pools: tuple[PoolSpec, ...]
    limits: tuple[ApplicantLimit, ...] = ()
    invalid: tuple[InvalidApplication, ...] = ()
    available: tuple[tuple[str, Decimal], ...] = ()
    switches: tuple[tuple[str, str], ...] = ()


# ── the round's outcome ────────────────────────────────────────────────────────────────────

ShareStatus = Literal[
    "definite",  # `share` is what the applicant is allocated
    "entitlement_undetermined",  # not pro-rated; its own entitlement is a range (share_low..high)
    "pool_undetermined",  # the pool's shares depend on undetermined entitlements
    "blocked",  # the pool is blocked by an invalid application (V-BATCH)
    "review",  # the pool is exceeded and A-23's switch is `review`: the bureau decides
    "not_pooled",  # the programme has no pool: the entitlement is the amount
    "over_limit",  # a hard limit (不超过N家) is exceeded by applicants that qualify: the bureau
    # chooses among the applicants named (R-QUOTA), so the share is between 0 and the entitlement
    "not_claimed",  # the applicant does not qualify: nothing to allocate
]

PoolStatus = Literal["not_exceeded", "prorated", "undetermined", "blocked", "review"]


@dataclass(frozen=True, slots=True)
class AllocationStep:
    """One line of the allocation's proof: entitlement → cap → share, with numbers and article."""

    label: str
    citation: str
    computation: str


@dataclass(frozen=True, slots=True)
class Allocation:
    """One applicant × programme: the entitlement the decision gives, and what the round allots.
    `share` is set when definite; `share_low`/`share_high` bound it otherwise (None: unknown)."""

    applicant_id: str
    policy_id: str
    programme_id: str
    outcome: Outcome
    entitlement: Entitlement | None
    pool_id: str | None
    status: ShareStatus
    share: Decimal | None
    share_low: Decimal | None
    share_high: Decimal | None
    steps: tuple[AllocationStep, ...]


@dataclass(frozen=True, slots=True)
class PoolOutcome:
    """One pool over the round. `requested`: Σ entitlements (`requested_high` the upper bound
    when some are ranges; None: unbounded). `factor`: available / requested when pro-rated,
    exact to 12 places (the shares are computed from the exact fraction, not from it)."""

    pool_id: str
    policy_id: str
    programme_id: str
    label: str
    citation: str
    rule: PoolRule
    rule_citation: str
    rule_note: str  # which rule applies, in Chinese, e.g. "分配规则未明文规定，按比例为默认口径"
    declared: Decimal
    available: Decimal
    requested: Decimal
    requested_high: Decimal | None
    allocated: Decimal | None
    status: PoolStatus
    prorated: bool | None  # None: whether it must be is undetermined
    factor: Decimal | None
    applicants: tuple[str, ...]  # every applicant with a claim on the pool, by id
    reason: str  # why undetermined, blocked or in review (names applicants and facts)
    missing: tuple[str, ...] = ()


IssueSeverity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class RoundIssue:
    """A round-level error or warning. Codes: R-QUOTA (a hard quota or selection exceeded),
    R-QUOTA-UNDETERMINED (it may be, depending on missing facts), R-ABOUT (a "左右" figure
    exceeded, A-27), R-CLAIM-DUPLICATE (one record claimed twice in one role), V-BATCH (an
    invalid application blocks pools), V-DUP (one applicant id twice), R-SWITCH (an unknown
    round switch or reading), R-POOL-RAISED (money available above the declared pool, A-21)."""

    severity: IssueSeverity
    code: str
    message: str
    citation: str
    applicants: tuple[str, ...]
    pool_ids: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()  # "<policy_id>.<programme_id>" an R-QUOTA error holds back


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    """Allocations sorted by applicant, policy and programme; pools by id; issues errors first."""

    allocations: tuple[Allocation, ...]
    pools: tuple[PoolOutcome, ...]
    issues: tuple[RoundIssue, ...]
    switches: tuple[tuple[str, str], ...]  # every round switch with the reading in force

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)
