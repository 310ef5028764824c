"""Shared pytest configuration: the repository root on sys.path (for `tests.support`) and the
switch that regenerates golden files instead of comparing against them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/golden/**/*.expected from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when goldens are to be rewritten: `--update-goldens` or UPDATE_GOLDENS=1."""
    return bool(request.config.getoption("--update-goldens")) or os.environ.get(
        "UPDATE_GOLDENS", ""
    ) not in ("", "0")
