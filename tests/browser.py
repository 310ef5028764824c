"""Headless Chromium for the tests of our HTML pages (the round's report.html, a check's
decision report): find it, load a page offline, dump its DOM, take a screenshot. Tests that use
it skip with the reason when Chromium is absent (`.ci/run` installs the Debian packages chromium
and fonts-noto-cjk).

The page is loaded with every host name resolving nowhere, so a page that needed the network
would show it; and with a throw-away profile in the test's temporary folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: chromium)"
)
# Anything that would make the browser fetch: a src or href (other than an in-page #anchor),
# a stylesheet url(), an @import, a <link>, a base or a meta refresh. (The optional quote is
# inside the look-ahead: outside it, `href="#a"` matched by taking no quote.)
EXTERNAL = re.compile(
    r"""\bsrc\s*=|\bhref\s*=\s*(?!["']?#)|url\(|@import|<link\b|<base\b|http-equiv""", re.I
)


def _command(tmp_path: Path) -> list[str]:
    assert CHROMIUM is not None
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]


def dump_dom(page: Path, tmp_path: Path) -> str:
    """The DOM after the page's scripts ran, as Chromium serialises it."""
    done = subprocess.run(
        [*_command(tmp_path), "--dump-dom", page.resolve().as_uri()],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(page: Path, tmp_path: Path, size: str = "1200,1600") -> Path:
    """A PNG of the page's first `size` pixels (width,height)."""
    shot = tmp_path / f"{page.stem}.png"
    subprocess.run(
        [
            *_command(tmp_path),
            f"--window-size={size}",
            f"--screenshot={shot}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return shot
