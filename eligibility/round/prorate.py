"""Pro-rating a pool by the largest-remainder method (rule inventory R4), in whole fen.

share_i = pool × e_i / Σe exactly, floored to the fen; the fen left over go one each to the
largest remainders, ties to the smaller `applicant_id`. The shares then add up to the pool
exactly and none exceeds its entitlement (pool < Σe, so each exact share is below e_i, and a
share whose exact value is a whole fen has remainder 0 and never receives a leftover fen).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

FEN = Decimal("0.01")


def fen_count(amount: Decimal) -> int:
    """Yuan to whole fen; the amount must already be exact to the fen (R3 ran before)."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def largest_remainder(
    available: Decimal, entitlements: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """The pro-rated shares of `available` among `entitlements` (by applicant id). Only for a
    pool that is exceeded: Σ entitlements must be strictly greater than `available` (R4)."""
    pool = fen_count(available)
    wanted = {key: fen_count(value) for key, value in entitlements.items()}
    total = sum(wanted.values())
    if not total > pool >= 0:
        raise ValueError(f"pro-rating needs 0 <= pool < Σ entitlements; got {pool} and {total}")
    floors = {key: pool * fen // total for key, fen in wanted.items()}
    remainders = {key: pool * fen % total for key, fen in wanted.items()}
    leftover = pool - sum(floors.values())
    for key in sorted(wanted, key=lambda k: (-remainders[k], k))[:leftover]:
        floors[key] += 1
    return {key: from_fen(fen) for key, fen in floors.items()}
