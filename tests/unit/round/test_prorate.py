"""Largest-remainder pro-rating (R4) with hand-computed numbers."""

from decimal import Decimal

import pytest

from eligibility.round.prorate import largest_remainder


def test_leftover_fen_goes_to_the_largest_remainder() -> None:
    # 100 × 50/120 = 41.666…, 100 × 30/120 = 25, 100 × 40/120 = 33.333…: floors 99.99,
    # the one fen left goes to a (0.67 fen) before c (0.33 fen)
    shares = largest_remainder(
        Decimal("100.00"), {"a": Decimal("50.00"), "b": Decimal("30.00"), "c": Decimal("40.00")}
    )
    assert shares == {"a": Decimal("41.67"), "b": Decimal("25.00"), "c": Decimal("33.33")}


def test_a_tie_goes_to_the_smaller_applicant_id() -> None:
    shares = largest_remainder(
        Decimal("100.00"), {"z": Decimal("50"), "m": Decimal("50"), "a": Decimal("50")}
    )
    assert shares == {"a": Decimal("33.34"), "m": Decimal("33.33"), "z": Decimal("33.33")}


def test_twelve_capped_institutions_share_the_cq_pool() -> None:
    # 12 × 50万 = 600万 > 500万: each 416,666.666…; 8 fen left over go to the first 8 ids
    ids = [f"org{n:02d}" for n in range(12)]
    shares = largest_remainder(Decimal("5000000"), {i: Decimal("500000") for i in ids})
    assert [shares[i] for i in ids] == [Decimal("416666.67")] * 8 + [Decimal("416666.66")] * 4
    assert sum(shares.values()) == Decimal("5000000.00")


def test_refuses_a_pool_that_is_not_exceeded() -> None:
    with pytest.raises(ValueError, match="pro-rating needs"):
        largest_remainder(Decimal("100"), {"a": Decimal("100")})
