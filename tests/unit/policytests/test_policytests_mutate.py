"""`eligibility mutate`: the mutation sites of a policy text, each operator, the classification
of mutants (killed, survived, invalid, unchanged) and the command's exit codes, on a tiny
policy (the shipped ones take minutes)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.commands import main
from eligibility.compiler import compile_text
from eligibility.diagnostics import DiagnosticError
from eligibility.policytests.commands import load_suites
from eligibility.policytests.mutants import Mutant, apply, mutants
from eligibility.policytests.mutate import affected_programmes, mutate_policy

HEADER = (
    'policy t "测试"\n  document "渝知发〔2024〕22号"\n  applicant organisation\n'
    "  in force from 2024-05-06 [第二十一条]\n\n"
)
UNDATED = HEADER.replace("  in force from 2024-05-06 [第二十一条]\n", "")
# 15人以上 is pinned by the cases (15 qualifies, 14 does not); the cap of 5万元 is not: the
# award of 2万元 never reaches it.
POLICY = (
    HEADER
    + """programme p "测试" [第九条] {
  requires all "人员和信用" [第六条] {
    "人员": full_time_ip_operation_staff 15人以上 [第六条（三）]
    "信用": credit_good is true [第六条]
  }
  amount [第十条] {
    award "补贴" = 2万元 [第十条]
    at most 5万元 "上限" [第十条]
  }
}
"""
)
CASES = """\
defaults:
  context: {application_date: 2025-03-15, assessment_year: 2024}
  applicant: {legal_form: company, credit_good: true}
cases:
  - name: 15 staff qualify
    applicant: {full_time_ip_operation_staff: 15}
    expect:
      p: {outcome: qualifies, amount: "20000.00"}
  - name: 14 staff do not
    applicant: {full_time_ip_operation_staff: 14}
    expect:
      p: {outcome: does_not_qualify}
"""


def _shown(text: str) -> list[tuple[int, int, str, str]]:
    return [(m.span.line, m.span.column, m.operator, m.shown) for m in mutants(text, "t.policy")]


def _condition(condition: str) -> str:
    return UNDATED + f'programme p "测试" [第九条] {{\n  requires "x": {condition} [第六条]\n}}\n'


def test_the_sites_of_a_policy_are_its_numbers_dates_words_and_groups() -> None:
    assert _shown(POLICY) == [
        (4, 17, "date+1", "2024-05-06 → 2024-05-07"),
        (4, 17, "date−1", "2024-05-06 → 2024-05-05"),
        (7, 12, "all↔any", "all → any"),
        (8, 40, "×10", "15人 → 150人"),  # ÷10 would be 1.5人: not a count, no mutant
        (8, 40, "+1", "15人 → 16人"),
        (8, 40, "−1", "15人 → 14人"),
        (8, 40, "≥→>", "15人以上 → 超过 15人"),
        (12, 18, "×10", "2万元 → 20万元"),
        (12, 18, "÷10", "2万元 → 0.2万元"),
        (12, 18, "+1", "2万元 → 20000.01元"),  # a fen, written in 元
        (12, 18, "−1", "2万元 → 19999.99元"),
        (13, 13, "×10", "5万元 → 50万元"),
        (13, 13, "÷10", "5万元 → 0.5万元"),
        (13, 13, "+1", "5万元 → 50000.01元"),
        (13, 13, "−1", "5万元 → 49999.99元"),
    ]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("full_time_ip_operation_staff >= 15人", ["≥→> >= → >", "×10", "+1", "−1"]),
        ("full_time_ip_operation_staff 不少于 15人", ["≥→> 不少于 → 超过", "×10", "+1", "−1"]),
        ("full_time_ip_operation_staff 超过 15人", [">→≥ 超过 → 不少于", "×10", "+1", "−1"]),
        ("full_time_ip_operation_staff 不超过 15人", ["≤→< 不超过 → 低于", "×10", "+1", "−1"]),
        ("full_time_ip_operation_staff 不满 15人", ["<→≤ 不满 → 不超过", "×10", "+1", "−1"]),
        ("full_time_ip_operation_staff < 15人", ["<→≤ < → <=", "×10", "+1", "−1"]),
        ("full_time_ip_operation_staff 20人以下", ["×10", "÷10", "+1", "−1", "≤→< 20人以下 → 低于 20人"]),
        ("full_time_ip_operation_staff = 15人", ["×10", "+1", "−1"]),  # = is no boundary
    ],
)  # fmt: skip
def test_comparison_words_move_the_boundary_in_the_style_they_are_written(
    condition: str, expected: list[str]
) -> None:
    found = [
        f"{operator} {shown}" if "→" in operator and operator[0] in "≥≤><" else operator
        for _, _, operator, shown in _shown(_condition(condition))
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("2%", ["20%", "0.2%", "3%", "1%"]),
        ("0.5%", ["5%", "0.05%", "0.6%", "0.4%"]),  # ±1 in the last written place
        ("1.5亿元", ["15亿元", "0.15亿元", "150000000.01元", "149999999.99元"]),
        ("0元", ["0.01元"]),  # ×10 and ÷10 change nothing, and money is never negative
        ("30次", ["300次", "3次", "31次", "29次"]),
    ],
)
def test_number_operators(quantity: str, expected: list[str]) -> None:
    text = (
        UNDATED + f'programme p "测试" [第九条] {{\n  amount {{\n    award = {quantity}\n  }}\n}}\n'
    )
    assert [m.replacement for m in mutants(text, "t.policy")] == expected


@given(
    # below the policy language's limit for amounts, 10^12 元 once the unit is applied (E0310)
    number=st.decimals(min_value=0, max_value=999, places=2, allow_nan=False),
    unit=st.sampled_from(["万元", "元", "亿元", "%", "笔", "人", ""]),
)
@settings(max_examples=60, deadline=None)
def test_every_number_mutant_is_a_number_the_grammar_reads(number: Decimal, unit: str) -> None:
    written = format(number, "f")
    if unit in ("笔", "人"):
        written = str(int(number))
    text = (
        UNDATED
        + f'programme p "测试" [第九条] {{\n  amount {{\n    award = {written}{unit}\n  }}\n}}\n'
    )
    for mutant in mutants(text, "t.policy"):
        digits = mutant.replacement.removesuffix("元").rstrip("万亿%笔人")
        assert re.fullmatch(r"[0-9]+(\.[0-9]+)?", digits), mutant.replacement
        scale = {"万元": 10**4, "亿元": 10**8}.get(unit, 1)
        before = Decimal(written) * scale
        after = Decimal(digits) * (scale if mutant.replacement.endswith(("万元", "亿元")) else 1)
        assert after != before, mutant  # never the same value written another way


def test_a_group_of_one_node_is_no_site() -> None:
    one = 'programme p "测试" [第九条] {\n  requires any { credit_good is true [第六条] }\n}\n'
    two = one.replace("[第六条] }", "[第六条] credit_good is true [第七条] }")
    assert [m.operator for m in mutants(UNDATED + two, "t.policy")] == ["all↔any"]
    text = UNDATED + one
    assert [m.operator for m in mutants(text, "t.policy")] == []


def test_every_mutant_is_one_edit_and_compiles() -> None:
    for mutant in mutants(POLICY, "t.policy"):
        text = apply(POLICY, mutant)
        assert text[: mutant.start] == POLICY[: mutant.start]
        assert text[mutant.start + len(mutant.replacement) :] == POLICY[mutant.end :]
        compile_text(text, "t.policy")  # raises DiagnosticError if it does not


def test_a_step_nothing_reads_and_a_pool_no_round_shares_change_only_the_explanation(
    tiny: Path,
) -> None:
    text = POLICY.replace(
        '    award "补贴" = 2万元 [第十条]\n',
        '    let shown "仅展示" = 1.5万元\n    let used = 2万元\n    award "补贴" = used [第十条]\n',
    ).replace('"上限" [第十条]\n', '"上限" [第十条]\n    pool 500万元 "总额" [第十条]\n')
    found = mutants(text, "t.policy")
    assert {m.original for m in found if m.explanation_only} == {"1.5万元"}
    assert {m.original for m in found if m.round_only} == {"500万元"}
    tiny.write_text(text, encoding="utf-8")
    [(suite, compiled)], _ = load_suites([str(tiny)])
    report = mutate_policy(suite, compiled, text, "t.policy", jobs=1, lines=frozenset({12, 16}))
    assert {r.mutant.original: r.status for r in report.results} == {
        "1.5万元": "explanation",
        "500万元": "explanation",
    }
    assert {r.note for r in report.results if r.mutant.original == "500万元"} == {
        "only a funding round reads it, and the test file has none"
    }


ROUNDS = """rounds:
  - name: five fill the pool
    applicants: [{case: 15 staff qualify, copies: 5}]
    expect:
      pools: {p: {status: not_exceeded, allocated: "100000.00"}}
  - name: six exceed it
    applicants: [{case: 15 staff qualify, copies: 6}]
    expect:
      pools: {p: {status: prorated, requested: "120000.00", allocated: "100000.00"}}
      awards: {case-1-1: {p: "16666.67"}, case-1-5: {p: "16666.66"}}
"""


def test_funding_rounds_that_fill_and_exceed_a_pool_kill_its_mutants(tiny: Path) -> None:
    """Five awards of 2万元 fill a pool of 10万元; six exceed it, pro rata (the four fen
    left over go to the smallest ids). Every mutant of the pool changes one of the rounds."""
    text = POLICY.replace('"上限" [第十条]\n', '"上限" [第十条]\n    pool 10万元 "总额" [第十条]\n')
    tiny.write_text(text, encoding="utf-8")
    (tiny.parent / "t.tests.yaml").write_text(CASES + ROUNDS, encoding="utf-8")
    [(suite, compiled)], problems = load_suites([str(tiny)])
    assert problems == []
    assert [a.applicant_id for a in suite.rounds[1].applicants] == [
        f"case-1-{k}" for k in range(1, 7)
    ]
    report = mutate_policy(suite, compiled, text, "t.policy", jobs=1, lines=frozenset({14}))
    assert {r.mutant.shown: (r.status, r.note) for r in report.results} == {
        "10万元 → 100万元": ("killed", "round six exceed it"),
        "10万元 → 1万元": ("killed", "round five fill the pool"),
        "10万元 → 100000.01元": ("killed", "round six exceed it"),
        "10万元 → 99999.99元": ("killed", "round five fill the pool"),
    }
    assert report.failing_cases == ()


def test_a_policy_that_does_not_parse_has_no_mutants() -> None:
    with pytest.raises(DiagnosticError):
        mutants(POLICY.replace("15人以上", "15人 以上 以上"), "t.policy")


def test_only_the_programmes_an_edit_changes_are_affected() -> None:
    two = POLICY + POLICY[len(HEADER) :].replace("programme p ", "programme q ")
    before = compile_text(two, "t.policy").policy
    cap = next(m for m in mutants(two, "t.policy") if m.shown == "5万元 → 50万元")
    after = compile_text(apply(two, cap), "t.policy").policy
    assert affected_programmes(before, after) == {"p"}
    date = next(m for m in mutants(two, "t.policy") if m.operator == "date+1")
    assert affected_programmes(before, compile_text(apply(two, date), "t.policy").policy) == {
        "p",
        "q",
    }
    assert affected_programmes(before, before) == frozenset()


# ── running the cases against the mutants ──────────────────────────────────────────────────


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "t.policy").write_text(POLICY, encoding="utf-8")
    (tmp_path / "t.tests.yaml").write_text(CASES, encoding="utf-8")
    return tmp_path / "t.policy"


def _statuses(policy: Path, lines: frozenset[int] = frozenset()) -> dict[str, tuple[str, str]]:
    [(suite, compiled)], problems = load_suites([str(policy)])
    assert problems == []
    report = mutate_policy(suite, compiled, POLICY, "t.policy", jobs=1, lines=lines)
    return {f"{r.mutant.span.line} {r.mutant.shown}": (r.status, r.note) for r in report.results}


def test_a_pinned_boundary_is_killed_and_an_unpinned_cap_survives(tiny: Path) -> None:
    found = _statuses(tiny, frozenset({8, 13}))
    assert found == {
        "8 15人 → 150人": ("killed", "15 staff qualify"),
        "8 15人 → 16人": ("killed", "15 staff qualify"),
        "8 15人 → 14人": ("killed", "14 staff do not"),
        "8 15人以上 → 超过 15人": ("killed", "15 staff qualify"),
        "13 5万元 → 50万元": ("survived", ""),
        "13 5万元 → 0.5万元": ("killed", "15 staff qualify"),
        "13 5万元 → 50000.01元": ("survived", ""),
        "13 5万元 → 49999.99元": ("survived", ""),
    }


def test_a_case_where_the_cap_binds_kills_the_cap_mutants(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny.write_text(POLICY.replace("= 2万元", "= 6万元"), encoding="utf-8")
    (tiny.parent / "t.tests.yaml").write_text(CASES.replace('"20000.00"', '"50000.00"'))
    assert main(["mutate", str(tiny), "--jobs", "1", "--line", "13"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "4 mutant(s): 4 killed, 0 survived, 0 invalid, 0 unchanged, 0 explanation"
    )


def test_a_mutant_that_does_not_compile_is_invalid_not_a_survivor(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = POLICY.index("15人以上")
    fraction = Mutant("÷10", start, start + 3, "15人", "1.5人", mutants(POLICY, "t")[3].span)
    monkeypatch.setattr("eligibility.policytests.mutate.mutants", lambda text, file: (fraction,))
    [(suite, compiled)], _ = load_suites([str(tiny)])
    (result,) = mutate_policy(suite, compiled, POLICY, "t.policy", jobs=1).results
    assert (result.status, result.note) == ("invalid", "a count in 人 must be a whole number")


def test_parallel_and_serial_runs_agree(tiny: Path) -> None:
    [(suite, compiled)], _ = load_suites([str(tiny)])
    serial = mutate_policy(suite, compiled, POLICY, "t.policy", jobs=1)
    parallel = mutate_policy(suite, compiled, POLICY, "t.policy", jobs=2)
    assert [r.status for r in serial.results] == [r.status for r in parallel.results]


# ── the command ────────────────────────────────────────────────────────────────────────────


def test_survivors_are_listed_with_their_place_and_exit_1(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mutate", str(tiny), "--jobs", "1", "--line", "13"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "  t.policy:13:13 5万元 → 50万元 survived  [×10]" in out
    assert out[-1] == ("4 mutant(s): 1 killed, 3 survived, 0 invalid, 0 unchanged, 0 explanation")


def test_no_survivor_exits_0_and_json_lists_every_mutant(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mutate", str(tiny), "--jobs", "1", "--line", "8", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["schema"] == "eligibility.policy-mutants/1"
    assert found["survived"] == 0
    (policy,) = found["policies"]
    nothing = {"survived": 0, "invalid": 0, "unchanged": 0, "explanation": 0}
    assert policy["counts"] == {"killed": 4, **nothing}
    assert policy["by_operator"]["≥→>"] == {"killed": 1, **nothing}
    assert policy["mutants"][0] == {
        "file": policy["policy"],
        "line": 8,
        "column": 40,
        "operator": "×10",
        "original": "15人",
        "mutated": "150人",
        "status": "killed",
        "note": "15 staff qualify",
    }


def test_a_policy_that_does_not_compile_exits_3(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny.write_text(POLICY.replace("15人以上", "15人以上以上"), encoding="utf-8")
    assert main(["mutate", str(tiny), "--jobs", "1"]) == 3
    assert "t.policy:8:" in capsys.readouterr().err


def test_a_missing_test_file_exits_2(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny.parent / "t.tests.yaml").unlink()
    assert main(["mutate", str(tiny), "--jobs", "1"]) == 2
    assert "no such test file" in capsys.readouterr().err


def test_a_case_failing_on_the_policy_itself_is_not_used_and_exits_1(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tiny.parent / "t.tests.yaml").write_text(CASES.replace('"20000.00"', '"20000.01"'))
    assert main(["mutate", str(tiny), "--jobs", "1", "--line", "8"]) == 1
    out = capsys.readouterr().out
    assert "not used: case '15 staff qualify' fails on the policy itself" in out


# ── coverage per condition and per amount term ─────────────────────────────────────────────


def test_coverage_by_condition_lists_the_cases_deciding_each_node_each_way(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["coverage", str(tiny), "--by", "condition", "--format", "json"]) == 1
    (policy,) = json.loads(capsys.readouterr().out)["policies"]
    by_label = {e["label"]: e for e in policy["entries"]}
    staff = by_label["人员"]
    assert (staff["kind"], staff["line"], staff["flagged"]) == ("condition", 8, False)
    assert staff["decided"] == {
        "holds": ["15 staff qualify"],
        "fails": ["14 staff do not"],
        "undetermined": [],
    }
    credit = by_label["信用"]  # true in both cases: a mutant negating it would go unnoticed
    assert (credit["decided"]["holds"], credit["decided"]["fails"], credit["flagged"]) == (
        ["15 staff qualify", "14 staff do not"],
        [],
        True,
    )
    assert by_label["补贴"]["decided"]["non-zero"] == ["15 staff qualify"]
    cap = by_label["上限"]
    assert (cap["kind"], cap["decided"]["within"], cap["decided"]["binds"], cap["flagged"]) == (
        "cap",
        ["15 staff qualify"],
        [],
        True,
    )


def test_coverage_by_condition_text_marks_what_is_not_decided_both_ways(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny.write_text(POLICY.replace("= 2万元", "= 6万元"), encoding="utf-8")
    (tiny.parent / "t.tests.yaml").write_text(CASES.replace('"20000.00"', '"50000.00"'))
    assert main(["coverage", str(tiny), "--by", "condition"]) == 1
    lines = capsys.readouterr().out.splitlines()
    cap = next(line for line in lines if "上限" in line)
    assert cap.split()[:5] == ["13", "cap", "1", "0", "0"]  # binds in 1 case, within in none
    assert cap.endswith("⚑")
    staff = next(line for line in lines if line.split()[:2] == ["8", "condition"])
    assert staff.split()[:5] == ["8", "condition", "1", "1", "0"] and not staff.endswith("⚑")


def test_a_changed_award_affects_the_programmes_that_read_it() -> None:
    # q gives way when p's award is higher (京 第十四条): a mutant of p's cap changes q's verdict
    reader = POLICY[len(HEADER) :].replace("programme p ", "programme q ")
    reader = reader.replace(
        "  amount", '  excluded when "p的支持金额更高": award(p) > award(q) [第十条]\n  amount', 1
    )
    two = POLICY + reader
    before = compile_text(two, "t.policy").policy
    cap = next(m for m in mutants(two, "t.policy") if m.shown == "5万元 → 50万元")
    after = compile_text(apply(two, cap), "t.policy").policy
    assert affected_programmes(before, after) == {"p", "q"}
