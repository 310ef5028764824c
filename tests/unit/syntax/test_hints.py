"""The syntax mistakes named by `syntax.hints`: each gets its own code, the caret at the
character at fault and the fix; near misses keep the generic E0101."""

from __future__ import annotations

import pytest

from eligibility.diagnostics import Diagnostic, DiagnosticError
from eligibility.syntax.hints import FULL_WIDTH
from eligibility.syntax.parser import parse_policy

HEADER = 'policy t "测试"\n  document "渝知发〔2024〕22号"\n  applicant organisation\n\n'
REQUIRE = 'programme p "测试" [第九条] {\n  requires "信用良好": credit_good is true [第九条]\n'


def error(text: str) -> Diagnostic:
    with pytest.raises(DiagnosticError) as caught:
        parse_policy(HEADER + text, "s.policy")
    (diagnostic,) = caught.value.diagnostics
    return diagnostic


@pytest.mark.parametrize(
    ("ascii", "wide"),
    [(":", "："), (",", "，"), ("[", "【"), ("{", "｛"), ("=", "＝")],
)
def test_full_width_punctuation(ascii: str, wide: str) -> None:
    text = {
        ":": REQUIRE.replace('"信用良好":', '"信用良好"：') + "}\n",
        ",": 'values v "x" = {company， partnership}\n',
        "[": REQUIRE.replace("is true [第九条]", "is true 【第九条】") + "}\n",
        "{": 'values v "x" = ｛company}\n',
        "=": 'values v "x" ＝ {company}\n',
    }[ascii]
    found = error(text)
    assert found.code == "E0104"
    line = (HEADER + text).split("\n")[found.span.line - 1]
    assert line[found.span.column - 1] == wide
    assert found.help == f"use {wide} → {FULL_WIDTH[wide]}"


def test_curly_quotes_name_the_label() -> None:
    found = error(REQUIRE.replace('"信用良好"', "“信用良好”") + "}\n")
    assert (found.code, found.help) == (
        "E0104",
        'write the label in ASCII double quotes: "信用良好"',
    )
    assert found.span.end_column - found.span.column == len("“信用良好”")


@pytest.mark.parametrize("unit", ["万", "亿"])
def test_wan_without_yuan(unit: str) -> None:
    text = REQUIRE + f'  amount [第十条] {{\n    award "奖励" = 5{unit}\n  }}\n}}\n'
    found = error(text)
    assert found.code == "E0105"
    assert found.help.startswith(f"5{unit} needs a unit: 5{unit}元")


def test_yuan_is_fine() -> None:
    parse_policy(HEADER + REQUIRE + '  amount [第十条] {\n    award "奖励" = 5万元\n  }\n}\n', "s")


def test_unclosed_brace_at_the_end_points_at_the_last_opener() -> None:
    found = error(REQUIRE)
    assert (found.code, found.span.line) == ("E0106", 5)


def test_unclosed_brace_found_by_indentation() -> None:
    text = REQUIRE + '  amount [第十条] {\n    award "奖励" = 5万元\n}\n'
    found = error(text)
    assert (found.code, found.span.line) == ("E0106", 7)
    assert "line 9" in found.help


def test_unclosed_block_before_the_next_programme() -> None:
    text = (
        REQUIRE
        + '\nprogramme q "测试" [第九条] {\n  requires "x": credit_good is true [第九条]\n}\n'
    )
    found = error(text)
    assert (found.code, found.span.line) == ("E0106", 5)


def test_braces_inside_labels_and_citations_do_not_count() -> None:
    text = REQUIRE.replace('"信用良好"', '"信用{良好"') + "}\n"
    parse_policy(HEADER + text, "s.policy")


def test_unclosed_paren() -> None:
    found = error(
        'records r "x" from prior_awards [第五条] {\n  "本年度": year(year = assessment_year\n}\n'
    )
    assert (found.code, found.message) == ("E0106", "this `(` is never closed")


def test_unclosed_label() -> None:
    found = error(REQUIRE.replace('"信用良好":', '"信用良好\n":') + "}\n")
    assert found.code == "E0107"


@pytest.mark.parametrize(
    ("written", "help_has"),
    [
        ("exclude when", "did you mean `excluded`?"),
        ("requires", None),
    ],
)
def test_keyword_typo(written: str, help_has: str | None) -> None:
    text = REQUIRE + f'  {written} "x": fraud_debarment is true [第九条]\n}}\n'
    if help_has is None:
        parse_policy(HEADER + text, "s.policy")
        return
    found = error(text)
    assert (found.code, found.help) == ("E0101", help_has)


@pytest.mark.parametrize(("word", "group"), [("and", "all"), ("或者", "any"), ("和", "all")])
def test_connectives_suggest_a_group(word: str, group: str) -> None:
    text = REQUIRE.replace("is true [第九条]", f"is true {word} fraud_debarment is false [第九条]")
    found = error(text + "}\n")
    assert found.code == "E0101"
    assert f"`{group} {{ … }}`" in found.help


def test_postfix_word_before_its_number() -> None:
    text = REQUIRE.replace("credit_good is true", "assessment_year 以上 2025年") + "}\n"
    found = error(text)
    assert "以上 follows a number" in found.help


def test_chinese_field_name_suggests_the_field() -> None:
    found = error(REQUIRE.replace("credit_good is true", "经营状态正常 is true") + "}\n")
    assert found.help.endswith("did you mean `operating_status_normal`?")
