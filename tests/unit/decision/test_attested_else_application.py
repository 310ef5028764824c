"""`attested X else application` in a record filter: a record's own reviewer finding decides it
(true counts it, false leaves it out); a record without one takes the application's finding;
with neither the record is undecided and `missing` names both the record's attestation and the
application's (渝北市监〔2024〕12号 二（一）2 "以转化实施为目的"). Plain `attested` keeps reading
only the record. The engine and the reference evaluator must agree on each."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import pytest

from eligibility.compiler import CompiledPolicy, compile_text
from eligibility.decision.proof import ProgrammeResult
from eligibility.diagnostics import DiagnosticError
from tests.support import contract, decide_small

# `found` counts the contracts the reviewer found for conversion, per record or else for the
# whole application, at 1万元 each; `own_only` reads only the record's finding (plain form).
POLICY = """policy t "测试"
  document "测〔2024〕1号"
  in force from 2024-03-01 until 2025-12-31 [一]
  applicant organisation [一]

facts {
  criterion purpose_conversion_implementation "以转化实施为目的" [二]
  criterion c "评审认定事项 c" [二]
}

records found "以转化实施为目的的交易" from ip_contracts [二] {
  "以转化实施为目的（评审认定）": attested purpose_conversion_implementation else application [二]
}

records own_only "逐笔认定以转化实施为目的的交易" from ip_contracts [二] {
  "逐笔认定": attested purpose_conversion_implementation [二]
}

programme conversion "转化实施奖补" [二] {
  requires "有以转化实施为目的的交易": exists found [二]
  amount [二] {
    award "每笔1万元" = sum(found: 1万元) [二]
  }
}

programme per_record "逐笔奖补" [三] {
  requires "有逐笔认定的交易": exists own_only [三]
  amount [三] {
    award "每笔1万元" = sum(own_only: 1万元) [三]
  }
}
"""

CRITERION = "purpose_conversion_implementation"
FINDING = f"reviewer_attestations.{CRITERION}"


@cache
def compiled() -> CompiledPolicy:
    return compile_text(POLICY, "t.policy")


def _finding(value: bool) -> dict[str, Any]:
    return {CRITERION: {"value": value, "reviewer": "张三", "date": "2024-10-20"}}


def _deal(record_id: str, finding: bool | None) -> dict[str, Any]:
    own = None if finding is None else _finding(finding)
    return contract(record_id, "100000.00", reviewer_attestations=own)


def _results(
    findings: dict[str, bool | None], application: bool | None
) -> dict[str, ProgrammeResult]:
    extra = {} if application is None else {"reviewer_attestations": _finding(application)}
    deals = [_deal(k, v) for k, v in findings.items()]
    return decide_small(compiled(), ip_contracts=deals, **extra)


@pytest.mark.parametrize("application", [True, False, None])
@pytest.mark.parametrize("own", [True, False, None])
def test_the_record_decides_else_the_application(
    own: bool | None, application: bool | None
) -> None:
    result = _results({"T1": own}, application)["conversion"]
    decisive = own if own is not None else application
    if decisive is None:
        assert (result.outcome, result.amount) == ("undetermined", None)
        assert result.missing == (f"ip_contracts[T1].{FINDING}", FINDING)
    elif decisive:
        assert (result.outcome, result.amount) == ("qualifies", Decimal("10000.00"))
        assert result.missing == ()
    else:
        assert (result.outcome, result.amount) == ("does_not_qualify", None)


def test_records_found_true_count_without_an_application_finding() -> None:
    result = _results({"T1": True, "T2": True}, None)["conversion"]
    assert (result.outcome, result.amount) == ("qualifies", Decimal("20000.00"))


def test_a_record_found_true_counts_against_an_application_found_false() -> None:
    result = _results({"T1": True, "T2": None}, False)["conversion"]
    assert (result.outcome, result.amount) == ("qualifies", Decimal("10000.00"))
    assert result.amount_proof is not None
    shown = [line.computation for line in result.amount_proof.lines]
    assert f"T2 ({FINDING} = not stated; application {FINDING} = false)" in " ".join(shown)


def test_a_record_found_false_is_left_out_under_an_application_found_true() -> None:
    result = _results({"T1": False, "T2": None}, True)["conversion"]
    assert (result.outcome, result.amount) == ("qualifies", Decimal("10000.00"))


def test_an_unfound_record_is_undecided_beside_a_found_one() -> None:
    result = _results({"T1": True, "T2": None}, None)["conversion"]
    assert (result.outcome, result.amount, result.max_amount) == (
        "qualifies",
        Decimal("10000.00"),
        Decimal("20000.00"),
    )
    assert result.missing == (f"ip_contracts[T2].{FINDING}", FINDING)


def test_plain_attested_still_reads_only_the_record() -> None:
    results = _results({"T1": None}, True)
    assert results["per_record"].outcome == "undetermined"
    assert results["per_record"].missing == (f"ip_contracts[T1].{FINDING}",)


@pytest.mark.parametrize(
    "where",
    [
        'programme p "p" [二] {\n  requires "x": attested c else application [二]\n}\n',
        'records s "s" from ip_contracts [二] { }\nprogramme p "p" [二] {\n  requires "x":'
        ' exists s [二]\n  amount [二] {\n    award "a" = sum(s: if attested c else'
        " application then 1万元 else 0元) [二]\n  }\n}\n",
    ],
)
def test_the_fallback_is_only_for_record_filters(where: str) -> None:
    header = POLICY.split("\nrecords", 1)[0] + "\n"
    with pytest.raises(DiagnosticError) as raised:
        compile_text(header + where, "t.policy")
    assert [d.code for d in raised.value.diagnostics] == ["E0306"]
    assert "else application" in raised.value.diagnostics[0].message
