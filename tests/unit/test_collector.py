"""`collector.pausing`: the cyclic collector off while the function runs, then as it was, also
when the function raises; the stages it wraps leave a long process collecting."""

from __future__ import annotations

import gc

import pytest

from eligibility.collector import pausing
from eligibility.facts.jsontext import parse_json


@pausing
def _collecting() -> bool:
    return gc.isenabled()


@pausing
def _fails() -> None:
    assert not gc.isenabled()
    raise ValueError("inside")


def test_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    assert _collecting() is False
    assert gc.isenabled()


def test_resumed_after_an_exception() -> None:
    with pytest.raises(ValueError, match="inside"):
        _fails()
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        assert _collecting() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_wrapped_stage_leaves_the_collector_on() -> None:
    assert parse_json(b'{"applicant": {}}') == {"applicant": {}}
    assert gc.isenabled()
