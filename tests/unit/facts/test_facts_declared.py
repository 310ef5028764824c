"""Declaring facts (docs/language.md §3a): the loader of `*.facts` text and `facts` blocks, its
errors at file:line:column, and a policy's own facts reaching the resolver and the validator."""

from __future__ import annotations

import pytest

from eligibility.compiler import compile_text
from eligibility.diagnostics import DiagnosticError
from eligibility.facts import vocabulary
from eligibility.facts.declared import declarations_from_ast
from eligibility.facts.validate import validate_document
from eligibility.facts.vocabulary import FieldKind
from eligibility.syntax.parser import parse_facts

HEADER = """policy t "测试"
  document "徐知发〔2025〕8号"
  applicant organisation [第二条]
"""


def _declare(text: str) -> tuple[vocabulary.Declarations, list[tuple[str, int, int]]]:
    tree = parse_facts(text, "t.facts")
    declarations, diagnostics = declarations_from_ast(tree.items, vocabulary.shipped())
    return declarations, [(d.code, d.span.line, d.span.column) for d in diagnostics]


def test_every_type_and_option() -> None:
    declarations, problems = _declare(
        """enum levels { a "甲级", b "乙级" }
group certificate "证书"
applicant {
  ok: bool "是否"
  staff: integer 人 min 1 max 9 "人数"
  grant: money "金额"
  day: date "日期"
  since: year "年度"
  note: text "说明"
  region_of: region "地区"
  level: enum levels "等级"
  size: enum enterprise_sizes "规模"
  tags: list of enum { x "某", y "另" } unique length 2 "标签"
  certificate.number: text "证书编号"
}
collection certificates "证书" id number {
  number: text "编号"
}
criterion c1 "评审认定" [第三条]
"""
    )
    assert problems == []
    by_name = {f.name: f for f in declarations.applicant}
    assert by_name["staff"].kind is FieldKind.INT and by_name["staff"].unit == "人"
    assert (by_name["staff"].minimum, by_name["staff"].maximum) == (1, 9)
    assert by_name["grant"].unit == "元"
    assert (by_name["since"].minimum, by_name["since"].maximum, by_name["since"].unit) == (
        1900,
        2100,
        "年",
    )
    assert by_name["size"].enum_values == ("large", "medium", "small", "micro")  # shipped enum
    assert by_name["tags"].many and by_name["tags"].unique and by_name["tags"].length == 2
    assert ("a", "甲级") in declarations.enum_labels
    assert declarations.collections[0].id_field == "number"
    assert declarations.criteria == (vocabulary.Criterion("c1", "评审认定", "第三条"),)


def test_problems_are_found_where_written() -> None:
    _, problems = _declare(
        """applicant {
  twice: bool "一"
  twice: bool "二"
}
collection things "东西" id thing_id {
  name: text "名称"
}
collection ip_contracts "重复" { }
"""
    )
    assert problems == [("E0210", 3, 3), ("E0215", 5, 1), ("E0210", 8, 1)]


def test_a_syntax_error_in_a_facts_file_has_its_place() -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse_facts('applicant {\n  ok bool "是否"\n}\n', "t.facts")
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.span.file, diagnostic.span.line) == ("E0101", "t.facts", 2)


def test_a_policys_collection_is_read_by_its_rules_and_its_applicants() -> None:
    policy = compile_text(
        HEADER
        + """
facts {
  collection certificates "证书" id number {
    number: text "编号"
    valid: bool "有效"
  }
}

records valid "有效证书" from certificates [第三条] {
  "有效": valid is true
}

programme p "奖励" [第三条] {
  requires "有有效证书": exists valid [第三条]
}
""",
        "t.policy",
    ).policy
    assert [c.name for c in policy.vocabulary.collections] == ["certificates"]
    doc = {
        "schema": "eligibility.applicant/1",
        "context": {"application_date": "2025-06-01"},
        "applicant": {"applicant_id": "A", "certificates": [{"number": "N1", "valid": True}]},
    }
    assert isinstance(validate_document(doc, "0" * 64), tuple)  # not a shipped collection
    with vocabulary.using(vocabulary.for_policies([policy.vocabulary])):
        facts = validate_document(doc, "0" * 64)
        bad = validate_document(
            {**doc, "applicant": {"applicant_id": "A", "certificates": [{"valid": "yes"}]}},
            "0" * 64,
        )
    assert not isinstance(facts, tuple) and len(facts.records) == 1
    assert isinstance(bad, tuple) and {e.path for e in bad} >= {"$.applicant.certificates[0].valid"}


def test_attested_needs_a_declared_criterion() -> None:
    body = """
programme p "奖励" [第三条] {
  requires "通过": attested guanbiao_ok [第三条]
}
"""
    with pytest.raises(DiagnosticError) as raised:
        compile_text(HEADER + body, "t.policy")
    assert [d.code for d in raised.value.diagnostics] == ["E0209"]
    declared = HEADER + '\nfacts {\n  criterion guanbiao_ok "通过贯标" [第三条]\n}\n' + body
    policy = compile_text(declared, "t.policy").policy
    assert policy.vocabulary.criteria[0].label == "通过贯标"
