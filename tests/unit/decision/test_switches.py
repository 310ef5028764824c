"""Interpretation switches are checked and reported (issue #7 item 5; rule inventory §7).

A name no policy applied declares, or a value its switch does not offer, is an input error
(exit 2, the JSON path, a suggestion); a result that rests on a switch in its default reading
says which, in the JSON and in the explanation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eligibility.commands import main
from eligibility.evaluate import InterpretationError, decide
from eligibility.render.text import explain_lines
from tests.support import applicant, chongqing, contracts_totalling, document

OPERATION = "cq_operation_performance_subsidy"


def with_switches(**switches: str) -> dict[str, Any]:
    doc = document(contracts_totalling("600000.00", 3))
    doc["context"]["interpretations"] = switches
    return doc


def test_a_misspelt_switch_name_is_an_input_error_with_a_suggestion() -> None:
    with pytest.raises(InterpretationError) as raised:
        decide((chongqing(),), applicant(with_switches(cq_branchA_amount_basys="total")))
    assert raised.value.code == "V-UNKNOWN"
    message = str(raised.value)
    assert message.startswith("$.context.interpretations.cq_branchA_amount_basys: ")
    assert "did you mean cq_branchA_amount_basis?" in message


def test_an_unknown_value_suggests_the_nearest_reading() -> None:
    with pytest.raises(InterpretationError, match="did you mean per_transaction") as raised:
        decide((chongqing(),), applicant(with_switches(cq_branchA_amount_basis="per_transactoin")))
    assert raised.value.code == "V-ENUM"


def test_check_exits_2_with_an_error_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "applicant.json"
    path.write_text(json.dumps(with_switches(no_such_switch="x")), encoding="utf-8")
    code = main(
        ["check", str(path), "--format", "json", "--policy", "policies/chongqing-2024.policy"]
    )
    assert code == 2
    (error,) = json.loads(capsys.readouterr().out)["errors"]
    assert (error["code"], error["path"]) == (
        "V-UNKNOWN",
        "$.context.interpretations.no_such_switch",
    )


def test_a_result_resting_on_a_default_reading_says_which() -> None:
    decision = decide((chongqing(),), applicant(with_switches()))
    result = next(r for r in decision.results if r.programme == OPERATION)
    # A-02 in the conditions; A-03 and A-05 in sets' filters
    first, scope, overlap = result.defaults
    assert first.startswith("cq_branchA_amount_basis = total（默认口径 the default）: A-02")
    assert scope.startswith(
        "cq_eligibility_record_scope = same_as_performance（默认口径 the default）: A-03"
    )
    assert overlap.startswith(
        "cq_construction_overlap_rule = overlap（默认口径 the default）: A-05"
    )
    text = ["".join(t for t, _ in line) for line in explain_lines(decision, "en")]
    assert any(
        t.startswith("decided with the default reading: cq_branchA_amount_basis") for t in text
    )


def test_a_reading_chosen_in_the_file_is_not_reported_as_a_default() -> None:
    decision = decide(
        (chongqing(),), applicant(with_switches(cq_branchA_amount_basis="per_transaction"))
    )
    result = next(r for r in decision.results if r.programme == OPERATION)
    assert [d.split(" = ")[0] for d in result.defaults] == [
        "cq_eligibility_record_scope",
        "cq_construction_overlap_rule",
    ]
