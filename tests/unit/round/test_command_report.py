"""report.html: self-contained (nothing fetched from elsewhere), the same figures as round.json,
and rendered by a real browser (headless Chromium; skipped with the reason when it is absent:
`.ci/run` installs the Debian packages chromium and fonts-noto-cjk)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eligibility.commands import main
from tests.browser import EXTERNAL, dump_dom, needs_chromium, screenshot

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "rounds" / "invalid-blocks-one-pool" / "round.yaml"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("round")
    assert main(["round", str(EXAMPLE), "--out", str(out)]) == 1  # the invalid application
    return out


def test_the_page_fetches_nothing(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    assert EXTERNAL.search(page) is None
    # the only URL is the SVG namespace, which is a name, never fetched
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}


def test_the_page_shows_the_round_s_figures(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    summary = json.loads((report / "round.json").read_text(encoding="utf-8"))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert summary["title"] in page
    assert page.count("<svg") == 1 and page.count("<rect") == 2 * len(summary["pools"])
    for applicant in ("CQ-R7-A", "YB-R7-U1", "YB-R7-U2"):
        assert f'id="a-{applicant}"' in page
    assert page.count("<details>") == 3  # one per decided applicant, folded
    assert "$.applicant.ip_contracts[0].registered_contract_amount" in page  # the refused one
    assert "8,000.00" in page  # CQ-R7-A's award
    assert "暂停 blocked (V-BATCH)" in page


@needs_chromium
def test_chromium_renders_the_page(report: Path, tmp_path: Path) -> None:
    dom = dump_dom(report / "report.html", tmp_path)
    assert "评审结果报告 Round report" in dom
    assert dom.count("<details") == 3
    data = screenshot(report / "report.html", tmp_path).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a rendered page with text and a chart, not a blank image
