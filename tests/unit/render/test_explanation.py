"""The explanation a reviewer reads: Chinese by default, English on request, the document's
title once, article-only citations, lines that fit the width, a decided `any` showing the
branch that decided, records summarised, an undecided record saying what it lacks, and the
JSON's labels agreeing with the text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from eligibility.compiler import load_policy
from eligibility.decision.proof import Decision, ProgrammeResult
from eligibility.evaluate import decide
from eligibility.render.json import decision_json
from eligibility.render.text import (
    explain_blocks,
    plain_blocks,
    programme_tree_text,
    summary_lines,
)
from eligibility.render.wording import wording
from tests.support import applicant, chongqing, contracts_totalling, document, load_example
from tests.unit.decision.test_undecided_records import unlisted_licensor_licence

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = "渝知发〔2024〕22号"


@cache
def _undecided() -> Decision:
    """Branch A met by three transfers; O1's licensor is of no listed kind and not accepted."""
    records = contracts_totalling("500000.00", 3) + [unlisted_licensor_licence("O1", "100000.00")]
    return decide((chongqing(),), applicant(document(records)))


@cache
def _example(name: str) -> Decision:
    return decide((chongqing(),), load_example(ROOT / "examples" / "chongqing" / name))


def _operation(decision: Decision) -> ProgrammeResult:
    return next(r for r in decision.results if r.programme == "cq_operation_performance_subsidy")


def _text(decision: Decision, lang: str = "zh", width: int = 100) -> str:
    return plain_blocks(explain_blocks(decision, lang), width)  # type: ignore[arg-type]


def test_chinese_is_the_default_and_uses_the_chinese_labels_of_codes() -> None:
    text = _text(_example("all-branches-fail.json"))
    assert "结果：不符合" in text
    assert "不符合" in text and "does not qualify" not in text
    assert "市场主体：公司" in text  # legal_form = company, by its label
    assert "运营中心类型：无；要求：属于{综合性}" in text
    assert "required" not in text and "not counted" not in text


def test_english_on_request_keeps_the_codes() -> None:
    text = _text(_example("all-branches-fail.json"), "en")
    assert "outcome: does not qualify" in text
    assert "legal_form = company" in text
    assert "cq_centre_type = none — required: in {comprehensive}" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_title_is_shown_once_and_citations_name_the_article_only(lang: str) -> None:
    text = _text(_example("passes-branch-a.json"), lang)
    assert text.count(DOCUMENT) == 1
    assert ("［第十条］" if lang == "zh" else "[第十条]") in text


@pytest.mark.parametrize("width", [60, 100])
def test_every_line_fits_the_width(width: int) -> None:
    text = _text(_example("undecided-open-licence.json"), "zh", width)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "…" not in text  # folded under the node, never cut off


def test_a_decided_any_shows_the_branch_that_decided_and_folds_the_others() -> None:
    text = _text(_example("passes-branch-a.json"), width=10_000)
    assert "├── ✓ 促成知识产权交易3笔以上，且交易金额50万元以上" in text
    assert "另有2项可选情形，本结论无需：促成知识产权质押融资1000万元以上" in text
    assert "✗ 促成知识产权质押融资1000万元以上" not in text


def test_an_undecided_record_says_what_it_lacks() -> None:
    missing = "ip_contracts[O1].reviewer_attestations.cq11_3_licensor_accepted"
    zh = _text(_undecided(), width=10_000)
    en = _text(_undecided(), "en", width=10_000)
    assert "待定：O1，缺少：" in zh and missing in zh
    assert "undecided: O1, missing: " in en
    assert "not counted, not met:" not in en


def test_a_refused_record_is_summarised_with_the_fields_read_and_its_article() -> None:
    text = _text(_example("all-branches-fail.json"), width=10_000)
    assert (
        "未计入：T3（国家知识产权局登记备案状态：办理中）：不满足“已在国家知识产权局完成专利权转移"
        "或许可合同登记（开放许可：备案）” ［第十一条］"
    ) in text


def test_the_summary_and_the_json_say_the_same_outcome_in_the_same_language() -> None:
    decision = _undecided()
    for lang in ("zh", "en"):
        w = wording(lang)
        result = next(
            r
            for r in decision_json(decision, lang)["results"]
            if r["programme"] == "cq_operation_performance_subsidy"
        )
        assert result["outcome"] == "qualifies"  # the code stays
        assert result["outcome_label"] == w.outcome("qualifies")
        line = next(
            "".join(t for t, _ in line)
            for line in summary_lines(decision, lang)  # type: ignore[arg-type]
            if "cq_operation_performance_subsidy" in "".join(t for t, _ in line)
        )
        assert result["outcome_label"] in line


def test_the_json_carries_codes_and_labels() -> None:
    document = decision_json(_example("all-branches-fail.json"), "zh")
    assert document["lang"] == "zh"
    nodes = [document["results"][-1]["proof"]]
    found = {}
    while nodes:
        node = nodes.pop()
        nodes += node.get("children", [])
        found[node["label"]] = node
    legal_form = found["市场主体"]
    assert legal_form["shown"]["values"] == ["company"]
    assert legal_form["detail_label"] == "公司"
    assert legal_form["verdict_label"] == "满足"


def test_one_programme_renders_alone_for_the_round_report() -> None:
    decision = _example("cap-binds.json")
    text = programme_tree_text(decision, _operation(decision), "en", width=80)
    assert text.startswith("── cq_operation_performance_subsidy")
    assert "capped at 500,000.00" in text
    assert max(cell_len(line) for line in text.splitlines()) <= 80


_GUIDES = str.maketrans("", "", "│├└─ \n")


@settings(max_examples=12, deadline=None)
@given(width=st.integers(min_value=40, max_value=180), lang=st.sampled_from(["zh", "en"]))
def test_wrapping_fits_the_width_and_neither_loses_nor_adds_text(width: int, lang: str) -> None:
    decision = _example("undecided-open-licence.json")
    wrapped = _text(decision, lang, width)
    assert max(cell_len(line) for line in wrapped.splitlines()) <= width
    assert wrapped.translate(_GUIDES) == _text(decision, lang, 10_000).translate(_GUIDES)


def test_a_document_that_does_not_apply_reads_the_same_in_the_text_and_the_json() -> None:
    national = load_policy(ROOT / "policies" / "national-2019.policy")
    decision = decide((national,), load_example(ROOT / "examples/chongqing/passes-branch-a.json"))
    for lang in ("zh", "en"):
        label = decision_json(decision, lang)["results"][0]["not_applicable_label"]
        assert label.startswith("申请主体为城市")
        lines = ["".join(t for t, _ in line) for line in summary_lines(decision, lang)]  # type: ignore[arg-type]
        assert any(line.startswith("– ") and label in line for line in lines)
