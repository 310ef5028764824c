"""Reading a test file: the YAML rules (floats refused, duplicate keys, merges), defaults,
`unknown:`, expectations, and problems reported at file:line:column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from policytests_testing import OPERATION, at, load, messages

from eligibility.policytests.load import full_citation
from eligibility.policytests.source import Location, locate, parse

CQ = "渝知发〔2024〕22号"


def _facts(suite, index: int = 0) -> dict[str, object]:
    return {f.field: f.value for f in suite.cases[index].applicant.facts}


def test_a_yaml_float_for_money_is_refused_with_its_line(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: float money
            applicant:
              ip_contracts:
                - {<<: *deal, registered_contract_amount: 500000.00}
            expect:
              cq_operation_performance_subsidy: {outcome: qualifies}
        """,
    )
    assert messages(suite) == [
        (
            f"{at(tmp_path, '500000.00')}: 500000.00 is written as a number with a decimal point, which YAML "
            "reads as a binary fraction that can lose the fen: write amounts of money in quotes, "
            'as "500000.00"'
        )
    ]
    assert suite.cases == ()


def test_an_expected_amount_must_be_a_string(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: float amount
            expect:
              cq_operation_performance_subsidy: {outcome: qualifies, amount: 8000.5}
          - name: integer amount
            expect:
              cq_operation_performance_subsidy: {outcome: qualifies, amount: 8000}
        """,
    )
    shown = messages(suite)
    assert shown[0].startswith(f"{at(tmp_path, '8000.5')}: 8000.5 is written as a number with")
    assert shown[1] == (
        f"{at(tmp_path, '8000}')}: case 'integer amount': `amount` 8000 is not an "
        "amount of money: write yuan in quotes with at most two decimals, "
        'e.g. "8000.00"'
    )
    assert len(shown) == 2


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    suite = load(tmp_path, "cases:\n  - name: [unclosed\n")
    assert len(suite.problems) == 1
    line = int(at(tmp_path, "[unclosed").split(":")[1])
    assert suite.problems[0].where.line in (line, line + 1)
    assert suite.problems[0].message.startswith("not valid YAML: while parsing a flow sequence")


def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: twice
            applicant: {credit_good: true, credit_good: false}
            expect:
              cq_operation_performance_subsidy: {outcome: qualifies}
        """,
    )
    first = at(tmp_path, "credit_good", 2).split(":")[1]
    assert messages(suite) == [
        (
            f"{at(tmp_path, 'credit_good', 3)}: `credit_good` is written "
            f"twice in this block (first on line {first}): keep one"
        )
    ]


def test_defaults_merge_mappings_and_replace_lists(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: merged
            context: {application_date: 2024-06-01}
            applicant:
              operating_regions: ["500112"]
              reviewer_attestations:
                cq6_2_industry_fit: {value: true, reviewer: 专家, date: 2024-05-30}
            expect:
              cq_operation_performance_subsidy: {outcome: does_not_qualify}
        """,
    )
    assert not suite.problems
    applicant = suite.cases[0].applicant
    facts = [(f.field, f.value) for f in applicant.facts]
    assert ("operating_regions", "500103") not in facts  # the list was replaced
    assert ("operating_regions", "500112") in facts
    assert ("reviewer_attestations.cq9_2_typical_cases", True) in facts  # mapping merged
    assert ("reviewer_attestations.cq6_2_industry_fit", True) in facts
    assert (
        str(applicant.context.as_of) == "2024-06-01" and applicant.context.assessment_year == 2024
    )
    assert applicant.applicant_id == "case-1"


def test_unknown_removes_a_default(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: no credit
            unknown: [credit_good, reviewer_attestations.cq9_2_typical_cases]
            expect:
              cq_operation_performance_subsidy: {outcome: undetermined}
          - name: nothing to remove
            unknown: [credit_god]
            expect:
              cq_operation_performance_subsidy: {outcome: undetermined}
        """,
    )
    assert messages(suite) == [
        (
            f"{at(tmp_path, '[credit_god]')}: case 'nothing to remove': `unknown: "
            "credit_god` names no field given by `defaults:` or by the case"
        )
    ]
    fields = _facts(suite)
    assert "credit_good" not in fields
    assert "reviewer_attestations.cq9_2_typical_cases" not in fields


def test_merge_keys_copy_a_template_and_own_keys_win(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: two deals
            applicant:
              ip_contracts:
                - {<<: *deal, record_id: T1}
                - {<<: *deal, record_id: T2, registered_contract_amount: "1.25"}
            expect:
              cq_operation_performance_subsidy: {outcome: does_not_qualify}
        """,
    )
    assert not suite.problems
    records = suite.cases[0].applicant.records
    amounts = {
        r.record_id: next(f.value for f in r.facts if f.field == "registered_contract_amount")
        for r in records
    }
    assert amounts == {"T1": Decimal("200000.00"), "T2": Decimal("1.25")}
    dates = {str(f.value) for r in records for f in r.facts if f.field == "cnipa_registration_date"}
    assert dates == {"2024-03-02"}  # a YAML date is read as the ISO date it spells


def test_validator_errors_point_at_the_yaml_value(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: bad values
            applicant:
              registered_region: 500112
              ip_contracts:
                - {<<: *deal, served_party: nobody}
            expect:
              cq_operation_performance_subsidy: {outcome: qualifies}
        """,
    )
    assert messages(suite) == [
        (
            f"{at(tmp_path, 'nobody')}: case 'bad values': applicant.ip_contracts[0].served_party: "
            '"nobody" is not allowed: allowed values are transferor, transferee, both'
        ),
        (
            f"{at(tmp_path, '500112', 2)}: case 'bad values': applicant.registered_region: 500112 is not a "
            'region code: write the 6-digit GB/T 2260 code as a string, e.g. "500112" (YAML reads '
            '500112 as a number: write it in quotes, "500112")'
        ),
    ]


def test_an_error_in_defaults_is_reported_where_defaults_say_it(tmp_path: Path) -> None:
    header = (
        "defaults:\n  context: {application_date: 2025-03-15}\n"
        '  applicant:\n    credit_good: "yes"\n'
    )
    suite = load(
        tmp_path,
        """\
        cases:
          - name: one
            expect:
              cq_operation_performance_subsidy: {outcome: qualifies}
        """,
        header,
    )
    where = at(tmp_path, '"yes"')
    assert messages(suite) == [
        (f"{where}: case 'one': applicant.credit_good: expected true or false: got \"yes\"")
    ]


def test_expectation_mistakes(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: mistakes
            expcet: {}
            expect:
              cq_operation_performance_subsidy: {outcome: qualify}
              cq_operation_performance_subsidey: {outcome: qualifies}
          - name: mistakes
            expect: {}
        """,
    )
    assert messages(suite) == [
        (
            f"{at(tmp_path, 'expcet')}: unknown key `expcet` in case 1 (did you mean `expect`?); allowed "
            "here: name, description, context, applicant, unknown, expect"
        ),
        (
            f"{at(tmp_path, 'qualify}')}: case 'mistakes', `cq_operation_performance_subsidy`: `outcome` is "
            "'qualify'; write one of qualifies, does_not_qualify, undetermined"
        ),
        (
            f"{at(tmp_path, 'cq_operation_performance_subsidey')}: case 'mistakes': `cq_operation_performance_subsidey` is not a "
            "programme of policies/chongqing-2024.policy (did you mean "
            "`cq_operation_performance_subsidy`?)"
        ),
        (
            f"{at(tmp_path, 'mistakes', 2)}: case 'mistakes': another case has this name (line {at(tmp_path, 'mistakes').split(':')[1]}): names must "
            "be unique"
        ),
        (
            f"{at(tmp_path, '{}', 2)}: case 'mistakes' needs `expect:` with at least one programme, e.g. "
            "`cq_centre_construction_comprehensive:` then `outcome: qualifies`"
        ),
    ]


def test_an_interpretation_the_policy_does_not_offer(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """\
        cases:
          - name: reading
            context: {interpretations: {cq_branchA_amount_basis: each}}
            expect:
              cq_operation_performance_subsidy: {outcome: qualifies}
        """,
    )
    assert len(suite.problems) == 1
    assert str(suite.problems[0].where) == at(tmp_path, "each")
    assert "cq_branchA_amount_basis" in suite.problems[0].message


def test_an_expectation_is_read_in_full(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        f"""\
        cases:
          - name: full
            expect:
              {OPERATION}:
                outcome: undetermined
                amount: "8000"
                max_amount: "500000.00"
                missing: [credit_good]
                citations: [第十三条, "{CQ}第九条 (二)"]
                because: 第九条（一）
        """,
    )
    assert not suite.problems
    (expectation,) = suite.cases[0].expectations
    assert expectation.amount == Decimal(8000) and expectation.max_amount == Decimal(500000)
    assert expectation.missing == ("credit_good",)
    assert expectation.citations == (f"{CQ} 第十三条", f"{CQ} 第九条（二）")
    assert expectation.because == (f"{CQ} 第九条（一）",)


@pytest.mark.parametrize(
    ("written", "document", "full"),
    [
        ("第十三条", CQ, f"{CQ} 第十三条"),
        (f"{CQ} 第十三条", CQ, f"{CQ} 第十三条"),
        (f"{CQ}第九条(二)", CQ, f"{CQ} 第九条（二）"),
        ("第九条 （二）", CQ, f"{CQ} 第九条（二）"),
        ("二（一）1", "渝北市监〔2024〕12号", "渝北市监〔2024〕12号 二（一）1"),
        ("第十一条; A-31", "京财经建〔2022〕118号", "京财经建〔2022〕118号 第十一条; A-31"),
        ("第二十七条", "《上海市细则》", "《上海市细则》第二十七条"),
    ],
)
def test_full_citation(written: str, document: str, full: str) -> None:
    assert full_citation(written, document) == full


def test_locate_follows_a_json_path() -> None:
    root, problems = parse("a:\n  b:\n    - x\n    - {c: 1}\n", "f.yaml")
    assert not problems
    assert locate(root, "$.a.b[1].c", Location("f.yaml", 1, 1))[0] == Location("f.yaml", 4, 11)
    assert locate(root, "$.a.b[1].d", Location("f.yaml", 1, 1)) == (Location("f.yaml", 4, 7), None)
