"""Policy text → syntax tree: the Chongqing policy parses, spans point at the right characters,
quantities lex without spaces, and syntax errors are E0101 at the right line:column."""

from __future__ import annotations

import pytest

from eligibility.diagnostics import DiagnosticError
from eligibility.syntax import ast
from eligibility.syntax.parser import parse_policy
from tests.support import POLICY_FILE, REPO

HEADER = 'policy t "测试"\n  document "渝知发〔2024〕22号"\n  applicant organisation\n\n'


@pytest.fixture(scope="module")
def tree() -> ast.PolicyFile:
    return parse_policy((REPO / POLICY_FILE).read_text(encoding="utf-8"), POLICY_FILE)


def programme(tree: ast.PolicyFile, name: str) -> ast.Programme:
    return next(
        d for d in tree.definitions if isinstance(d, ast.Programme) and d.programme_id == name
    )


def leaf_labelled(node: ast.Node, label: str) -> ast.Leaf | None:
    if isinstance(node, ast.Leaf):
        return node if node.label == label else None
    return next(
        (found for child in node.children if (found := leaf_labelled(child, label)) is not None),
        None,
    )


def one_programme(body: str) -> str:
    return HEADER + 'programme p "测试" [第九条] {\n' + body + "\n}\n"


def syntax_error(text: str):
    with pytest.raises(DiagnosticError) as caught:
        parse_policy(text, "s.policy")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E0101"
    assert caught.value.sources == {"s.policy": text}
    return diagnostic


# ── the Chongqing policy ──────────────────────────────────────────────────────────────────────


def test_chongqing_header(tree: ast.PolicyFile) -> None:
    header = tree.header
    assert (header.policy_id, header.title) == ("cq_2024", "重庆市知识产权运营绩效补贴办法")
    assert header.document_number == "渝知发〔2024〕22号"
    assert (header.dated, header.in_force_from, header.in_force_until) == (
        "2024-05-06",
        "2024-05-06",
        None,
    )
    assert header.in_force_citation is not None
    assert header.in_force_citation.article == "第二十一条"
    assert header.applicant_kind == "organisation"


def test_chongqing_definitions(tree: ast.PolicyFile) -> None:
    def names(kind: type) -> list[str]:
        return [
            getattr(d, "name", None) or getattr(d, "programme_id", "")
            for d in tree.definitions
            if isinstance(d, kind)
        ]

    assert names(ast.Programme) == [
        "cq_centre_construction_comprehensive",
        "cq_centre_construction_industry",
        "cq_operation_performance_subsidy",
    ]
    assert {
        "brokered_deals",
        "patent_transfer_licences",
        "brokered_pledges",
        "open_licences",
        "construction_in_assessment_year",
    } <= set(names(ast.RecordsDef))
    assert names(ast.ValuesDef) == [
        "market_entity_forms",
        "patent_types",
        "open_licensor_kinds",
        "ip_operation_institution_kinds",
    ]
    operation = programme(tree, "cq_operation_performance_subsidy")
    assert [c.kind for c in operation.clauses] == ["requires", "excluded_when"]
    assert operation.amount is not None
    assert [s.name for s in operation.amount.steps] == ["performance", "award"]
    (cap,) = operation.amount.caps
    assert (cap.limit.number, cap.limit.unit) == ("50", "万元")


def locate(text: str, line_text: str, needle: str) -> tuple[int, int]:
    """1-based line and character column of `needle` on the one line that contains `line_text`."""
    (number,) = [k for k, line in enumerate(text.splitlines(), 1) if line_text in line]
    return number, text.splitlines()[number - 1].index(needle) + 1


def test_span_of_a_known_leaf(tree: ast.PolicyFile) -> None:
    # `    "信用良好": credit_good is true [第九条（一）]`: columns count characters, not bytes
    written = '"信用良好": credit_good is true [第九条（一）]'
    leaf = leaf_labelled(
        programme(tree, "cq_operation_performance_subsidy").clauses[0].node, "信用良好"
    )
    assert leaf is not None and isinstance(leaf.condition, ast.IsBool)
    line, start = locate(tree.text, written, written)
    assert start == 5  # four spaces of indentation
    file = POLICY_FILE
    assert leaf.span == ast.Span(file, line, 5, line, 5 + len(written))
    assert leaf.condition.subject == ast.Path(("credit_good",), ast.Span(file, line, 13, line, 24))
    assert leaf.condition.expected is True
    assert leaf.citation == ast.Citation("第九条（一）", ast.Span(file, line, 33, line, 41))
    source = tree.text.splitlines()[line - 1]
    assert source[12:23] == "credit_good" and source[32:40] == "[第九条（一）]"


def test_postfix_threshold_leaf(tree: ast.PolicyFile) -> None:
    leaf = leaf_labelled(
        programme(tree, "cq_operation_performance_subsidy").clauses[0].node,
        "促成知识产权交易3笔以上",
    )
    assert leaf is not None
    cond = leaf.condition
    assert isinstance(cond, ast.Compare) and cond.word == "以上"
    # the count is the sum of two record sets, one of them empty under either reading
    assert isinstance(cond.left, ast.Binary) and cond.left.op == "+"
    assert isinstance(cond.left.left, ast.Count) and isinstance(cond.left.right, ast.Count)
    assert cond.left.left.target.dotted == "cq9_deals_as_performance"
    assert (cond.right.number, cond.right.unit) == ("3", "笔")
    written = "count(cq9_deals_as_performance) + count(cq9_deals_evidenced) 3笔以上"
    line, column = locate(tree.text, written, written)  # the label also says 3笔以上
    width = len("count(cq9_deals_as_performance) + count(cq9_deals_evidenced)")
    assert cond.left.span == ast.Span(POLICY_FILE, line, column, line, column + width)
    assert cond.right.span == ast.Span(
        POLICY_FILE, line, column + width + 1, line, column + width + 3
    )


# ── lexing ────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "written", ["count(deals) 3笔以上", "count(deals)3笔以上", "count(deals) 3 笔 以上"]
)
def test_count_threshold_lexes_with_or_without_spaces(written: str) -> None:
    tree = parse_policy(one_programme(f'  requires "三笔": {written} [第九条（二）]'), "s.policy")
    cond = tree.definitions[0].clauses[0].node.condition
    assert isinstance(cond, ast.Compare) and cond.word == "以上"
    assert isinstance(cond.left, ast.Count) and cond.left.target.dotted == "deals"
    assert cond.left.where is None
    assert cond.right == ast.Quantity("3", "笔", cond.right.span)


@pytest.mark.parametrize(
    ("written", "number", "unit"),
    [
        ("50万元", "50", "万元"),
        ("1000万元", "1000", "万元"),
        ("0.4万元", "0.4", "万元"),
        ("2%", "2", "%"),
        ("3笔", "3", "笔"),
        ("0.5亿元", "0.5", "亿元"),
        ("15人", "15", "人"),
    ],
)
def test_quantities_keep_number_and_unit_as_written(written: str, number: str, unit: str) -> None:
    line = f'  requires "x": full_time_ip_operation_staff >= {written} [第九条]'
    tree = parse_policy(one_programme(line), "s.policy")
    quantity = tree.definitions[0].clauses[0].node.condition.right
    assert (quantity.number, quantity.unit) == (number, unit)
    column = line.index(written) + 1
    assert quantity.span == ast.Span("s.policy", 6, column, 6, column + len(written))


def test_chinese_words_are_never_identifiers() -> None:
    # "高新企业" cannot lex as a NAME, so it cannot silently become a field
    diagnostic = syntax_error(one_programme('  requires "x": 高新企业 is true [第九条]'))
    assert (diagnostic.span.line, diagnostic.span.column) == (6, 17)


# ── syntax errors ─────────────────────────────────────────────────────────────────────────────


def test_missing_colon_after_label() -> None:
    diagnostic = syntax_error(
        one_programme('  requires "信用良好" credit_good is true [第九条（一）]')
    )
    assert diagnostic.message == "unexpected `credit_good`"
    assert (diagnostic.span.line, diagnostic.span.column) == (6, 19)  # characters, not bytes
    assert diagnostic.help == "expected ':'"


def test_unknown_comparison_word_points_at_it() -> None:
    diagnostic = syntax_error(
        one_programme('  requires "x": full_time_ip_operation_staff 多于 15人 [第九条]')
    )
    assert (diagnostic.span.line, diagnostic.span.column) == (6, 46)


def test_unclosed_programme_is_reported_at_its_opening_brace() -> None:
    text = HEADER + 'programme p "测试" [第九条] {\n  requires "x": credit_good is true [第九条]\n'
    with pytest.raises(DiagnosticError) as caught:
        parse_policy(text, "s.policy")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E0106"
    assert diagnostic.message == "this `{` is never closed"
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 24)
    assert "add `}`" in diagnostic.help


def test_end_of_file_caret_stands_after_the_last_character() -> None:
    text = HEADER + 'values v "x" ='
    diagnostic = syntax_error(text)
    assert diagnostic.message == "unexpected end of file"
    last = text.splitlines()[-1]
    assert (diagnostic.span.line, diagnostic.span.column) == (5, len(last) + 1)


def test_error_on_first_line() -> None:
    diagnostic = syntax_error('polcy t "测试"\n')
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 1)


def test_missing_citation_bracket() -> None:
    # a citation cannot run over a line end, so the `}` on the next line is the surprise
    diagnostic = syntax_error(one_programme('  requires "x": credit_good is true [第九条'))
    assert diagnostic.message == "unexpected `}`"
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 1)
    assert diagnostic.help == "expected ']'"


def test_unexpected_word_is_named_alone() -> None:
    diagnostic = syntax_error(
        one_programme('  requires "信用良好": credit_good 为真 [第九条（一）]')
    )
    assert (diagnostic.span.line, diagnostic.span.column) == (6, 32)
    assert "为" in diagnostic.message
    assert "第九条" not in diagnostic.message  # today: "unexpected `为真 [第九条（一）`"


def test_help_after_a_field_offers_the_words_that_can_follow_it() -> None:
    diagnostic = syntax_error(
        one_programme('  requires "信用良好": credit_good 为真 [第九条（一）]')
    )
    assert "'is'" in diagnostic.help  # today: "expected '!=', '*', '+', '-', '.', '<', '<=', '='"
