"""The reproducers of reliability review 2026-12, finding 4 (issue #6): policy text on which the
compiler used to crash (exit 4) now compiles or gets a diagnostic with file:line:column.

Each test is named after what it reproduces; `H` is the review's base header."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from eligibility.commands import main
from eligibility.compiler import compile_text
from eligibility.diagnostics import Diagnostic, DiagnosticError
from eligibility.evaluate import decide
from eligibility.syntax.limits import MAX_EXPRESSION_DEPTH, MAX_GROUP_DEPTH
from tests.support import applicant, contract, document

H = (
    'policy fz "fuzz"\n'
    '  document "X〔2024〕1号"\n'
    "  in force from 2024-01-01 [第一条]\n"
    "  applicant organisation [第一条]\n\n"
)
BASE = 'conditions base = "信用良好": credit_good is true [第一条]\n'


def programme(*requires: str) -> str:
    lines = "".join(f"  requires {r}\n" for r in requires)
    return f'programme fz_p "p" [第二条] {{\n{lines}}}\n'


def diagnostics(text: str) -> tuple[Diagnostic, ...]:
    with pytest.raises(DiagnosticError) as caught:
        compile_text(text, "fz.policy")
    return caught.value.diagnostics


def only(text: str, code: str) -> Diagnostic:
    found = diagnostics(text)
    assert [d.code for d in found] == [code], found
    return found[0]


def outcome(text: str, doc: dict[str, object]) -> object:
    (result,) = decide((compile_text(text, "fz.policy"),), applicant(doc)).results
    return result


# ── shared conditions: aliases and cycles ────────────────────────────────────────────────────


def test_alias_of_shared_conditions_resolves_to_its_definition() -> None:
    text = H + BASE + "conditions alias = @base\n" + programme("@alias")
    assert outcome(text, document()).outcome == "qualifies"
    assert outcome(text, document(credit_good=False)).outcome == "does_not_qualify"


def test_aliases_resolve_transitively() -> None:
    text = H + BASE + "conditions a1 = @base\nconditions a2 = @a1\n" + programme("@a2")
    assert outcome(text, document()).outcome == "qualifies"


def test_self_cycle_is_reported_at_the_reference() -> None:
    text = H + 'conditions loop = all "x" [第一条] { @loop }\n' + programme("@loop")
    found = only(text, "E0308")
    assert found.message == "shared condition `loop` refers to itself: loop → loop"
    assert (found.span.file, found.span.line, found.span.column) == ("fz.policy", 6, 35)


def test_mutual_cycle_names_the_whole_cycle() -> None:
    text = (
        H
        + 'conditions a = all "a" [第一条] { @b }\n'
        + 'conditions b = any "b" [第一条] { @a }\n'
        + programme("@a")
    )
    found = only(text, "E0308")
    assert found.message == "shared condition `a` refers to itself: a → b → a"
    assert (found.span.line, found.span.column) == (7, 32)


def test_unused_cycle_is_reported_too() -> None:
    text = (
        H
        + 'conditions a = all "a" [第一条] { @b }\n'
        + 'conditions b = any "b" [第一条] { @a }\n'
        + programme('"信用良好": credit_good is true [第二条]')
    )
    assert only(text, "E0308").message.endswith("a → b → a")


def test_cycle_of_aliases() -> None:
    text = H + "conditions a = @b\nconditions b = @a\n" + programme("@a")
    assert only(text, "E0308").message.endswith("a → b → a")


def test_cycle_through_a_count_where() -> None:
    text = H + 'conditions a = "n": count(ip_contracts where @a) >= 1笔 [第一条]\n'
    found = diagnostics(text + programme("@a"))
    assert "E0308" in [d.code for d in found]


def test_shared_conditions_used_twice_are_not_a_cycle() -> None:
    text = H + BASE + 'conditions both = all "两次" [第一条] { @base @base }\n' + programme("@both")
    assert outcome(text, document()).outcome == "qualifies"


# ── depth and size ───────────────────────────────────────────────────────────────────────────


def nested_groups(depth: int) -> str:
    node = '"信用良好": credit_good is true'
    for level in range(depth):
        node = f'all "g{level}" [第二条] {{ {node} }}'
    return H + programme(node)


def sum_of(terms: int) -> str:
    total = " + ".join(["1元"] * terms)
    return (
        H
        + programme('"信用良好": credit_good is true [第二条]')[:-2]
        + (f"  amount {{ award = {total} [第二条] }}\n}}\n")
    )


def test_groups_at_the_depth_limit_compile_and_decide() -> None:
    assert outcome(nested_groups(MAX_GROUP_DEPTH), document()).outcome == "qualifies"


@pytest.mark.parametrize("depth", [MAX_GROUP_DEPTH + 1, 1000, 10_000])
def test_groups_nested_beyond_the_limit_are_E0309(depth: int) -> None:
    found = only(nested_groups(depth), "E0309")
    assert found.span.line == 7 and found.span.column > 1
    assert str(MAX_GROUP_DEPTH) in found.message


def test_sum_at_the_limit_compiles_and_is_exact() -> None:
    result = outcome(sum_of(MAX_EXPRESSION_DEPTH + 1), document())
    assert result.amount == Decimal(MAX_EXPRESSION_DEPTH + 1)


@pytest.mark.parametrize("terms", [MAX_EXPRESSION_DEPTH + 2, 1000])
def test_sum_of_too_many_terms_is_E0309(terms: int) -> None:
    found = only(sum_of(terms), "E0309")
    assert (found.span.line, found.span.column) == (8, 20)


def test_chain_of_shared_groups_deeper_than_the_limit_is_E0309() -> None:
    text = H + 'conditions c0 = "信用良好": credit_good is true [第一条]\n'
    for k in range(1, MAX_GROUP_DEPTH + 20):
        text += f'conditions c{k} = all "g{k}" [第一条] {{ @c{k - 1} }}\n'
    text += programme(f"@c{MAX_GROUP_DEPTH + 19}")
    assert "E0309" in [d.code for d in diagnostics(text)]


# ── a record set with no filter ──────────────────────────────────────────────────────────────

EMPTY_SET = (
    H
    + 'records deals "d" from ip_contracts [第一条] { "转让": contract_kind in {transfer} }\n'
    + 'records big "b" from deals [第一条] { }\n'
    + programme('"一笔以上": count(big) >= 1笔 [第二条]')
)


def test_record_set_without_filters_is_every_record_of_its_source() -> None:
    transfers = [contract("T1", "100.00"), contract("T2", "200.00")]
    assert outcome(EMPTY_SET, document(transfers)).outcome == "qualifies"
    licence = [contract("L1", "100.00", contract_kind="licence")]
    assert outcome(EMPTY_SET, document(licence)).outcome == "does_not_qualify"


def test_record_set_without_filters_keeps_undecided_records_undecided() -> None:
    unknown_kind = [contract("U1", "100.00", contract_kind=None)]
    assert outcome(EMPTY_SET, document(unknown_kind)).outcome == "undetermined"


# ── numbers out of range ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "quantity",
    ["1" + "0" * 40 + "%", "1" + "0" * 29 + "元", "10000亿元", "10001%", "0.0000001元"],
)
def test_out_of_range_numbers_are_E0310(quantity: str) -> None:
    text = sum_of(1).replace("award = 1元", f"award = 1元 × {quantity}")
    found = only(text, "E0310")
    assert found.span.line == 8 and found.message == f"`{quantity}` is out of range"


@pytest.mark.parametrize(
    "expression", ["9999亿元", "1元 × 10000%", "000000000000001元", "0.000001元", "5447.20万元"]
)
def test_numbers_inside_the_limits_compile(expression: str) -> None:
    compile_text(sum_of(1).replace("award = 1元", f"award = {expression}"), "fz.policy")


# ── through the command line: exit 3 with a location, never exit 4 ───────────────────────────


@pytest.mark.parametrize(
    "text",
    [
        H + 'conditions loop = all "x" [第一条] { @loop }\n' + programme("@loop"),
        nested_groups(1000),
        sum_of(1000),
    ],
    ids=["self-cycle", "deep-groups", "long-sum"],
)
def test_compile_command_exits_3_with_a_location(text: str, tmp_path: Path, capsys) -> None:
    policy = tmp_path / "fz.policy"
    policy.write_text(text, encoding="utf-8")
    assert main(["compile", str(policy)]) == 3
    assert "fz.policy:" in capsys.readouterr().err
