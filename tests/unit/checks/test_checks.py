"""The checks of `eligibility.checks`: sound on the shipped policies (no error, no warning),
each firing on the mistake it exists for and on nothing close to it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.checks import lint
from eligibility.checks.conditions import bound_verdict
from eligibility.checks.label_numbers import label_quantities
from eligibility.facts import vocabulary
from eligibility.ir import nodes as ir
from eligibility.resources import shipped_policy_files

HEADER = 'policy t "测试"\n  document "渝知发〔2024〕22号"\n  applicant organisation\n\n'
SHIPPED = shipped_policy_files()
_LEGAL_FORM = vocabulary.applicant_field("legal_form")
assert _LEGAL_FORM is not None
LEGAL_FORMS = _LEGAL_FORM.enum_values


def codes(body: str) -> list[str]:
    return [d.code for d in lint(HEADER + body, "t.policy")]


def programme(*clauses: str, amount: str = "") -> str:
    lines = "\n".join(f"  {c}" for c in clauses)
    block = f"\n  amount [第十条] {{\n{amount}\n  }}" if amount else ""
    return f'programme p "补贴" [第八条] {{\n{lines}{block}\n}}\n'


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_policies_have_no_finding(path: Path) -> None:
    assert lint(path.read_text(encoding="utf-8"), path.name) == ()


_CAP = re.compile(r"at most (max\(0元, )?(\d+(?:\.\d+)?)(万元|亿元)")


def _cap_mutants() -> list[tuple[str, int, str]]:
    out = []
    for path in SHIPPED:
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if _CAP.search(line) and not line.lstrip().startswith("#"):
                out += [(path.name, number, factor) for factor in ("10", "0.1")]
    return out


# a sample: each costs a parse and a resolve
@pytest.mark.parametrize(("name", "line", "factor"), _cap_mutants()[::7])
def test_a_cap_changed_without_its_label_is_a_warning(name: str, line: int, factor: str) -> None:
    """The review's cap sweep: 19 of 72 cap mutants survived the legal tests; every one now
    draws W0401, since each cap's label states its amount."""
    path = next(p for p in SHIPPED if p.name == name)
    lines = path.read_text(encoding="utf-8").split("\n")
    match = _CAP.search(lines[line - 1])
    assert match is not None
    changed = f"{Decimal(match.group(2)) * Decimal(factor):f}"
    lines[line - 1] = lines[line - 1][: match.start(2)] + changed + lines[line - 1][match.end(2) :]
    found = lint("\n".join(lines), name)
    assert [d.code for d in found] == ["W0401"]


def test_label_number_agrees_in_any_unit() -> None:
    assert (
        codes(
            programme(
                'requires "x": credit_good is true [第九条]',
                amount='    award "奖励5万元" = 50000元',
            )
        )
        == []
    )
    assert codes(
        programme(
            'requires "x": credit_good is true [第九条]', amount='    award "奖励5万元" = 50万元'
        )
    ) == ["W0401"]
    assert (
        codes(
            programme(
                'requires "x": credit_good is true [第九条]', amount='    award "奖励" = 50万元'
            )
        )
        == []
    )


def test_label_quantities() -> None:
    found = label_quantities("交易3笔以上，且交易金额50万元以上，按2%给予")
    assert found[ir.Dim.COUNT] == {Decimal(3): "3笔"}
    assert found[ir.Dim.MONEY] == {Decimal(500000): "50万元"}
    assert found[ir.Dim.RATE] == {Decimal("0.02"): "2%"}


@settings(max_examples=30, deadline=None)
@given(st.sets(st.sampled_from(LEGAL_FORMS), min_size=1), st.booleans())
def test_an_enum_settled_by_its_values_is_e0311(values: set[str], negated: bool) -> None:
    """`excluded when legal_form in S` is always true exactly when S holds every legal form;
    `not in S` is then never true. Any other S draws nothing."""
    listed = ", ".join(sorted(values))
    test = f"legal_form {'not in' if negated else 'in'} {{{listed}}}"
    found = codes(programme(f'excluded when "x": {test} [第十三条]'))
    assert found == (["E0311"] if values == set(LEGAL_FORMS) else [])


@given(st.sampled_from(["<", "<=", ">", ">=", "=", "!="]), st.integers(-3, 3), st.integers(-2, 2))
def test_bound_verdict_agrees_with_every_value(op: str, value: int, least: int) -> None:
    """A verdict is given only when every value from `least` up agrees (checked on a range)."""
    ops = {"<": int.__lt__, "<=": int.__le__, ">": int.__gt__, ">=": int.__ge__,
           "=": int.__eq__, "!=": int.__ne__}  # fmt: skip
    outcomes = {ops[op](x, value) for x in range(least, least + 10)}
    verdict = bound_verdict(op, Decimal(value), Decimal(least))  # type: ignore[arg-type]
    if verdict is not None:
        assert outcomes == {verdict}


def test_a_count_below_zero_is_never_true() -> None:
    sets = 'records deals "交易" from ip_contracts [第九条] {\n  "登记": cnipa_registration_status in {registered}\n}\n'
    assert codes(sets + programme('requires "x": count(deals) < 0笔 [第九条]')) == ["E0311"]
    assert codes(sets + programme('requires "x": count(deals) >= 0笔 [第九条]')) == []
    assert codes(sets + programme('excluded when "x": count(deals) >= 0笔 [第九条]')) == ["E0311"]
    assert codes(sets + programme('requires "x": count(deals) >= 1笔 [第九条]')) == []


def test_bool_excluded_on_both_values() -> None:
    body = programme(
        'excluded when "a": fraud_debarment is true [第十三条]',
        'excluded when "b": has_project_capacity is false [第十三条]',
    )
    assert codes(body) == []
    body = programme(
        'excluded when "a": has_project_capacity is true [第十三条]',
        'excluded when "b": has_project_capacity is false [第十三条]',
    )
    assert codes(body) == ["E0311"]


def test_standing_inverted() -> None:
    assert codes(programme('excluded when "失信": credit_good is false [第九条]')) == []
    assert codes(programme('excluded when "失信": credit_good is true [第九条]')) == ["W0404"]
    assert codes(programme('requires "无弄虚作假": fraud_debarment is true [第九条]')) == ["W0404"]
    assert codes(programme('excluded when none "x" [第九条] { fraud_debarment is false }')) == []


def test_unused_declarations() -> None:
    used = 'values forms "企业" = {company}\n' + programme(
        'requires "x": legal_form in forms [第二条]'
    )
    assert codes(used) == []
    unused = 'values forms "企业" = {company}\n' + programme(
        'requires "x": credit_good is true [第二条]'
    )
    assert codes(unused) == ["W0402"]


def test_repeated_any_branch() -> None:
    body = programme(
        'requires any "x" [第九条] { credit_good is true\n has_project_capacity is true\n credit_good is true }'
    )
    assert codes(body) == ["W0405"]


def test_if_branch_shadowed() -> None:
    sets = 'records deals "交易" from ip_contracts [第九条] {\n  "登记": cnipa_registration_status in {registered}\n}\n'
    award = (
        '    award "a" = sum(deals: if contract_kind in {transfer, licence} then 1万元 '
        "else if contract_kind in {licence} then 2万元 else 0元)"
    )
    assert codes(sets + programme('requires "x": credit_good is true [第九条]', amount=award)) == [
        "W0405"
    ]
    disjoint = award.replace("{licence} then", "{open_licence} then")
    assert (
        codes(sets + programme('requires "x": credit_good is true [第九条]', amount=disjoint)) == []
    )
