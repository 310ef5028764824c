"""Text output never carries a raw control, bidi or separator character taken from an input file
(reliability review 2026-12, finding 5 "Output forging", figure 1c: 33 of 33 reached stdout raw).

Each of the review's 11 characters is put into the applicant's name, its id and a record id of a
real example, which is checked with `--explain` through the real command line (in process); the
character must not appear in stdout or stderr, and its escape must (so the text is shown, not
dropped). JSON output stays exact: the value round-trips through `json.loads`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eligibility.commands import check_main
from eligibility.facts.paths import visible
from eligibility.render.text import error_lines, plain

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "chongqing" / "cap-binds.json"
POLICY = ["--policy", "policies/chongqing-2024.policy"]

# The review's 11: ESC, CR, LF, NUL, BEL, BS, DEL, NEL, LINE SEPARATOR, RLO, and C1 CSI.
HOSTILE = {
    "\x1b": "\\x1b",
    "\r": "\\x0d",
    "\n": "\\x0a",
    "\x00": "\\x00",
    "\x07": "\\x07",
    "\x08": "\\x08",
    "\x7f": "\\x7f",
    "\x85": "\\x85",
    "\u2028": "\\u2028",
    "\u202e": "\\u202e",
    "\x9b": "\\x9b",
}


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")


def _with(field: str, text: str) -> dict:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    if field == "record_id":
        doc["applicant"]["ip_contracts"][0]["record_id"] = text
    else:
        doc["applicant"][field] = text
    return doc


def _explain(doc: dict, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = check_main([str(path), "--explain", *POLICY])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


@pytest.mark.parametrize("field", ["name", "applicant_id", "record_id"])
@pytest.mark.parametrize("char", sorted(HOSTILE), ids=lambda c: f"U+{ord(c):04X}")
def test_no_raw_control_character_reaches_text_output(
    field: str, char: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = HOSTILE[char]
    out, err = _explain(_with(field, f"X{char}[2J{char}✓ forged"), tmp_path / "a.json", capsys)
    # The same output as for a file that spelled the escape out itself: the character is
    # shown as its escape wherever the text appears, and nothing else changes (no extra line).
    spelled, _ = _explain(_with(field, f"X{shown}[2J{shown}✓ forged"), tmp_path / "b.json", capsys)
    assert out == spelled
    assert f"X{shown}[2J{shown}✓ forged" in out
    if char != "\n":  # the output's own line ends are the only newlines
        assert char not in out
    assert char not in err


@pytest.mark.parametrize("char", sorted(HOSTILE), ids=lambda c: f"U+{ord(c):04X}")
def test_json_output_keeps_the_exact_text(
    char: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "applicant.json"
    path.write_text(json.dumps(_with("applicant_id", f"X{char}Y")), encoding="utf-8")
    assert check_main([str(path), "--format", "json", *POLICY]) == 0
    out = capsys.readouterr().out
    # JSON is data: the value reads back exactly, and JSON's own escaping of C0 controls holds
    # (DEL, C1 and bidi characters are legal raw in JSON strings and are left so).
    assert json.loads(out)["applicant_id"] == f"X{char}Y"
    assert f'"applicant_id": {json.dumps(f"X{char}Y", ensure_ascii=False)}' in out


def test_error_lines_escape_what_they_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _with("record_id", "T\x1b[2J")
    doc["applicant"]["ip_contracts"][1]["record_id"] = "T\x1b[2J"
    path = tmp_path / "bad\x1b.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert check_main([str(path), *POLICY]) == 2
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert "V-DUP" in err and "T\\u001b[2J" in err


def test_visible_leaves_ordinary_text_alone() -> None:
    text = "重庆某知识产权运营服务有限公司 · 500,000.00 元 │ ├── ✓ C:\\data\u3000全角"
    assert visible(text) == text
    assert visible(visible("a\x1bb\u2066c")) == "a\\x1bb\\u2066c"  # idempotent


def test_every_segment_of_an_error_report_is_escaped() -> None:
    from eligibility.facts.model import InputError

    lines = error_lines((InputError("V-TYPE", "$.x", "got \u202eevil"),), "f\r.json")
    text = plain(lines)
    assert "\u202e" not in text and "\r" not in text
    assert "\\u202eevil" in text and "f\\x0d.json" in text
