"""A page → PDF, printed by headless Chromium (`--print-to-pdf`), when one is installed.

Chromium lays Chinese out with the system's CJK fonts (Debian: `apt-get install chromium
fonts-noto-cjk`) and honours the page's print style (A4, a page per programme). It is an
optional program, not a Python dependency: without it, `NoPdfEngine` says what to install and
`check` exits with EXIT_NO_PDF. `ELIGIBILITY_CHROMIUM` names another binary (a Chrome, say).

The page is printed from a private temporary folder with the network shut (every host name
resolves nowhere) and a throw-away profile; the page is our own, fetches nothing and runs only
its one line of script.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 120  # seconds: a cold Chromium on a loaded machine takes a few


class NoPdfEngine(Exception):
    """No PDF engine is installed, or it failed: the message says which, and what to do."""


def chromium() -> str | None:
    """The Chromium binary to print with: `ELIGIBILITY_CHROMIUM`, else the first on PATH."""
    named = os.environ.get("ELIGIBILITY_CHROMIUM")
    if named:
        return shutil.which(named)
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def write_pdf(page: str, target: Path) -> None:
    """Print `page` (a whole HTML document) to the PDF file `target`."""
    import subprocess  # here, not at the top: every command imports this module's exception
    import tempfile

    binary = chromium()
    if binary is None:
        raise NoPdfEngine(
            "error: a PDF report needs Chromium, which is not installed "
            "(Debian/Ubuntu: apt-get install chromium fonts-noto-cjk; or set ELIGIBILITY_CHROMIUM); "
            "--report FILE.html writes the same report as a page"
        )
    with tempfile.TemporaryDirectory(prefix="eligibility-pdf-") as folder:
        source = Path(folder) / "report.html"
        source.write_text(page, encoding="utf-8")
        printed = Path(folder) / "report.pdf"
        command = [
            binary,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={printed}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to start as root otherwise
        command.append(source.as_uri())
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NoPdfEngine(f"error: Chromium could not print the report: {error}") from None
        if done.returncode != 0 or not printed.is_file():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise NoPdfEngine(
                f"error: Chromium could not print the report (exit {done.returncode}): {last}"
            )
        shutil.copyfile(printed, target)
