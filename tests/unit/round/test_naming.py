"""A pool's reason and a quota's message name at most NAMED applicants: they are copied into
the steps of every applicant they concern, so a round's decisions must not grow with the
square of its applicants. The issue and the pool still list every one."""

from __future__ import annotations

from decimal import Decimal

from eligibility.round.allocate import allocate_round
from eligibility.round.model import Entitlement, RoundInput
from eligibility.round.naming import NAMED, named
from tests.unit.round.support import applicant, pool
from tests.unit.round.test_limits_and_claims import _city, _issues


def test_a_few_are_all_named_and_many_are_counted() -> None:
    assert named(["a", "b"]) == "a, b"
    assert named([]) == ""
    many = [f"x{n:03d}" for n in range(NAMED + 7)]
    assert named(many) == ", ".join(many[:NAMED]) + ", and 7 more"
    assert named(many, "; ").endswith("; and 7 more")


def test_an_undetermined_pool_of_many_names_a_few_in_each_step() -> None:
    unsure = Entitlement(Decimal("0.00"), Decimal("500000"), ("credit_good",))
    ids = [f"u{n:04d}" for n in range(200)]
    round_input = RoundInput(
        (applicant("a", "4800000"), *(applicant(i, unsure) for i in ids)),
        (pool("5000000", cap=None),),
    )
    outcome = allocate_round(round_input)
    (result,) = outcome.pools
    assert result.status == "undetermined"
    assert result.applicants == ("a", *ids)  # every one, in round.json
    assert "u0000 (credit_good)" in result.reason and "u0019 (credit_good)" in result.reason
    assert "u0020" not in result.reason and result.reason.endswith("; and 180 more")
    for allocation in outcome.allocations:  # each step carries the short reason, not 200 names
        assert all(len(step.computation) < 1_000 for step in allocation.steps)


def test_a_quota_exceeded_by_many_lists_them_all_and_names_a_few() -> None:
    cities = [_city(f"c{n:03d}", "44") for n in range(50)]
    (issue,) = _issues(*cities)
    assert (issue.severity, issue.code) == ("error", "R-QUOTA")
    assert issue.applicants == tuple(f"c{n:03d}" for n in range(50))
    assert "50 applicants qualify (c000, " in issue.message
    assert "c019, and 30 more)" in issue.message and "c020" not in issue.message
