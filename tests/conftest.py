"""Shared pytest configuration: the repository root on sys.path (for `tests.support`), the
switch that regenerates golden files instead of comparing against them, and hypothesis's
profiles.

Property tests draw the same examples on every run (`derandomize`), so a red run means the
change broke something, not that this run's draw was unlucky: CI once failed on an example
the draws had missed for weeks. To search further, run `make explore`
(HYPOTHESIS_PROFILE=explore: new random draws on every run) and add what it finds as an
`@example`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

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
