"""Quantities and legal comparison words (rule inventory §0.1, §0.2, A-01), as a table and as
the policy compiler resolves them from text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eligibility.compiler import compile_text
from eligibility.diagnostics import DiagnosticError
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import (
    COMPARISON_WORDS,
    NEGATED,
    format_exact,
    format_money,
    quantity_value,
    to_fen,
)
from tests.support import CQ, chongqing

HEADER = 'policy t "测试"\n  document "渝知发〔2024〕22号"\n  applicant organisation\n\n'

# rule inventory §0.1: 以上/不少于/不低于/达到 include the number, 超过 excludes it, ...
LEGAL_WORDS = {
    "以上": ">=",
    "不少于": ">=",
    "不低于": ">=",
    "达到": ">=",
    "超过": ">",
    "不超过": "<=",
    "以下": "<=",
    "以内": "<=",
    "低于": "<",
    "不满": "<",
}
POSTFIX = {"以上", "以下", "以内"}


def staff_rule(condition: str) -> ir.Compare:
    text = (
        HEADER + 'programme p "测试" [第九条] {\n'
        f'  requires "人员": {condition} [第六条（三）]\n}}\n'
    )
    compiled = compile_text(text, "q.policy")
    (rule,) = compiled.policy.programmes[0].condition.children  # no in-force gate here
    assert isinstance(rule, ir.Compare)
    return rule


@pytest.mark.parametrize(("word", "op"), sorted(LEGAL_WORDS.items()))
def test_comparison_word_table(word: str, op: str) -> None:
    assert COMPARISON_WORDS[word] == op


@pytest.mark.parametrize(("word", "op"), sorted(LEGAL_WORDS.items()))
def test_comparison_word_as_compiled_from_text(word: str, op: str) -> None:
    written = (
        f"full_time_ip_operation_staff 15人{word}"
        if word in POSTFIX
        else f"full_time_ip_operation_staff {word} 15人"
    )
    rule = staff_rule(written)
    assert (rule.op, rule.word) == (op, word)
    assert isinstance(rule.left, ir.FieldValue)
    assert rule.left.field.path == "full_time_ip_operation_staff"
    assert rule.right == ir.Const(rule.right.expr_id, 15, ir.Dim.COUNT, "15人", "人")
    assert rule.meta.citation == f"{CQ} 第六条（三）"


@pytest.mark.parametrize(
    ("op", "negation"),
    [(">=", "<"), (">", "<="), ("<=", ">"), ("<", ">="), ("=", "!="), ("!=", "=")],
)
def test_negation_is_the_complement(op: str, negation: str) -> None:
    # `fails` rules are compiled from the negated operator; it must be the exact complement
    assert NEGATED[op] == negation
    assert NEGATED[NEGATED[op]] == op


@pytest.mark.parametrize(
    ("number", "unit", "value", "dim"),
    [
        ("50", "万元", Decimal(500000), ir.Dim.MONEY),
        ("1000", "万元", Decimal(10000000), ir.Dim.MONEY),
        ("0.4", "万元", Decimal(4000), ir.Dim.MONEY),
        ("5447.20", "万元", Decimal(54472000), ir.Dim.MONEY),
        ("0.5", "亿元", Decimal(50000000), ir.Dim.MONEY),
        ("500", "元", Decimal(500), ir.Dim.MONEY),
        ("2", "%", Decimal("0.02"), ir.Dim.RATE),
        ("0.2", "%", Decimal("0.002"), ir.Dim.RATE),
        ("40", "%", Decimal("0.4"), ir.Dim.RATE),
        ("3", "笔", 3, ir.Dim.COUNT),
        ("30", "次", 30, ir.Dim.COUNT),
        ("15", "人", 15, ir.Dim.COUNT),
    ],
)
def test_quantity_values_are_exact(number: str, unit: str, value: object, dim: ir.Dim) -> None:
    result = quantity_value(number, unit)
    assert result == (value, dim)
    assert type(result[0]) is type(value)  # Decimal money and rates, int counts; never float


def test_fractional_count_is_refused() -> None:
    assert quantity_value("3.5", "笔") == "a count in 笔 must be a whole number"
    with pytest.raises(DiagnosticError) as caught:
        staff_rule("full_time_ip_operation_staff 不少于 2.5人")
    assert [d.code for d in caught.value.diagnostics] == ["E0208"]


def test_chongqing_thresholds_compile_to_exact_constants() -> None:
    operation = next(
        p
        for p in chongqing().policy.programmes
        if p.programme_id == "cq_operation_performance_subsidy"
    )
    found = {}

    def visit(cond: ir.Cond) -> None:
        if isinstance(cond, ir.Compare) and isinstance(cond.right, ir.Const):
            found[cond.meta.label] = (cond.op, cond.right.value, cond.right.dim)
        for child in getattr(cond, "children", ()):
            visit(child)

    visit(operation.condition)
    assert found["促成知识产权交易3笔以上"] == (">=", 3, ir.Dim.COUNT)
    assert found["交易金额50万元以上"] == (">=", Decimal(500000), ir.Dim.MONEY)
    assert found["每笔交易金额50万元以上的交易3笔以上"] == (">=", 3, ir.Dim.COUNT)
    assert found["促成知识产权质押融资1000万元以上"] == (">=", Decimal(10000000), ir.Dim.MONEY)
    assert found["促成知识产权许可转让30次以上"] == (">=", 30, ir.Dim.COUNT)
    assert operation.amount is not None
    (cap,) = operation.amount.caps
    assert isinstance(cap.limit, ir.Const)
    assert (cap.limit.value, cap.limit.dim, cap.limit.text) == (
        Decimal(500000),
        ir.Dim.MONEY,
        "50万元",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal(500000), "500,000.00"),
        (Decimal(0), "0.00"),
        (Decimal("9999999.99"), "9,999,999.99"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("0.005"), "0.01"),
        (Decimal("8800.005"), "8,800.01"),  # R3: half up, not to even
        (Decimal("8800.0049"), "8,800.00"),
    ],
)
def test_format_money(value: Decimal, shown: str) -> None:
    assert format_money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal(10) ** 26, "100,000,000,000,000,000,000,000,000.00"),
        (Decimal("1" + "0" * 40 + ".005"), "10" + ",000" * 13 + ".01"),
        (Decimal("2.345"), "2.35"),
    ],
)
def test_format_money_keeps_every_digit_of_a_huge_amount(value: Decimal, shown: str) -> None:
    """Under the default 28-digit context, quantizing 10^26 yuan raised InvalidOperation
    (reliability review 2026-12, finding 3)."""
    assert format_money(value) == shown
    assert to_fen(value).as_tuple().exponent == -2
    assert format_exact(value).replace(",", "").startswith(str(int(value)))
