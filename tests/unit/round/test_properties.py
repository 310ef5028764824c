"""Property tests of the round's pools (hypothesis): shares never exceed the pool or an
entitlement, add up to the pool exactly when pro-rated, pro-rate only when Σ > pool, do not
depend on the order of the applications, and a larger pool never gives anyone less (up to the
one fen largest remainder may move: the Alabama paradox)."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.round.allocate import allocate_round
from eligibility.round.model import (
    ApplicantInput,
    ApplicantLimit,
    Entitlement,
    InputProblem,
    InvalidApplication,
    LimitMembership,
    ProgrammeClaim,
    RecordClaim,
    RoundInput,
    RoundOutcome,
)
from tests.unit.round.support import POLICY, POOL_ID, PROGRAMME, applicant, pool

_fen = st.integers(min_value=0, max_value=80_000_000)  # up to 80万元, in fen
_entitlements = st.dictionaries(
    st.text(alphabet="abcdefgh0123", min_size=1, max_size=4), _fen, min_size=1, max_size=25
)
_pool_fen = st.integers(min_value=0, max_value=500_000_000)


def _round(entitlements: dict[str, int], pool_fen: int, shuffle_seed: int = 0) -> RoundOutcome:
    applicants = [applicant(k, str(Decimal(v) / 100)) for k, v in entitlements.items()]
    random.Random(shuffle_seed).shuffle(applicants)
    return allocate_round(
        RoundInput(tuple(applicants), (pool(str(Decimal(pool_fen) / 100), cap=None),))
    )


def _shares(outcome: RoundOutcome) -> dict[str, Decimal]:
    shares = {a.applicant_id: a.share for a in outcome.allocations}
    assert all(share is not None for share in shares.values())
    return {k: v for k, v in shares.items() if v is not None}


@settings(max_examples=150, deadline=None)
@given(_entitlements, _pool_fen)
def test_shares_stay_within_pool_and_entitlements(
    entitlements: dict[str, int], pool_fen: int
) -> None:
    outcome = _round(entitlements, pool_fen)
    shares = _shares(outcome)
    available = Decimal(pool_fen) / 100
    assert sum(shares.values()) <= available
    for key, share in shares.items():
        assert Decimal(0) <= share <= Decimal(entitlements[key]) / 100
        assert share == share.quantize(Decimal("0.01"))


@settings(max_examples=150, deadline=None)
@given(_entitlements, _pool_fen)
def test_prorated_exactly_when_exceeded_and_then_adds_up(
    entitlements: dict[str, int], pool_fen: int
) -> None:
    outcome = _round(entitlements, pool_fen)
    (result,) = outcome.pools
    exceeded = sum(entitlements.values()) > pool_fen
    assert result.prorated is exceeded
    shares = _shares(outcome)
    if exceeded:
        assert sum(shares.values()) == Decimal(pool_fen) / 100
        assert result.allocated == Decimal(pool_fen) / 100
    else:
        assert shares == {k: Decimal(v) / 100 for k, v in entitlements.items()}


@settings(max_examples=100, deadline=None)
@given(_entitlements, _pool_fen, st.integers(min_value=1, max_value=10**6))
def test_the_order_of_applications_does_not_matter(
    entitlements: dict[str, int], pool_fen: int, seed: int
) -> None:
    assert _round(entitlements, pool_fen, 0) == _round(entitlements, pool_fen, seed)


@settings(max_examples=150, deadline=None)
@given(_entitlements, _pool_fen, st.integers(min_value=0, max_value=100_000_000))
def test_a_larger_pool_never_gives_anyone_less(
    entitlements: dict[str, int], pool_fen: int, more: int
) -> None:
    """Up to one fen: largest remainder (R4) is not house-monotone (the Alabama paradox,
    Balinski–Young), so a larger pool can move a leftover fen away from someone; the floored
    exact share, which every share is at least, never decreases."""
    smaller = _shares(_round(entitlements, pool_fen))
    larger = _shares(_round(entitlements, pool_fen + more))
    assert all(larger[k] >= smaller[k] - Decimal("0.01") for k in entitlements)


def test_the_alabama_paradox_costs_at_most_one_fen() -> None:
    # found by the property above: 413.79 → 415.35 元 takes a leftover fen from "00"
    entitlements = {"0": 4117862, "1": 11287, "00": 147}
    smaller = _shares(_round(entitlements, 41379))
    larger = _shares(_round(entitlements, 41379 + 156))
    assert smaller["00"] - larger["00"] == Decimal("0.01")
    assert all(larger[k] >= smaller[k] for k in ("0", "1"))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_fen, _fen, st.booleans()), min_size=1, max_size=12),
    _pool_fen,
    st.randoms(use_true_random=False),
)
def test_undetermined_entitlements_never_give_a_confident_wrong_share(
    ranges: list[tuple[int, int, bool]], pool_fen: int, rnd: random.Random
) -> None:
    """Whatever the missing facts turn out to be (a value within each range), a share the
    round calls definite is the share, and every bound holds."""
    money = [(Decimal(min(a, b)) / 100, Decimal(max(a, b)) / 100, known) for a, b, known in ranges]
    unsure = [
        applicant(f"x{n}", Entitlement.exactly(lo) if known else Entitlement(lo, hi, ("f",)))
        for n, (lo, hi, known) in enumerate(money)
    ]
    resolved = [
        applicant(
            f"x{n}", str(lo if known else Decimal(rnd.randint(int(lo * 100), int(hi * 100))) / 100)
        )
        for n, (lo, hi, known) in enumerate(money)
    ]
    available = str(Decimal(pool_fen) / 100)
    guess = allocate_round(RoundInput(tuple(unsure), (pool(available, cap=None),)))
    truth = {
        a.applicant_id: a.share
        for a in allocate_round(
            RoundInput(tuple(resolved), (pool(available, cap=None),))
        ).allocations
    }
    for allocation in guess.allocations:
        actual = truth[allocation.applicant_id]
        assert actual is not None
        if allocation.status == "definite":
            assert allocation.share == actual
        if allocation.share_low is not None:
            assert allocation.share_low <= actual
        if allocation.share_high is not None:
            assert actual <= allocation.share_high


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(_fen, _fen, st.booleans(), st.sampled_from(["420000", "510000", None])),
        min_size=1,
        max_size=10,
    ),
    _pool_fen,
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=1, max_value=10**6),
)
def test_a_whole_round_does_not_depend_on_the_order_of_anything(
    rows: list[tuple[int, int, bool, str | None]], pool_fen: int, invalid: int, seed: int
) -> None:
    """Pools, quotas, claims and invalid applications together, shuffled."""
    quota = ApplicantLimit(
        "cq_2024.p.1", POLICY, PROGRAMME, 1, True, "province_code", None, (), "每省1个", "一"
    )
    applicants = []
    for n, (a, b, known, province) in enumerate(rows):
        low, high = Decimal(min(a, b)) / 100, Decimal(max(a, b)) / 100
        entitlement = Entitlement.exactly(low) if known else Entitlement(low, high, (f"f{n}",))
        record = RecordClaim(
            f"contract {n % 3}", "transferee_or_licensee", "T1", "$.ip_contracts[0]"
        )
        claim = ProgrammeClaim(
            POLICY,
            PROGRAMME,
            "x",
            "qualifies" if known else "undetermined",
            entitlement,
            POOL_ID,
            ("一",),
            (LimitMembership(quota.limit_id, province, True),),
            (record,),
        )
        applicants.append(ApplicantInput(f"a{n}", "", (claim,)))
    bad = [
        InvalidApplication(f"bad{n}", (InputProblem("$.x", "V-ENUM", "x"),)) for n in range(invalid)
    ]
    pools = [pool(str(Decimal(pool_fen) / 100)), pool("100", programme="other", cap=None)]

    def shuffled(items: list[Any], rnd: random.Random) -> tuple[Any, ...]:
        items = list(items)
        rnd.shuffle(items)
        return tuple(items)

    def run(rnd: random.Random) -> RoundOutcome:
        return allocate_round(
            RoundInput(
                shuffled(applicants, rnd), shuffled(pools, rnd), (quota,), shuffled(bad, rnd)
            )
        )

    assert run(random.Random(0)) == run(random.Random(seed))


@settings(max_examples=150, deadline=None)
@given(_entitlements, _pool_fen, _fen, st.integers(min_value=0, max_value=10**9))
def test_a_pool_decided_despite_an_invalid_application_does_not_depend_on_it(
    entitlements: dict[str, int], pool_fen: int, cap_fen: int, pick: int
) -> None:
    """V-BATCH: whatever the invalid application would have been entitled to (0 up to the
    programme's cap), a pool the round decides gives everyone else the same share."""
    cap, available = str(Decimal(cap_fen) / 100), str(Decimal(pool_fen) / 100)
    applicants = tuple(applicant(k, str(Decimal(v) / 100)) for k, v in entitlements.items())
    bad = InvalidApplication("~bad", (InputProblem("$.x", "V-ENUM", "x"),))
    decided = allocate_round(RoundInput(applicants, (pool(available, cap=cap),), invalid=(bad,)))
    if decided.pools[0].status == "blocked":
        return
    resolved = applicant("~bad", str(Decimal(pick % (cap_fen + 1)) / 100))
    truth = allocate_round(RoundInput((*applicants, resolved), (pool(available, cap=cap),)))
    shares = {a.applicant_id: a.share for a in truth.allocations}
    assert all(a.share == shares[a.applicant_id] for a in decided.allocations)
