"""What a position in policy text means (editor.analysis), tested directly: diagnostics with
their ranges, hovers, go-to-definition and completion, on whole and on broken text."""

from __future__ import annotations

from eligibility.editor import analysis
from eligibility.editor.analysis import Range
from eligibility.resources import POLICY_DIR
from tests.support import REPO
from tests.unit.editor.policy_text import POLICY, position

CHONGQING = (POLICY_DIR / "chongqing-2024.policy").read_text(encoding="utf-8")


def _hover(text: str, needle: str, inside: int = 1, lang: str = "zh") -> str:
    found = analysis.hover(text, *position(text, needle, inside=inside), lang)  # type: ignore[arg-type]
    assert found is not None, needle
    return found.markdown


def test_a_clean_text_has_no_diagnostics() -> None:
    assert analysis.diagnostics(POLICY, "t.policy") == ()


def test_diagnostics_carry_the_compilers_span_as_a_range() -> None:
    broken = POLICY.replace("credit_good is", "credit_god is")
    [problem] = analysis.diagnostics(broken, "t.policy")
    line, column = position(broken, "credit_god", inside=0)
    assert problem.code == "E0204" and problem.is_error
    assert problem.range == Range(line, column, line, column + len("credit_god"))
    assert "did you mean `credit_good`" in problem.message


def test_a_syntax_error_is_one_diagnostic() -> None:
    broken = POLICY.replace("requires @good", "requires @")
    [problem] = analysis.diagnostics(broken, "t.policy")
    assert (
        problem.code.startswith("E01")
        and problem.range.line == position(broken, "requires @")[0] + 1
    )


def test_hover_on_a_field_gives_its_label_type_and_unit() -> None:
    text = _hover(POLICY, "credit_good")
    assert (
        "**信用良好/信用记录良好** `credit_good`" in text
        and "申请人字段" in text
        and "类型：是/否" in text
    )
    english = _hover(CHONGQING, "credit_good", lang="en")
    assert "type: true/false" in english and "applicant field" in english


def test_hover_on_a_record_field_names_its_collection() -> None:
    text = _hover(POLICY, "contract_kind")
    assert "记录字段（ip_contracts：" in text and "类型：枚举" in text and "transfer（" in text


def test_hover_on_a_money_field_of_a_record_set_through_a_dotted_path() -> None:
    text = POLICY.replace(
        "count(deals) 3笔以上", "sum(deals.registered_contract_amount) 50万元以上"
    )
    hover = _hover(text, "registered_contract_amount")
    assert "单位：元" in hover and "类型：金额" in hover


def test_hover_on_an_attested_criterion() -> None:
    beijing = (POLICY_DIR / "beijing-2022.policy").read_text(encoding="utf-8")
    text = _hover(beijing, "attested bj6_applicant_kind_accepted", inside=len("attested b"))
    assert "评审认定事项 bj6_applicant_kind_accepted" in text and "是/否" in text


def test_hover_on_a_citation_gives_the_article_text() -> None:
    text = _hover(POLICY, "第九条（二）")
    assert (
        text.startswith("**渝知发〔2024〕22号 第九条（二）**") and "促成知识产权交易3笔以上" in text
    )
    both = _hover(CHONGQING, "第六条（一）、第九条（一）")
    assert "第六条（一）" in both and "第九条（一）" in both and "---" in both


def test_hover_on_a_citation_of_a_policy_without_seed() -> None:
    text = POLICY.replace("渝知发〔2024〕22号", "某〔2099〕1号")
    assert "未对应已收录的种子文件" in _hover(text, "第九条（二）")


def test_hover_on_definitions_and_enum_values() -> None:
    assert "**记录集** `deals` — 促成交易" in _hover(POLICY, "deals)")
    assert "来源：ip_contracts" in _hover(POLICY, "deals)")
    assert "**具名条件** `good`" in _hover(POLICY, "@good", inside=2)
    assert "取值：company, partnership" in _hover(POLICY, "forms [")
    assert _hover(POLICY, "company").startswith("取值 `company`：公司")


def test_no_hover_on_a_keyword_or_a_comment() -> None:
    assert analysis.hover(POLICY, *position(POLICY, "requires")) is None
    assert analysis.hover(POLICY, 0, 3) is None


def test_go_to_definition() -> None:
    def target(needle: str, inside: int = 1) -> Range | None:
        return analysis.definition(POLICY, *position(POLICY, needle, inside=inside))

    deals = position(POLICY, "deals", inside=0)
    assert target("deals)") == Range(deals[0], deals[1], deals[0], deals[1] + 5)
    good = position(POLICY, "good =", inside=0)
    assert target("@good", inside=2) == Range(good[0], good[1], good[0], good[1] + 4)
    forms = position(POLICY, "forms", inside=0)
    assert target("forms [") == Range(forms[0], forms[1], forms[0], forms[1] + 5)
    assert target("credit_good") is None


def test_definitions_in_text_that_does_not_parse() -> None:
    broken = POLICY.replace("requires @good", "requires @good {{ (")
    deals = position(broken, "deals", inside=0)
    found = analysis.definition(broken, *position(broken, "deals)"))
    assert found == Range(deals[0], deals[1], deals[0], deals[1] + 5)


def test_document_symbols_are_the_definitions_in_order() -> None:
    found = analysis.symbols(POLICY)
    assert [(s.kind, s.name, s.label) for s in found] == [
        ("values", "forms", "市场主体"),
        ("conditions", "good", "信用良好"),  # the label of its condition
        ("records", "deals", "促成交易"),
        ("programme", "p", "运营绩效补贴"),
    ]
    deals = found[2]
    assert deals.name_range == Range(
        *position(POLICY, "deals", inside=0), *position(POLICY, "deals", inside=5)
    )
    assert (
        deals.range.line == deals.name_range.line and deals.range.end_line == deals.range.line + 2
    )
    assert deals.range.end_column == 1  # after its closing brace, not over the blank line


def _labels(text: str, line_text: str) -> list[str]:
    line = text.split("\n").index(line_text)
    return [c.label for c in analysis.completions(text, line, len(line_text))]


def test_completion_of_field_names_definitions_and_keywords() -> None:
    text = POLICY.replace(
        "  requires @good\n", "  requires @good\n  requires cred\n  requires re\n"
    )
    assert _labels(text, "  requires cred") == ["credit_good"]
    assert {"records", "requires", "registered_region"} <= set(_labels(text, "  requires re"))
    assert _labels(POLICY, "  requires @good") == ["good"]


def test_completion_inside_a_record_filter_and_after_a_dot() -> None:
    text = POLICY.replace('  "转让": contract_kind', '  "转让": contract_k\n  x: contract_kind')
    assert "contract_kind" in _labels(text, '  "转让": contract_k')
    text = POLICY.replace("count(deals) 3笔以上", "sum(deals.registered_contract_am")
    typed = "registered_contract_am"
    [found] = analysis.completions(text, *position(text, typed, inside=len(typed)))
    assert (
        found.label == "deals.registered_contract_amount"
        and found.insert == "registered_contract_amount"
    )
    assert found.typed == len(typed) and found.detail


def test_completion_of_a_fields_values_inside_a_set() -> None:
    text = POLICY.replace("legal_form in forms", "legal_form in {company, par")
    typed = "legal_form in {company, par"
    [found] = analysis.completions(text, *position(text, typed, inside=len(typed)))
    assert (found.label, found.insert, found.kind, found.detail) == (
        "partnership",
        "partnership",
        "value",
        "合伙企业",
    )
    everything = analysis.completions(text, *position(text, typed, inside=len("legal_form in {")))
    assert {"company", "partnership", "sole_proprietorship"} <= {c.label for c in everything}
    assert "credit_good" not in {c.label for c in everything}


def test_warnings_are_diagnostics_too_and_not_errors() -> None:
    """The checks `compile` and `lint` print (W04xx) reach the editor as warnings."""
    text = (REPO / "tests/golden/diagnostics/label_number.policy").read_text(encoding="utf-8")
    problems = analysis.diagnostics(text, "label_number.policy")
    assert [(p.code, p.is_error) for p in problems] == [("W0401", False)]
