"""Policy text that used to pass the checks and then crash or mislead: each is now refused
with a diagnostic, or evaluated as written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eligibility.compiler import compile_text
from eligibility.diagnostics import DiagnosticError
from eligibility.evaluate import decide
from eligibility.facts.validate import validate_document

HEADER = 'policy t "测试" document "测试〔2024〕1号"\n'


def codes(text: str) -> list[str]:
    with pytest.raises(DiagnosticError) as caught:
        compile_text(text, "t.policy")
    return [d.code for d in caught.value.diagnostics]


def decide_one(text: str, applicant: dict[str, object]) -> object:
    compiled = compile_text(text, "t.policy")
    facts = validate_document(
        {
            "schema": "eligibility.applicant/1",
            "context": {"application_date": "2024-06-01"},
            "applicant": {"applicant_id": "A1", **applicant},
        },
        "sha",
    )
    assert not isinstance(facts, tuple), facts
    (result,) = decide((compiled,), facts).results
    return result


def test_double_underscore_names_are_refused() -> None:
    # "a.1" and "a__1" would share predicate names once "." is written "__"
    text = HEADER + 'programme a__1 "x" [一] { requires "x": credit_good is true [一] }\n'
    assert "E0304" in codes(text)


def test_a_repeated_header_line_is_refused() -> None:
    text = 'policy t "测试" document "测试〔2024〕1号" issuer "甲" issuer "乙"\n'
    assert codes(text) == ["E0102"]


def test_a_second_amount_block_is_refused() -> None:
    text = HEADER + (
        'programme p "x" [一] { requires "x": credit_good is true [一]\n'
        '  amount [二] { award "a" = 1万元 }\n  amount [二] { award "b" = 2万元 } }\n'
    )
    assert "E0303" in codes(text)


def test_an_impossible_dated_is_reported() -> None:
    assert "E0206" in codes(HEADER.replace("\n", " dated 2024-02-30\n"))


def test_arithmetic_in_a_record_filter_is_refused() -> None:
    text = HEADER + (
        'records r "r" from ip_contracts [一] {\n  "x": count(items) 2件以上 [一]\n}\n'
    )
    assert "E0306" in codes(text)


def test_date_arithmetic_is_refused() -> None:
    text = HEADER + (
        'programme p "x" [一] {\n  requires "x": max(as_of, 2024-01-01) >= 2024-01-01 [一] }\n'
    )
    assert "E0207" in codes(text)


def test_a_comparison_of_two_constants_is_folded() -> None:
    text = HEADER + 'programme p "x" [一] { requires "x": 3笔 >= 2笔 [一] }\n'
    assert decide_one(text, {}).outcome == "qualifies"  # type: ignore[attr-defined]


def test_a_fixed_award_of_constants_alone_is_computed() -> None:
    text = HEADER + (
        'programme p "x" [一] { requires "x": credit_good is true [一]\n'
        '  amount [二] { award "一次性给予" = 30万元 × 1 } }\n'
    )
    result = decide_one(text, {"credit_good": True})
    assert result.amount == Decimal("300000.00")  # type: ignore[attr-defined]


def test_an_award_is_never_negative() -> None:
    text = HEADER + (
        'programme p "x" [一] { requires "x": credit_good is true [一]\n'
        '  amount [二] { award "净额" = 1万元 - 3万元 } }\n'
    )
    result = decide_one(text, {"credit_good": True})
    assert result.amount == Decimal("0.00")  # type: ignore[attr-defined]


SHARED = HEADER + (
    'conditions general = all "注册在本市，经营状态正常" [第二条] {\n'
    '  "经营状态正常": operating_status_normal is true\n}\n'
)


def test_shared_conditions_are_resolved_in_each_programme() -> None:
    text = SHARED + (
        'programme p "p" [一] { requires @general }\nprogramme q "q" [一] { requires @general }\n'
    )
    compiled = compile_text(text, "t.policy")
    labels = [p.condition.children[-1].meta for p in compiled.policy.programmes]
    assert [m.label for m in labels] == ["注册在本市，经营状态正常"] * 2
    assert [m.node_id for m in labels] == ["p.1", "q.1"]
    assert all(m.citation == "测试〔2024〕1号 第二条" for m in labels)


def test_an_unknown_shared_name_is_refused() -> None:
    assert "E0201" in codes(SHARED + 'programme p "p" [一] { requires @genral }\n')


def test_a_citation_is_an_article_not_a_reading() -> None:
    text = HEADER + 'programme p "p" [一] { requires "x": credit_good is true [第十条; A-30] }\n'
    assert "E0305" in codes(text)


_GRACE = HEADER + (
    'records grace "宽限期" from construction_periods [一] {\n'
    '  "宽限期结束于本年度或之后": year(acceptance_date) + 1 >= assessment_year [一]\n'
    "}\n"
    'programme p "x" [一] {\n  requires "在宽限期内": exists grace [一] }\n'
)


@pytest.mark.parametrize(
    ("accepted", "outcome"),
    [("2023-01-01", "qualifies"), ("2022-12-31", "does_not_qualify")],
)
def test_a_year_shifted_by_whole_years_in_a_record_filter(accepted: str, outcome: str) -> None:
    """CQ 第十五条: a grace year from the acceptance date ends in the next year, so a failed
    acceptance in 2023 reaches 2024 and one on 2022-12-31 does not."""
    periods = [{"start": "2021-01-01", "end": "2022-06-30", "acceptance_date": accepted}]
    applicant = {"construction_periods": periods}
    result = decide_one(_GRACE, applicant)  # assessment year: that of 2024-06-01
    assert result.outcome == outcome  # type: ignore[attr-defined]


def test_only_a_year_plus_a_constant_is_allowed_in_a_record_filter() -> None:
    shifted_field = _GRACE.replace("year(acceptance_date) + 1", "year(acceptance_date) + year(end)")
    assert "E0306" in codes(shifted_field)
    money = _GRACE.replace("year(acceptance_date) + 1 >= assessment_year", "1元 + 1元 >= 1元")
    assert "E0306" in codes(money)
