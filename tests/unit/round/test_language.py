"""The policy language's round declarations: `pool … pro rata [article]` and the applicant
limits `at most N applicants [per FIELD] [unless FIELD in {…}]` / `about N applicants`."""

from __future__ import annotations

import pytest

from eligibility.compiler import compile_text
from eligibility.diagnostics import DiagnosticError, render_all

HEADER = 'policy t "测试" document "测试〔2024〕1号"\n'


def _programme(body: str) -> str:
    return HEADER + f'programme p "x" [一] {{\n  requires "x": credit_good is true [一]\n{body}}}\n'


def test_a_quota_per_province_with_an_exemption_compiles_to_the_ir() -> None:
    text = _programme(
        "  at most 1 applicant per province_code unless city_kind in {separately_planned_city}\n"
        '    "每个省可推荐1个城市" [四（一）1]\n'
    )
    (limit,) = compile_text(text, "t.policy").policy.programmes[0].applicant_limits
    assert (limit.maximum, limit.hard, limit.per_field) == (1, True, "province_code")
    assert (limit.unless_field, limit.unless_values) == ("city_kind", ("separately_planned_city",))
    assert limit.citation == "测试〔2024〕1号 四（一）1"
    assert limit.label == "每个省可推荐1个城市"


def test_among_names_a_bool_fact_of_the_applicant() -> None:
    text = _programme("  at most 1 applicant per province_code among recommended_by_province\n")
    (limit,) = compile_text(text, "t.policy").policy.programmes[0].applicant_limits
    assert limit.among_field == "recommended_by_province"
    with pytest.raises(DiagnosticError) as caught:
        compile_text(_programme("  at most 1 applicant among province_code\n"), "t.policy")
    assert [d.code for d in caught.value.diagnostics] == ["E0202"]


def test_about_is_guidance_and_inherits_the_programmes_article() -> None:
    (limit,) = (
        compile_text(_programme("  about 8 applicants\n"), "t.policy")
        .policy.programmes[0]
        .applicant_limits
    )
    assert (limit.maximum, limit.hard, limit.citation) == (8, False, "测试〔2024〕1号 一")
    assert limit.label == "约8个申请人"


def test_an_unknown_key_is_a_diagnostic_with_a_caret() -> None:
    text = _programme("  at most 1 applicant per provence_code [一]\n")
    with pytest.raises(DiagnosticError) as caught:
        compile_text(text, "t.policy")
    shown = render_all(caught.value)
    assert "E0204" in shown and "unknown applicant field `provence_code`" in shown
    assert "^^^^^^^^^^^^^" in shown and "province_code" in shown  # the caret and the suggestion


def test_an_unknown_exempting_value_is_a_diagnostic() -> None:
    text = _programme("  at most 1 applicant per province_code unless city_kind in {big_city}\n")
    with pytest.raises(DiagnosticError) as caught:
        compile_text(text, "t.policy")
    assert "`big_city` is not a value of `city_kind`" in render_all(caught.value)


def test_a_count_of_applicants_is_a_whole_number() -> None:
    with pytest.raises(DiagnosticError) as caught:
        compile_text(_programme("  at most 1.5 applicants\n"), "t.policy")
    assert [d.code for d in caught.value.diagnostics] == ["E0207"]


def test_a_list_field_cannot_key_a_quota() -> None:
    with pytest.raises(DiagnosticError) as caught:
        compile_text(_programme("  at most 1 applicant per operating_regions\n"), "t.policy")
    assert "E0205" in [d.code for d in caught.value.diagnostics]


def test_a_pool_says_whether_the_text_orders_pro_rata() -> None:
    text = _programme(
        '  amount { award "x" = 1万元 pool 500万元 "总额" [第十条] pro rata [第十条] }\n'
    )
    pool = compile_text(text, "t.policy").policy.programmes[0].amount.pool  # type: ignore[union-attr]
    assert pool is not None and pool.prorata == "测试〔2024〕1号 第十条"
    silent = compile_text(_programme('  amount { award "x" = 1万元 pool 500万元 }\n'), "t.policy")
    assert silent.policy.programmes[0].amount.pool.prorata == ""  # type: ignore[union-attr]
