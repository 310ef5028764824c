"""The grammar is unambiguous for lark: `strict=True` (no shift/reduce conflict, no terminal
collision) builds it, and the parser the compiler uses is built that way."""

from __future__ import annotations

import pytest
from lark import Lark

from eligibility.resources import GRAMMAR_FILE
from eligibility.syntax import ast
from eligibility.syntax.parser import STRICT, _parser, parse_policy

pytest.importorskip("interegular")  # lark's strict mode needs it to look for collisions


def test_grammar_builds_in_strict_mode() -> None:
    Lark(GRAMMAR_FILE.read_text(encoding="utf-8"), parser="lalr", strict=True)


def test_the_compiler_parser_is_strict() -> None:
    assert STRICT
    assert _parser().options.strict


HEADER = 'policy t "t"\n  document "d"\n\nprogramme p "p" [一] {\n  requires "x": credit_good is true [一]\n'


def award(expression: str) -> ast.Expr:
    text = HEADER + f"  amount {{\n    award = {expression} [一]\n  }}\n}}\n"
    return parse_policy(text, "t.policy").definitions[0].amounts[0].steps[0].expr


def test_else_branch_takes_the_rest_of_the_expression() -> None:
    expr = award("if credit_good is true then 1元 else 2元 + 3元 × 4")
    assert isinstance(expr, ast.IfThen)
    assert isinstance(expr.otherwise, ast.Binary) and expr.otherwise.op == "+"


def test_if_as_the_last_operand() -> None:
    expr = award("1元 + 2 × if credit_good is true then 1元 else 2元 - 3元")
    assert isinstance(expr, ast.Binary) and expr.op == "+"
    assert isinstance(expr.right, ast.Binary) and expr.right.op == "×"
    assert isinstance(expr.right.right, ast.IfThen)
    assert isinstance(expr.right.right.otherwise, ast.Binary)


def test_parenthesised_if_is_an_operand_anywhere() -> None:
    expr = award("(if credit_good is true then 1元 else 2元) × 3 + 4元")
    assert isinstance(expr, ast.Binary) and expr.op == "+"
    assert isinstance(expr.left, ast.Binary) and isinstance(expr.left.left, ast.IfThen)


@pytest.mark.parametrize("call", ["year(assessment_year)", "year (assessment_year)", "year\n(x)"])
def test_year_call_with_or_without_space(call: str) -> None:
    assert isinstance(award(call), ast.Year)


def test_a_field_called_year_is_still_a_path() -> None:
    expr = award("a.year + year")
    assert isinstance(expr, ast.Binary)
    assert expr.left.path.parts == ("a", "year") and expr.right.path.parts == ("year",)


@pytest.mark.parametrize("article", ["[ 第九条 ]", "[#3]"])
def test_articles_keep_their_text(article: str) -> None:
    text = HEADER.replace("[一]\n", f"{article}\n") + "}\n"
    clause = parse_policy(text, "t.policy").definitions[0].clauses[0]
    assert clause.node.citation.article == article[1:-1].strip()
