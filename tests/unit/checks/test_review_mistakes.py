"""The authoring mistakes of the new-user review (reviews/2026-12/newuser-ecosystem.md §3.4:
M1-M22 and the silent S5, S6, S9), each a one-line change to the reviewer's policy: every one
gets a diagnostic with its code and a help that says the fix (the review rated them 1-5; a
generic "unexpected …" with a token list was a 3, silence a 1).

The reviewer criterion is declared (a `facts` block, as the policy must now), so that its typo
(S7) is an error too."""

from __future__ import annotations

import pytest

from eligibility.checks import lint

BASE = """# 徐汇区知识产权贯标奖励（示例，虚构文件）
policy xh_2025 "徐汇区企业知识产权贯标奖励办法"
  document "徐知发〔2025〕8号"
  issuer "上海市徐汇区知识产权局"
  dated 2025-01-02
  in force from 2025-01-02 until 2027-12-31 [第八条]
  applicant organisation [第二条]
  jurisdiction "在徐汇区注册的企业": registered_region within 310104 [第二条]

facts {
  criterion xh3_guanbiao_certified "通过《企业知识产权管理规范》贯标认证" [第三条]
}

records awards_this_year "本年度已获本项奖励" from prior_awards [第五条] {
  "本项目": programme_id in {xh_guanbiao_award}
  "本年度": year = assessment_year
}

programme xh_guanbiao_award "贯标认证一次性奖励" [第三条] {
  requires "企业": legal_form in {company, partnership, sole_proprietorship} [第二条]
  requires "通过《企业知识产权管理规范》贯标认证": attested xh3_guanbiao_certified [第三条]
  excluded when "被列入失信名单的，不予支持": credit_good is false [第四条]
  excluded when "同一企业每年最多申报一次": exists awards_this_year [第五条]
  amount [第三条] {
    award "给予5万元一次性奖励" = 5万元
  }
}
"""

_PROGRAMME_CLOSE = '    award "给予5万元一次性奖励" = 5万元\n  }\n}'
MISTAKES = [
    ("M01", "credit_good is false", "credit_godd is false", "E0204", "did you mean `credit_good`?"),
    ("M02", "= 5万元", "= 5万", "E0105", "5万元"),
    ("M03", "= 5万元", "= 50000", "E0207", "`50000元`"),
    ("M04", "sole_proprietorship} [第二条]", "sole_proprietorship}", "E0301", "cite the article"),
    ("M05", _PROGRAMME_CLOSE, _PROGRAMME_CLOSE[:-2], "E0106", "add `}`"),
    ("M06", "year = assessment_year", "year(year = assessment_year", "E0106", "`)`"),
    ("M07", '"企业": legal_form', '"企业"：legal_form', "E0104", "use ： → :"),
    ("M08", "[第四条]", "【第四条】", "E0104", "use 【 → ["),
    ("M09", '"企业": legal_form', "“企业”: legal_form", "E0104", '"企业"'),
    ("M10", "{company, partnership,", "{company，partnership,", "E0104", "use ， → ,"),
    ("M11", "{company, partnership,", "{company, partnrship,", "E0203", "`partnership`"),
    ("M12", "credit_good is false", "信用良好 is false", "E0101", "`credit_good`"),
    ("M13", 'excluded when "被列入', 'exclude when "被列入', "E0101", "`excluded`"),
    (
        "M14",
        "legal_form in {company, partnership, sole_proprietorship} [第二条]",
        "legal_form in {company} and credit_good is true [第二条]",
        "E0101",
        "`all { … }`",
    ),
    (
        "M15",
        '"本年度": year = assessment_year',
        '"本年度": year 以上 2025年',
        "E0101",
        "以上 follows",
    ),
    ("M17", "from prior_awards", "from prior_award", "E0201", "`prior_awards`"),
    ("M18", "in force from 2025-01-02", "in force from 2025/01/02", "E0101", "2025-01-02"),
    ("M19", "= 5万元\n", "= 5万元\n    at most 1次\n", "E0207", ""),
    (
        "M20",
        'requires "企业": legal_form',
        'requires "已获奖励不超过10万元": sum(awards_this_year.amount) <= 100000 [第五条]\n'
        '  requires "企业": legal_form',
        "E0207",
        "`100000元`",
    ),
    ("M21", '"给予5万元一次性奖励"', '"给予5万元\n一次性奖励"', "E0107", "one line"),
    ("M22", "registered_region within", "operating_regions within", "E0205", "`some"),
    ("S5", "= 5万元", "= 50万元", "W0401", "correct the value or the label"),
    ("S6", "{xh_guanbiao_award}", "{xh_guanbiao_awrd}", "W0403", "`xh_guanbiao_award`"),
    (
        "S7",
        "attested xh3_guanbiao_certified",
        "attested xh3_guanbiao_certifed",
        "E0209",
        "`xh3_guanbiao_certified`",
    ),
    ("S9", "credit_good is false", "credit_good is true", "W0404", "`credit_good is false`"),
]


def test_the_base_policy_is_clean() -> None:
    assert lint(BASE, "example.policy") == ()


@pytest.mark.parametrize(
    ("name", "old", "new", "code", "fix"), MISTAKES, ids=[m[0] for m in MISTAKES]
)
def test_mistake_gets_its_code_and_fix(name: str, old: str, new: str, code: str, fix: str) -> None:
    assert old in BASE
    found = lint(BASE.replace(old, new, 1), "example.policy")
    assert [d.code for d in found] == [code]
    assert fix in found[0].help


def test_record_set_used_before_its_definition() -> None:
    start, end = BASE.index("records awards_this_year"), BASE.index("programme xh_guanbiao_award")
    moved = BASE[:start] + BASE[end:] + "\n" + BASE[start:end]
    (found,) = lint(moved, "example.policy")
    assert found.code == "E0201"
    assert "move its definition above this use" in found.help
