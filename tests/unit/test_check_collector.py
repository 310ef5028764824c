"""`check` pauses the cyclic garbage collector only in a process of its own (the console entry
points): a test run or any caller of `check_main` in a long process keeps collecting."""

from __future__ import annotations

import gc

import pytest

from eligibility.commands import check_main
from tests.support import REPO


def test_check_main_in_process_leaves_the_collector_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert gc.isenabled()
    example = REPO / "examples" / "chongqing" / "passes-branch-a.json"
    policy = REPO / "eligibility" / "policies" / "yubei-2024.policy"
    assert check_main([str(example), "--policy", str(policy)]) == 0
    assert "yb_univ_conversion_promotion" in capsys.readouterr().out
    assert gc.isenabled()
