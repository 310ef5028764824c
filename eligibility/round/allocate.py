"""The round's semantics: `allocate_round(RoundInput) -> RoundOutcome`.

Per-applicant decisions have already applied every cap up to the applicant (R2: record → item
→ applicant/year); the round adds the pool. A pool is pro-rated (R4, `prorate`) only when the
entitlements strictly exceed what remains, by the rule the document gives (CQ 第十条, YB 四（三）)
or, where it is silent, A-23 with the switch `pool_overflow_rule`. An entitlement the decisions
cannot fix, or an invalid application (V-BATCH), leaves a pool's shares undetermined or blocked
unless even the upper bound of every range fits the pool. Quotas and selections
(`round.limits`) and records claimed twice (`round.claims`) are checked across applicants.
Every result is sorted by id, so the order of the applications never matters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from eligibility.ir.quantities import format_money as _format_money
from eligibility.round.claims import claim_issues
from eligibility.round.limits import limit_issues
from eligibility.round.model import (
    POOL_OVERFLOW_RULE,
    ROUND_SWITCH_DEFAULTS,
    ROUND_SWITCHES,
    Allocation,
    AllocationStep,
    ApplicantInput,
    Entitlement,
    InvalidApplication,
    PoolOutcome,
    PoolSpec,
    PoolStatus,
    ProgrammeClaim,
    RoundInput,
    RoundIssue,
    RoundOutcome,
    ShareStatus,
)
from eligibility.round.naming import named
from eligibility.round.prorate import fen_count, from_fen, largest_remainder

TEXT_RULE_NOTE = "文件明文规定：超出总额时按比例确定（R4 最大余额法）"
DEFAULT_RULE_NOTE = "分配规则未明文规定，按比例为默认口径（A-23）"
REVIEW_RULE_NOTE = "分配规则未明文规定，按开关 pool_overflow_rule = review 提交主管部门决定（A-23）"
_FACTOR_PLACES = Decimal("1e-12")
# Each allocation's proof repeats its pool's totals: formatting them once per value halves the
# time of a round of many applicants.
format_money = lru_cache(maxsize=4096)(_format_money)


def allocate_round(round_input: RoundInput) -> RoundOutcome:
    issues: list[RoundIssue] = []
    switches = _switches_in_force(round_input.switches, issues)
    submitted = tuple(sorted(round_input.applicants, key=lambda a: a.applicant_id))
    over_limit = limit_issues(submitted, round_input.limits)
    held = _held_back(over_limit)
    applicants = tuple(_hold(applicant, held) for applicant in submitted)
    invalid = tuple(sorted(round_input.invalid, key=lambda a: a.applicant_id))
    duplicated = _duplicate_ids(applicants, invalid, issues)
    shared: dict[tuple[str, str], Allocation] = {}
    pools = []
    available = dict(round_input.available)
    issues += _available_issues(round_input)
    for pool in sorted(round_input.pools, key=lambda p: p.pool_id):
        holders = [
            (applicant, claim)
            for applicant in applicants
            for claim in applicant.programmes
            if claim.pool_id == pool.pool_id and claim.entitlement is not None
        ]
        blockers = [a for a in invalid if a.policy_ids is None or pool.policy_id in a.policy_ids]
        blockers += [
            InvalidApplication(applicant_id, ())
            for applicant_id in sorted({a.applicant_id for a, _ in holders} & duplicated)
        ]
        money = available.get(pool.pool_id, pool.declared)
        if money > pool.declared:
            issues.append(
                RoundIssue(
                    "warning",
                    "R-POOL-RAISED",
                    f"{pool.pool_id}: {format_money(money)} 元 available, above the declared "
                    f"{format_money(pool.declared)} 元 (an administrator's decision, A-21)",
                    pool.citation,
                    (),
                    (pool.pool_id,),
                )
            )
        outcome, pooled = _share_pool(pool, money, holders, blockers, switches)
        pools.append(outcome)
        shared.update(pooled)
        if blockers and _usable(money):
            issues.append(_batch_issue(pool, blockers, outcome.status == "blocked"))
    allocations: list[Allocation] = []
    for applicant in submitted:
        for claim in sorted(applicant.programmes, key=_claim_key):
            key = (applicant.applicant_id, _claim_key(claim))
            found = shared.get(key) or _unpooled(applicant.applicant_id, claim)
            allocations.append(_over_limit(found, claim, held[key]) if key in held else found)
    issues += over_limit
    issues += claim_issues(submitted)
    issues.sort(key=lambda i: (i.severity != "error", i.code, i.applicants, i.message))
    return RoundOutcome(tuple(allocations), tuple(pools), tuple(issues), switches)


def _claim_key(claim: ProgrammeClaim) -> str:
    return f"{claim.policy_id}.{claim.programme_id}"


def _held_back(issues: Sequence[RoundIssue]) -> dict[tuple[str, str], RoundIssue]:
    """(applicant, programme) → the R-QUOTA error naming it: a hard limit (不超过N家) exceeded
    by applicants that qualify. The checker never chooses among them (rule inventory A-27)."""
    return {
        (applicant_id, programme): issue
        for issue in issues
        if issue.severity == "error" and issue.code == "R-QUOTA"
        for programme in issue.programmes
        for applicant_id in issue.applicants
    }


def _hold(applicant: ApplicantInput, held: dict[tuple[str, str], RoundIssue]) -> ApplicantInput:
    """A claim held back by a hard limit may come to nothing (the bureau may not select it) or
    to its whole entitlement: its entitlement becomes that range, so a pool it draws on is
    shared only where the answer does not depend on the bureau's choice."""
    claims = tuple(
        replace(
            claim,
            entitlement=Entitlement(
                Decimal("0.00"),
                claim.entitlement.high,
                (*claim.entitlement.missing, "主管部门遴选 the bureau's selection (R-QUOTA)"),
            ),
        )
        if (applicant.applicant_id, _claim_key(claim)) in held and claim.entitlement is not None
        else claim
        for claim in applicant.programmes
    )
    return replace(applicant, programmes=claims)


def _over_limit(found: Allocation, claim: ProgrammeClaim, issue: RoundIssue) -> Allocation:
    """The allocation of a claim held back by `issue`: never a definite share."""
    step = AllocationStep(
        "超过“不超过N家”：由主管部门遴选，本系统不作选择 over a hard limit: the bureau chooses",
        issue.citation,
        issue.message,
    )
    return replace(
        found,
        entitlement=claim.entitlement,
        status="over_limit",
        share=None,
        share_low=Decimal("0.00") if claim.entitlement is not None else None,
        steps=(*found.steps, step),
    )


def _switches_in_force(
    chosen: tuple[tuple[str, str], ...], issues: list[RoundIssue]
) -> tuple[tuple[str, str], ...]:
    values = dict(ROUND_SWITCH_DEFAULTS)
    for name, value in chosen:
        if name not in ROUND_SWITCHES or value not in ROUND_SWITCHES[name]:
            known = "; ".join(f"{n} = {'|'.join(v)}" for n, v in ROUND_SWITCHES.items())
            issues.append(
                RoundIssue(
                    "error",
                    "R-SWITCH",
                    f"{name} = {value} is not a round switch reading (known: {known}); "
                    f"the default {ROUND_SWITCH_DEFAULTS.get(name, '')} is used".rstrip("; "),
                    "A-23",
                    (),
                )
            )
            continue
        values[name] = value
    return tuple(sorted(values.items()))


def _duplicate_ids(
    applicants: Sequence[ApplicantInput],
    invalid: Sequence[InvalidApplication],
    issues: list[RoundIssue],
) -> set[str]:
    """An applicant id that occurs twice: which application is meant cannot be told, so the
    pools it claims on are blocked like an invalid application's (V-DUP)."""
    counts = Counter([a.applicant_id for a in applicants] + [a.applicant_id for a in invalid])
    twice = {applicant_id for applicant_id, n in counts.items() if n > 1}
    for applicant_id in sorted(twice):
        issues.append(
            RoundIssue(
                "error",
                "V-DUP",
                f"applicant_id {applicant_id} occurs in {counts[applicant_id]} applications",
                "§9 V-DUP",
                (applicant_id,),
            )
        )
    return twice


def _usable(money: Decimal) -> bool:
    """Money available must be a whole number of fen, not negative."""
    return money >= 0 and money == money.quantize(Decimal("0.01"))


def _available_issues(round_input: RoundInput) -> list[RoundIssue]:
    """Money available named for no pool (a misspelt id would silently leave the declared
    total in force), or not a usable amount (the pool is then blocked, not guessed)."""
    known = {pool.pool_id for pool in round_input.pools}
    issues = []
    for pool_id, money in round_input.available:
        if pool_id not in known:
            issues.append(
                RoundIssue(
                    "error",
                    "R-POOL-UNKNOWN",
                    f"money available is given for {pool_id}, which is no pool of the round's "
                    f"policies (pools: {', '.join(sorted(known)) or 'none'})",
                    "A-21",
                    (),
                    (pool_id,),
                )
            )
        elif not _usable(money):
            issues.append(
                RoundIssue(
                    "error",
                    "R-POOL-AVAILABLE",
                    f"{pool_id}: money available {money} is not a non-negative amount in whole "
                    "fen; the pool is not shared",
                    "A-21",
                    (),
                    (pool_id,),
                )
            )
    return issues


def _batch_issue(
    pool: PoolSpec, blockers: Sequence[InvalidApplication], blocked: bool
) -> RoundIssue:
    named = "; ".join(
        f"{a.applicant_id} ({', '.join(f'{p.path} {p.code}' for p in a.problems) or 'V-DUP'})"
        for a in blockers
    )
    if blocked:
        return RoundIssue(
            "error",
            "V-BATCH",
            f"{pool.pool_id}: not shared, because every share depends on these invalid "
            f"applications: {named}",
            pool.citation,
            tuple(a.applicant_id for a in blockers),
            (pool.pool_id,),
        )
    return RoundIssue(
        "warning",
        "V-BATCH",
        f"{pool.pool_id}: shared although these applications are invalid, because even at the "
        f"programme's cap of {format_money(pool.applicant_cap or Decimal(0))} 元 each they "
        f"could not change the answer: {named}",
        pool.citation,
        tuple(a.applicant_id for a in blockers),
        (pool.pool_id,),
    )


def _unpooled(applicant_id: str, claim: ProgrammeClaim) -> Allocation:
    entitlement = claim.entitlement
    status: ShareStatus = "not_claimed" if entitlement is None else "not_pooled"
    steps = (_entitlement_step(claim),) if entitlement is not None else ()
    exact = entitlement.exact if entitlement is not None else None
    return Allocation(
        applicant_id,
        claim.policy_id,
        claim.programme_id,
        claim.outcome,
        entitlement,
        claim.pool_id,
        status,
        exact,
        entitlement.low if entitlement is not None else None,
        entitlement.high if entitlement is not None else None,
        steps,
    )


def _show(entitlement: Entitlement) -> str:
    exact = entitlement.exact
    if exact is not None:
        return f"{format_money(exact)} 元"
    high = "no upper bound known" if entitlement.high is None else format_money(entitlement.high)
    missing = f"; missing: {', '.join(entitlement.missing)}" if entitlement.missing else ""
    return f"between {format_money(entitlement.low)} and {high} 元{missing}"


def _entitlement_step(claim: ProgrammeClaim) -> AllocationStep:
    assert claim.entitlement is not None
    return AllocationStep(
        "应得金额（单个申请人各项上限已适用，R2） entitlement after the applicant's caps",
        claim.citations[0] if claim.citations else "",
        _show(claim.entitlement),
    )


@dataclass(frozen=True, slots=True)
class _Totals:
    """Σ entitlements on a pool: `low` certain, `high` at most (None: unbounded)."""

    low: int
    high: int | None


def _totals(
    entitlements: Sequence[Entitlement], blocker_bound: int | None, blockers: int
) -> _Totals:
    low = sum(fen_count(e.low) for e in entitlements)
    highs = [None if e.high is None else fen_count(e.high) for e in entitlements]
    highs += [blocker_bound] * blockers
    high = None if any(h is None for h in highs) else sum(h for h in highs if h is not None)
    return _Totals(low, high)


def _rule_note(pool: PoolSpec, switches: tuple[tuple[str, str], ...]) -> str:
    if pool.rule == "text":
        return TEXT_RULE_NOTE
    return REVIEW_RULE_NOTE if dict(switches)[POOL_OVERFLOW_RULE] == "review" else DEFAULT_RULE_NOTE


def _share_pool(
    pool: PoolSpec,
    money: Decimal,
    holders: Sequence[tuple[ApplicantInput, ProgrammeClaim]],
    blockers: Sequence[InvalidApplication],
    switches: tuple[tuple[str, str], ...],
) -> tuple[PoolOutcome, dict[tuple[str, str], Allocation]]:
    entitlements = {a.applicant_id: c.entitlement for a, c in holders if c.entitlement}
    if not _usable(money):
        return _refused(pool, money, holders, switches)
    cap = None if pool.applicant_cap is None else fen_count(pool.applicant_cap)
    totals = _totals(list(entitlements.values()), cap, len(blockers))
    available = fen_count(money)
    review = pool.rule == "default" and dict(switches)[POOL_OVERFLOW_RULE] == "review"
    uncertain = sorted(k for k, e in entitlements.items() if e.exact is None)
    missing = tuple(dict.fromkeys(m for k in uncertain for m in entitlements[k].missing))
    fits = totals.high is not None and totals.high <= available
    status: PoolStatus
    prorated: bool | None
    shares: dict[str, Decimal] = {}
    factor = None
    reason = ""
    if fits:  # even every upper bound fits: nobody is pro-rated, determined shares are definite
        status, prorated = "not_exceeded", False
        shares = {k: e.low for k, e in entitlements.items() if e.exact is not None}
        if uncertain or blockers:
            reason = (
                "even the upper bound of every undetermined entitlement keeps the total within "
                "the pool"
            )
    elif not uncertain and not blockers:
        prorated = True
        status = "review" if review else "prorated"
        factor = (Decimal(available) / Decimal(totals.low)).quantize(
            _FACTOR_PLACES, rounding=ROUND_HALF_UP
        )
        if review:
            reason = "exceeded; A-23 switch pool_overflow_rule = review: the bureau decides"
        else:
            shares = largest_remainder(
                money, {k: e.low for k, e in entitlements.items() if e.exact is not None}
            )
    else:
        certainly_over = totals.low > available
        prorated = True if certainly_over else None
        status = (
            "blocked" if blockers else ("review" if review and certainly_over else "undetermined")
        )
        who = [
            f"{k} ({', '.join(entitlements[k].missing) or 'amount unknown'})" for k in uncertain
        ] + [f"{a.applicant_id} (invalid application)" for a in blockers]
        reason = (
            f"the shares depend on entitlements not known: {named(who, '; ')}"
            if not (review and certainly_over and not blockers)
            else "exceeded; A-23 switch pool_overflow_rule = review: the bureau decides"
        )
    allocated = from_fen(sum(fen_count(s) for s in shares.values())) if shares else None
    if status == "not_exceeded" and (uncertain or blockers):
        allocated = None  # the undetermined entitlements are paid in full, but not yet known
    if status in ("prorated", "not_exceeded") and not entitlements:
        allocated = Decimal("0.00")
    outcome = _pool_outcome(
        pool,
        switches,
        money,
        (from_fen(totals.low), None if totals.high is None else from_fen(totals.high)),
        allocated,
        status,
        prorated,
        factor,
        tuple(sorted(set(entitlements) | {a.applicant_id for a in blockers})),
        reason,
        missing,
    )
    allocations = {
        (applicant.applicant_id, _claim_key(claim)): _pooled(
            applicant.applicant_id, claim, outcome, shares, entitlements, available, totals
        )
        for applicant, claim in holders
    }
    return outcome, allocations


def _pool_outcome(
    pool: PoolSpec,
    switches: tuple[tuple[str, str], ...],
    available: Decimal,
    requested: tuple[Decimal, Decimal | None],
    allocated: Decimal | None,
    status: PoolStatus,
    prorated: bool | None,
    factor: Decimal | None,
    applicants: tuple[str, ...],
    reason: str,
    missing: tuple[str, ...] = (),
) -> PoolOutcome:
    """A pool's outcome: what the policy declares of it, and what the round found."""
    return PoolOutcome(
        pool.pool_id,
        pool.policy_id,
        pool.programme_id,
        pool.label,
        pool.citation,
        pool.rule,
        pool.rule_citation,
        _rule_note(pool, switches),
        pool.declared,
        available,
        *requested,
        allocated,
        status,
        prorated,
        factor,
        applicants,
        reason,
        missing,
    )


def _refused(
    pool: PoolSpec,
    money: Decimal,
    holders: Sequence[tuple[ApplicantInput, ProgrammeClaim]],
    switches: tuple[tuple[str, str], ...],
) -> tuple[PoolOutcome, dict[tuple[str, str], Allocation]]:
    """A pool whose money available is unusable (R-POOL-AVAILABLE): nothing is shared."""
    reason = f"money available {money} is not a non-negative amount in whole fen"
    entitlements = [c.entitlement for _, c in holders if c.entitlement]
    low = sum((e.low for e in entitlements), Decimal("0.00"))
    highs = [e.high for e in entitlements]
    high = None if None in highs else sum((h for h in highs if h is not None), Decimal("0.00"))
    outcome = _pool_outcome(
        pool,
        switches,
        money,
        (low, high),
        None,
        "blocked",
        None,
        None,
        tuple(sorted(a.applicant_id for a, _ in holders)),
        reason,
    )
    allocations = {
        (applicant.applicant_id, _claim_key(claim)): Allocation(
            applicant.applicant_id,
            claim.policy_id,
            claim.programme_id,
            claim.outcome,
            claim.entitlement,
            claim.pool_id,
            "blocked",
            None,
            None,
            None,
            (_entitlement_step(claim), AllocationStep(pool.label, pool.citation, reason)),
        )
        for applicant, claim in holders
    }
    return outcome, allocations


def _pooled(
    applicant_id: str,
    claim: ProgrammeClaim,
    pool: PoolOutcome,
    shares: dict[str, Decimal],
    entitlements: dict[str, Entitlement],
    available: int,
    totals: _Totals,
) -> Allocation:
    entitlement = claim.entitlement
    assert entitlement is not None
    steps = [_entitlement_step(claim)]
    share = shares.get(applicant_id)
    status: ShareStatus
    low: Decimal | None
    high: Decimal | None
    over = "超过" if pool.prorated else "未超过"
    requested = format_money(pool.requested)
    if pool.requested_high != pool.requested:
        top = "unbounded" if pool.requested_high is None else format_money(pool.requested_high)
        requested = f"{requested}–{top}"
    steps.append(
        AllocationStep(
            pool.label,
            pool.citation,
            f"Σ entitlements {requested} 元 {over if pool.prorated is not None else '可能超过'} "
            f"available {format_money(pool.available)} 元",
        )
    )
    if share is not None and pool.status == "prorated":
        exact = Decimal(available) * fen_count(entitlement.low) / Decimal(100 * totals.low)
        steps.append(
            AllocationStep(
                pool.rule_note,
                pool.rule_citation,
                f"{format_money(pool.available)} × {format_money(entitlement.low)} / "
                f"{format_money(pool.requested)} = {_exact_share(exact)} → "
                f"{format_money(share)} 元 (floored to the fen; leftover fen by largest "
                "remainder, ties by applicant_id)",
            )
        )
        status, low, high = "definite", share, share
    elif share is not None:
        steps.append(
            AllocationStep("not pro-rated", pool.rule_citation, f"{format_money(share)} 元")
        )
        status, low, high = "definite", share, share
    elif pool.status == "not_exceeded":
        status, low, high = "entitlement_undetermined", entitlement.low, entitlement.high
        steps.append(AllocationStep("not pro-rated", pool.rule_citation, _show(entitlement)))
    else:
        status = {"blocked": "blocked", "review": "review"}.get(pool.status, "pool_undetermined")  # type: ignore[assignment]
        low, high = _share_bounds(applicant_id, entitlements, available, pool, status)
        steps.append(AllocationStep(pool.rule_note, pool.rule_citation, pool.reason))
    return Allocation(
        applicant_id,
        claim.policy_id,
        claim.programme_id,
        claim.outcome,
        entitlement,
        claim.pool_id,
        status,
        share if status == "definite" else None,
        low,
        high,
        tuple(steps),
    )


def _exact_share(value: Decimal) -> str:
    """The exact share before flooring: to four places, "…" when it goes on."""
    shown = value.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    return f"{shown:,}" + ("…" if shown != value else "")


def _share_bounds(
    applicant_id: str,
    entitlements: dict[str, Entitlement],
    available: int,
    pool: PoolOutcome,
    status: str,
) -> tuple[Decimal | None, Decimal | None]:
    """What the share is at least and at most, whatever the undetermined entitlements turn out
    to be: share = e × min(1, pool / (e + others)) grows with e and shrinks with the others,
    so the bounds come from the extreme cases (floored and ceiled to the fen)."""
    if status == "review":
        return None, None
    own = entitlements[applicant_id]
    others_low = fen_count(pool.requested) - fen_count(own.low)
    others_high = None
    if pool.requested_high is not None and own.high is not None:
        others_high = fen_count(pool.requested_high) - fen_count(own.high)
    low_fen = 0
    if others_high is not None:
        e = fen_count(own.low)
        low_fen = e if e + others_high <= available else available * e // (e + others_high)
    if own.high is None:
        high_fen = available
    else:
        e = fen_count(own.high)
        high_fen = e if e + others_low <= available else -(-available * e // (e + others_low))
        high_fen = min(high_fen, e)
    return from_fen(low_fen), from_fen(high_fen)
