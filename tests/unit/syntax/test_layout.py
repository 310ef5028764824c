"""`eligibility fmt`'s layout (syntax/layout.py): idempotent, whitespace only (so comments and
Chinese text are kept to the character), the same compiled program, and the house style of the
shipped policies."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.compiler import compile_text
from eligibility.datalog.text import program_text
from eligibility.diagnostics import DiagnosticError
from eligibility.resources import shipped_policy_files
from eligibility.syntax.layout import format_policy
from eligibility.syntax.source import decode_policy

ROOT = Path(__file__).resolve().parents[3]


def _policy_texts() -> list[tuple[str, str]]:
    """Every .policy file that is UTF-8 and parses: the shipped ones, tests/ and examples/."""
    files = [*shipped_policy_files()]
    files += sorted((ROOT / "tests").rglob("*.policy")) + sorted(
        (ROOT / "examples").rglob("*.policy")
    )
    out = []
    for path in files:
        try:
            text = decode_policy(path.read_bytes(), path.name)
            format_policy(text, path.name)
        except DiagnosticError:
            continue  # not UTF-8 or a syntax error on purpose (diagnostic goldens)
        out.append((str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name, text))
    return out


POLICIES = _policy_texts()


def _ink(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _comments(text: str) -> list[str]:
    return [line.split("#", 1)[1].rstrip() for line in text.split("\n") if "#" in line]


def test_every_policy_file_is_covered() -> None:
    names = [name for name, _ in POLICIES]
    assert len([n for n in names if n.endswith(".policy") and "golden" in n]) >= 10
    assert len(names) >= 15


@pytest.mark.parametrize(("name", "text"), POLICIES, ids=[n for n, _ in POLICIES])
def test_idempotent_and_whitespace_only(name: str, text: str) -> None:
    once = format_policy(text, name)
    assert format_policy(once, name) == once
    assert _ink(once) == _ink(text)  # every comment, label and citation to the character
    assert _comments(once) == _comments(text)
    assert once.endswith("\n") and not once.endswith("\n\n")
    assert all(line == line.rstrip() for line in once.split("\n"))


@pytest.mark.parametrize("policy", shipped_policy_files(), ids=lambda p: p.stem)
def test_shipped_policies_are_in_the_layout_and_keep_their_program(policy: Path) -> None:
    text = policy.read_text(encoding="utf-8")
    assert format_policy(text, policy.name) == text, "run `eligibility fmt policies/`"
    shuffled = _respace(text, random.Random(policy.stem), newlines=True)
    assert program_text(compile_text(format_policy(shuffled, "x"), "x").program) == program_text(
        compile_text(text, "x").program
    )


@pytest.mark.parametrize(("name", "text"), POLICIES, ids=[n for n, _ in POLICIES])
def test_the_same_diagnostics_or_the_same_program(name: str, text: str) -> None:
    def outcome(source: str) -> object:
        try:
            compiled = compile_text(source, name)
        except DiagnosticError as error:  # spans move with the layout; codes and words do not
            return [(d.code, d.message, d.label, d.help) for d in error.diagnostics]
        return compiled.program

    assert outcome(format_policy(text, name)) == outcome(text)


# ── whitespace changed at random: the layout does not depend on it ──────────────────────────

_TOKEN_GAP = re.compile(r"(?<=[\w)}\]\"%元笔次件人家项年上下内]) (?=[\w({\[\"@+\-×*=<>!:])")


def _respace(text: str, rng: random.Random, newlines: bool) -> str:
    """The text with spaces between tokens doubled or (with `newlines`) broken into lines;
    never inside a label, a citation or a comment (the lines holding them are left alone
    apart from the spaces before them)."""
    out = []
    for line in text.split("\n"):
        if '"' in line or "[" in line or "#" in line:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = _TOKEN_GAP.sub(
            lambda _: rng.choice([" ", "  ", "   "] + (["\n    "] if newlines else [])),
            line[indent:],
        )
        out.append(" " * indent + body)
    return "\n".join(out)


SMALL = [(n, t) for n, t in POLICIES if len(t) < 20_000]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SMALL), st.integers(0, 2**32))
def test_spaces_within_lines_do_not_change_the_layout(policy: tuple[str, str], seed: int) -> None:
    name, text = policy
    respaced = _respace(text, random.Random(seed), newlines=False)
    assert format_policy(respaced, name) == format_policy(text, name)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SMALL), st.integers(0, 2**32))
def test_broken_lines_format_to_a_fixed_point(policy: tuple[str, str], seed: int) -> None:
    name, text = policy
    respaced = _respace(text, random.Random(seed), newlines=True)
    once = format_policy(respaced, name)
    assert format_policy(once, name) == once
    assert _ink(once) == _ink(text)


# ── the house style, rule by rule ────────────────────────────────────────────────────────────

MESSY = """\
# header comment
policy t   "标题"
document "渝知发〔2024〕22号"   # trailing
      dated 2024-05-06


values kinds "种类" = {  a ,b,c }
values wide "宽" = {
      a, b,
         c
  }

programme p "项目" [ 第一条 ] { requires "市场主体" : legal_form in { company } [第九条（一）]
excluded when none { exists s }
    # before amount
  amount [第十条] {
let x "金额" = min( 40 % × sum( s.amount ),
                  50 万元 ) [第十条]
      award = x+ year ( as_of ) × 0元
  at most 50万元 "上限"
  }


}
"""

EXPECTED = """\
# header comment
policy t "标题"
  document "渝知发〔2024〕22号"  # trailing
  dated 2024-05-06

values kinds "种类" = {a, b, c}
values wide "宽" = {
      a, b,
         c
}

programme p "项目" [第一条] {
  requires "市场主体": legal_form in {company} [第九条（一）]
  excluded when none { exists s }
  # before amount
  amount [第十条] {
    let x "金额" = min(40% × sum(s.amount),
                      50万元) [第十条]
    award = x + year(as_of) × 0元
    at most 50万元 "上限"
  }
}
"""


def test_the_layout_rule_by_rule() -> None:
    assert format_policy(MESSY, "t.policy") == EXPECTED
    assert format_policy(EXPECTED, "t.policy") == EXPECTED


def test_continuations() -> None:
    text = (
        'policy t "t"\n  document "d"\n\nrecords r "记录"\nfrom ip_contracts [一] {\n'
        '"标签":\ncredit_good is true\n  all "组" { credit_good is true\n  }\n}\n'
    )
    assert format_policy(text, "t.policy") == (
        'policy t "t"\n  document "d"\n\nrecords r "记录"\n    from ip_contracts [一] {\n'
        '  "标签": credit_good is true\n  all "组" {\n    credit_good is true\n  }\n}\n'
    )


def test_a_syntax_error_is_the_parser_diagnostic() -> None:
    with pytest.raises(DiagnosticError) as raised:
        format_policy('policy t "t"\n  document "d"\nprogramme p {', "t.policy")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "E0101" and diagnostic.span.line == 3


def _records(*nodes: str) -> str:
    body = "".join(f"  {node}\n" for node in nodes)
    return f'policy t "t"\n  document "d"\n\nrecords r "记录" from ip_contracts [一] {{\n{body}}}\n'


def test_a_labelled_condition_fits_on_its_line_or_breaks_after_the_label() -> None:
    short = '"信用良好":\n    credit_good is true [第九条（一）]'
    assert format_policy(_records(short), "t") == _records(
        '"信用良好": credit_good is true [第九条（一）]'
    )
    label = "申请人" * 14  # 84 cells: with its condition the line is over 100
    long = f'"{label}": credit_good is true [第九条（一）]'
    assert format_policy(_records(long), "t") == _records(
        f'"{label}":\n    credit_good is true [第九条（一）]'
    )
    at_the_limit = f'"{"申" * 35}": credit_good is true [一]'  # 2 + 73 + 20 + 5 = 100
    over = f'"{"申" * 36}": credit_good is true [一]'
    assert format_policy(_records(over), "t") == _records(over.replace(": ", ":\n    "))
    assert format_policy(_records(at_the_limit), "t") == _records(at_the_limit)
    with_comment = '"信用良好":  # why\n    credit_good is true'
    assert format_policy(_records(with_comment), "t") == _records(with_comment)


# ── comments anywhere between tokens ──────────────────────────────────────────────────────────


def _commented(text: str, rng: random.Random) -> str:
    """Comments added at random: after the code of some lines, and on lines of their own (a
    line end is always between two tokens: labels and citations do not span lines)."""
    out = []
    for number, line in enumerate(text.split("\n")):
        if rng.random() < 0.1:
            out.append(" " * rng.randrange(8) + f"# 注释 {number} [第一条] {{")
        out.append(line + (f"  #尾注 {number}" if line.strip() and rng.random() < 0.1 else ""))
    return "\n".join(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SMALL), st.integers(0, 2**32))
def test_comments_anywhere_are_kept_and_mean_nothing(policy: tuple[str, str], seed: int) -> None:
    name, text = policy
    commented = _commented(text, random.Random(seed))
    once = format_policy(commented, name)
    assert format_policy(once, name) == once
    assert _comments(once) == _comments(commented)
    assert _ink(once) == _ink(commented)
    try:
        expected: object = compile_text(text, name).program
    except DiagnosticError as error:
        expected = [d.code for d in error.diagnostics]
    try:
        actual: object = compile_text(once, name).program
    except DiagnosticError as error:
        actual = [d.code for d in error.diagnostics]
    assert actual == expected


def test_comments_stay_where_they_were() -> None:
    text = (
        'policy t "t"  # after the title\n  document "d"\n\n'
        'values v "v" = {  # the values\n  a,  # first\n  b\n}\n\n'
        'programme p "p" [一] {  # opens\n'
        '  requires "x":  # why\n    credit_good is true [一]\n'
        "  amount {\n    award = min(1元,  # one\n      2元)\n"
        "    # before the closing brace\n  }\n}  # closes\n# at the end\n"
    )
    assert format_policy(text, "t") == text
