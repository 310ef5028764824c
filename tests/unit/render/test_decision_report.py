"""`check … --report FILE.html|FILE.pdf`: the decision report (render/report.py).

The page is self-contained, carries the decision JSON `check --format json` prints (embedded so
that no input can end the element), escapes the applicant's words, says the same as the
explanation, and renders in a real browser; a PDF is printed by Chromium when it is installed,
and its absence is exit 7 with a message, never a traceback. `check` prints and exits as usual.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.commands import EXIT_NO_PDF, EXIT_OUTPUT, EXIT_USAGE, main
from eligibility.render.html import json_script
from tests.browser import EXTERNAL, dump_dom, needs_chromium, screenshot

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "chongqing" / "passes-branch-a.json"
CQ = ["--policy", str(ROOT / "policies" / "chongqing-2024.policy")]
EMBEDDED = re.compile(r'<script type="application/json" id="decision-json">(.*?)</script>', re.S)
HOSTILE = '</script><script>alert("x")</script><!-- <b>粗</b> & \u202e'


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _embedded(page: str) -> Any:
    found = EMBEDDED.findall(page)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture(scope="module")
def hostile_applicant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """passes-branch-a, renamed to something that would break a page written carelessly."""
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["applicant"]["name"] = HOSTILE
    path = tmp_path_factory.mktemp("hostile") / "hostile.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_report_is_written_and_check_prints_as_usual(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _check(capsys, str(EXAMPLE), *CQ)
    report = tmp_path / "decision.html"
    assert _check(capsys, str(EXAMPLE), *CQ, "--report", str(report)) == plain
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    for shown in (
        "资格判定报告",
        "CQ-OPS-001",
        "重庆某知识产权运营服务有限公司",
        "知识产权运营服务机构",  # the kind, by its Chinese label
        "2025-03-15",
        "8,000.00 元",
        "400,000.00 × 2% = 8,000.00",  # the amount's computation
        "cq_branchA_amount_basis",  # a switch in force
        "渝知发〔2024〕22号",
    ):
        assert shown in page, shown
    # every programme in the summary and in a section of its own, each proof folded
    sections = page.count("<section class=programme")
    assert sections == page.count('<a href="#p-') == page.count("<details><summary>证明树")


def test_the_page_fetches_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "decision.html"
    assert _check(capsys, str(EXAMPLE), "--report", str(report))[0] == 0
    page = report.read_text(encoding="utf-8")
    assert EXTERNAL.search(page) is None
    assert re.findall(r"https?://", page) == []


def test_the_embedded_json_is_the_decision_and_its_hash_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib

    _, printed, _ = _check(capsys, str(EXAMPLE), "--format", "json")
    report = tmp_path / "decision.html"
    _check(capsys, str(EXAMPLE), "--report", str(report))
    page = report.read_text(encoding="utf-8")
    assert _embedded(page) == json.loads(printed)
    for policy in json.loads(printed)["provenance"]["policies"]:
        assert policy["sha256"] in page
    digest = hashlib.sha256(printed.rstrip("\n").encode("utf-8")).hexdigest()
    assert f"<code>{digest}</code>" in page  # the JSON's hash, as check printed it


def test_the_applicant_s_words_are_escaped(
    hostile_applicant: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "decision.html"
    assert _check(capsys, str(hostile_applicant), *CQ, "--report", str(report))[0] == 0
    page = report.read_text(encoding="utf-8")
    assert page.count("<script") == 3  # the JSON and the page's two lines, no more
    outside = EMBEDDED.sub("", page)
    assert "<script>alert" not in outside and "<b>粗</b>" not in outside
    assert "<!--" not in page and "\u202e" not in outside
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in outside  # shown, as text
    assert "\\u202e" in outside  # a bidi override is shown as its escape, as in the text output
    assert _embedded(page)["results"]  # the JSON element is whole
    name = json.loads(hostile_applicant.read_text(encoding="utf-8"))["applicant"]["name"]
    assert name == HOSTILE


def test_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "decision.html"
    _check(capsys, str(EXAMPLE), *CQ, "--lang", "en", "--report", str(report))
    page = report.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Eligibility decision report" in page
    assert "qualifies" in page and _embedded(page)["lang"] == "en"


def test_a_report_that_is_neither_html_nor_pdf_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(EXAMPLE), "--report", "decision.txt"])
    assert stopped.value.code == EXIT_USAGE
    assert "FILE.html or FILE.pdf" in capsys.readouterr().err


def test_a_report_that_cannot_be_written_is_exit_5_and_nothing_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _check(capsys, str(EXAMPLE), *CQ, "--report", str(tmp_path / "no" / "r.html"))
    assert (code, out) == (EXIT_OUTPUT, "")
    assert "cannot write the output: the report" in err and "Traceback" not in err


def test_no_pdf_engine_is_exit_7_with_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELIGIBILITY_CHROMIUM", "no-such-chromium-here")
    target = tmp_path / "decision.pdf"
    code, out, err = _check(capsys, str(EXAMPLE), *CQ, "--report", str(target))
    assert (code, out) == (EXIT_NO_PDF, "")
    assert "apt-get install chromium fonts-noto-cjk" in err and "Traceback" not in err
    assert not target.exists()


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_embedded_json_cannot_end_its_element(document: Any) -> None:
    element = json_script(json.dumps(document, ensure_ascii=False), "d")
    inside = element.removeprefix('<script type="application/json" id="d">').removesuffix(
        "</script>\n"
    )
    assert "<" not in inside and ">" not in inside and "&" not in inside
    assert json.loads(inside) == document


@needs_chromium
def test_chromium_renders_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "decision.html"
    _check(capsys, str(EXAMPLE), "--report", str(report))
    dom = dump_dom(report, tmp_path)
    assert "资格判定报告" in dom and "重庆某知识产权运营服务有限公司" in dom
    assert dom.count('<section class="programme"') == report.read_text().count(
        "<section class=programme"
    )
    data = screenshot(report, tmp_path).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 50_000  # text in two scripts and tables, not a blank page
    # opening the JSON view (as a click would) fills it from the embedded element
    opened = tmp_path / "opened.html"
    opened.write_text(
        report.read_text(encoding="utf-8").replace(
            "</body>", "<script>document.getElementById('json-view').open=true</script></body>"
        ),
        encoding="utf-8",
    )
    shown = re.search(r'<pre id="json-text">(.*?)</pre>', dump_dom(opened, tmp_path), re.S)
    assert shown is not None
    assert json.loads(html.unescape(shown[1])) == _embedded(report.read_text(encoding="utf-8"))


@needs_chromium
@pytest.mark.parametrize("example", ["passes-branch-a", "undecided-open-licence"])
def test_chromium_prints_a_pdf(
    example: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    applicant = str(EXAMPLE.with_name(f"{example}.json"))
    target = tmp_path / "decision.pdf"
    code, out, _ = _check(capsys, applicant, "--report", str(target))  # every shipped policy
    assert code == 0 and out.startswith("申请人 CQ-OPS-")
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    results = json.loads(_check(capsys, applicant, "--format", "json")[1])["results"]
    programmes = sum(not r["not_applicable"] for r in results)
    # the summary, then a page or two per programme; not a table squeezed into a column a
    # character wide over dozens of pages (a long amount kept from wrapping once did that)
    assert 1 + programmes <= pages <= 4 + 2 * programmes
