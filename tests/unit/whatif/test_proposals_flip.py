"""Every proposal of `would_change`, applied to its applicant (`whatif.apply`), makes the
programme qualify when decided again; every `to_cap` raise brings the award to its cap.

The normal run takes a fixed sample of the shipped examples and legal test cases (each
re-decision is a pyDatalog evaluation); WHATIF_FULL=1 checks all of them
(`python -m tests.unit.whatif.flip` prints the rate and the programmes without proposal)."""

from __future__ import annotations

import os

import pytest

from tests.unit.whatif.flip import Case, cases, check, check_to_cap

SAMPLE = 6  # cases in the normal run, spread over the five documents


def _chosen() -> list[Case]:
    every = list(cases())
    if os.environ.get("WHATIF_FULL"):
        return every
    step = max(1, len(every) // SAMPLE)
    return every[::step][:SAMPLE]


@pytest.mark.parametrize("case", _chosen(), ids=lambda c: c.name)
def test_every_proposal_flips_the_outcome(case: Case) -> None:
    outcomes, _ = check(case)
    failed = [o for o in outcomes if not o.flipped]
    assert not failed, failed


@pytest.mark.parametrize("case", _chosen()[:4], ids=lambda c: c.name)
def test_every_raise_to_cap_reaches_the_cap(case: Case) -> None:
    outcomes = check_to_cap(case)
    assert all(o.flipped for o in outcomes), outcomes
