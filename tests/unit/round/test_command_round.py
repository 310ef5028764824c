"""`eligibility round` end to end on the shipped example rounds: the totals worked by hand in
examples/rounds/README.md, the four output files, the exit codes, invalid applications, and
the same round.json whatever the order of the applications."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.commands import main
from eligibility.compiler import load_policy
from eligibility.evaluate import decide
from eligibility.facts.validate import load_applicant

ROOT = Path(__file__).resolve().parents[3]
ROUNDS = ROOT / "examples" / "rounds"


def _run(round_file: Path, out: Path, *extra: str) -> int:
    return main(["round", str(round_file), "--out", str(out), *extra])


def _round_json(out: Path) -> dict[str, Any]:
    return json.loads((out / "round.json").read_text(encoding="utf-8"))


def _pool(out: Path, pool_id: str) -> dict[str, Any]:
    return next(p for p in _round_json(out)["pools"] if p["pool_id"] == pool_id)


def _awards(out: Path) -> dict[tuple[str, str], str]:
    text = (out / "allocation.csv").read_text(encoding="utf-8-sig")
    return {
        (row["applicant"], row["programme"]): row["award"]
        for row in csv.DictReader(io.StringIO(text))
    }


def _decisions(out: Path) -> list[dict[str, Any]]:
    with open(out / "decisions.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


CQ_POOL = "cq_2024.cq_operation_performance_subsidy"
YB_ITEM1 = "yb_2024.yb_univ_soe_patent_output_reward"


def test_cq_pool_not_exceeded_pays_every_entitlement(tmp_path: Path) -> None:
    assert _run(ROUNDS / "cq-pool-not-exceeded" / "round.yaml", tmp_path) == 0
    pool = _pool(tmp_path, CQ_POOL)
    # 8,000 + 26,000 + 500,000 (the 第九条 cap binds) = 534,000 <= 5,000,000
    assert (pool["available"], pool["requested"], pool["allocated"]) == (
        "5000000.00",
        "534000.00",
        "534000.00",
    )
    assert pool["pro_rated"] is False and pool["factor"] is None
    awards = _awards(tmp_path)
    assert awards[("CQ-R1-A", CQ_POOL)] == "8000.00"
    assert awards[("CQ-R1-B", CQ_POOL)] == "26000.00"
    assert awards[("CQ-R1-C", CQ_POOL)] == "500000.00"


def test_cq_pool_exceeded_is_pro_rated_to_the_fen_with_the_tie_by_applicant_id(
    tmp_path: Path,
) -> None:
    assert _run(ROUNDS / "cq-pool-exceeded" / "round.yaml", tmp_path) == 0
    pool = _pool(tmp_path, CQ_POOL)
    assert (pool["available"], pool["requested"], pool["allocated"]) == (
        "1000000.00",
        "1500000.00",
        "1000000.00",
    )
    assert pool["pro_rated"] is True and pool["status"] == "prorated"
    # 1,000,000 × 500,000 / 1,500,000 = 333,333.333…: 333,333.33 each, one fen left over, and
    # the three remainders tie: the fen goes to the smallest applicant_id
    awards = _awards(tmp_path)
    assert [awards[(a, CQ_POOL)] for a in ("CQ-R2-A", "CQ-R2-B", "CQ-R2-C")] == [
        "333333.34",
        "333333.33",
        "333333.33",
    ]


def test_yb_item_pool_tie_from_a_jsonl_file(tmp_path: Path) -> None:
    assert _run(ROUNDS / "yb-item-pool-tie" / "round.yaml", tmp_path) == 0
    pool = _pool(tmp_path, YB_ITEM1)
    assert (pool["requested"], pool["allocated"], pool["status"]) == (
        "54000.00",
        "40000.00",
        "prorated",
    )
    awards = _awards(tmp_path)
    # 40,000 × 18,000 / 54,000 = 13,333.333…: the leftover fen to YB-R3-A
    assert [awards[(a, YB_ITEM1)] for a in ("YB-R3-A", "YB-R3-B", "YB-R3-C")] == [
        "13333.34",
        "13333.33",
        "13333.33",
    ]
    sources = [d["source"] for d in _decisions(tmp_path)]
    assert sources == [f"applications.jsonl:{n}" for n in (1, 2, 3)]


def test_an_invalid_application_blocks_only_the_pools_it_could_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(ROUNDS / "invalid-blocks-one-pool" / "round.yaml", tmp_path) == 1
    assert "1 invalid" in capsys.readouterr().out
    summary = _round_json(tmp_path)
    (refused,) = summary["invalid_applications"]
    assert refused["applicant_id"] == "CQ-R7-BAD"
    assert refused["source"] == "applications.jsonl:4"
    assert refused["errors"][0]["path"] == "$.applicant.ip_contracts[0].registered_contract_amount"
    assert refused["errors"][0]["code"] == "V-MONEY-FMT"
    cq, yb = _pool(tmp_path, CQ_POOL), _pool(tmp_path, YB_ITEM1)
    assert cq["status"] == "not_exceeded"  # 8,000 + at most 500,000 <= 5,000,000
    assert yb["status"] == "blocked"
    blocked = [e for e in summary["errors"] if e["code"] == "V-BATCH"]
    assert any(YB_ITEM1 in e["pools"] and e["applicants"] == ["CQ-R7-BAD"] for e in blocked)
    assert not any(CQ_POOL in e["pools"] for e in blocked)
    awards = _awards(tmp_path)
    assert awards[("CQ-R7-A", CQ_POOL)] == "8000.00"
    assert awards[("YB-R7-U1", YB_ITEM1)] == ""  # blocked: no number is given
    lines = _decisions(tmp_path)
    assert len(lines) == 4
    (error_line,) = [d for d in lines if "errors" in d]
    assert error_line["applicant_id"] == "CQ-R7-BAD" and error_line["batch_id"] == "mixed-2024-r7"


def test_each_decision_line_carries_its_allocation_step(tmp_path: Path) -> None:
    _run(ROUNDS / "cq-pool-exceeded" / "round.yaml", tmp_path)
    lines = _decisions(tmp_path)
    assert [d["applicant_id"] for d in lines] == ["CQ-R2-A", "CQ-R2-B", "CQ-R2-C"]
    first = lines[0]
    assert first["schema"] == "eligibility.decision/1" and first["batch_id"] == "cq-2024-r2"
    result = next(
        r for r in first["results"] if r["programme"] == "cq_operation_performance_subsidy"
    )
    allocation = result["allocation"]
    assert allocation["status"] == "definite" and allocation["share"] == "333333.34"
    assert allocation["entitlement"] == {"low": "500000.00", "high": "500000.00", "missing": []}
    steps = allocation["steps"]
    assert "500,000.00" in steps[0]["computation"]  # the entitlement, after the cap
    assert steps[-1]["citation"].endswith("第十条")  # the share, by the pool's article
    assert "333,333.34" in steps[-1]["computation"]
    # the decision's own cap step is still there, before the allocation
    capped = [s for s in result["amount_computation"]["steps"] if "capped at" in s["computation"]]
    assert capped


def test_a_round_computes_no_proposals_and_check_does(tmp_path: Path) -> None:
    """What would change an outcome is for the reader of one decision (`check`); each proposal
    costs a decision again, so a round, whose readers read the allocation, leaves them out."""
    _run(ROUNDS / "cq-pool-not-exceeded" / "round.yaml", tmp_path)
    results = [r for d in _decisions(tmp_path) for r in d["results"]]
    assert results and all(r["would_change"] == [] and r["to_cap"] == [] for r in results)
    # the same applicant checked alone: 8,000 元 is below the cap, so `to_cap` says how to reach it
    source = next(d["source"] for d in _decisions(tmp_path) if d["applicant_id"] == "CQ-R1-A")
    facts = load_applicant(ROUNDS / "cq-pool-not-exceeded" / source)
    assert not isinstance(facts, tuple)
    alone = decide((load_policy(ROOT / "policies" / "chongqing-2024.policy"),), facts)
    result = next(r for r in alone.results if r.programme == "cq_operation_performance_subsidy")
    assert result.amount is not None and result.to_cap


def test_allocation_csv_opens_in_excel(tmp_path: Path) -> None:
    _run(ROUNDS / "cq-pool-exceeded" / "round.yaml", tmp_path)
    data = (tmp_path / "allocation.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8 Chinese
    header = data[3:].split(b"\r\n")[0].decode()
    assert header == (
        "applicant,name,programme,title,outcome,entitlement,award,status,article,round_errors"
    )
    assert "重庆甲知识产权运营服务有限公司".encode() in data


def test_the_round_s_switch_reading_applies_to_every_application(tmp_path: Path) -> None:
    text = (ROUNDS / "cq-pool-not-exceeded" / "round.yaml").read_text(encoding="utf-8")
    text += "interpretations:\n  cq_branchA_amount_basis: per_transaction\n"
    folder = tmp_path / "round"
    shutil.copytree(ROUNDS / "cq-pool-not-exceeded", folder)
    (folder / "round.yaml").write_text(text, encoding="utf-8")
    _run(folder / "round.yaml", tmp_path / "out")
    for line in _decisions(tmp_path / "out"):
        readings = {(r["name"], r["value"], r["default"]) for r in line["interpretations"]}
        assert ("cq_branchA_amount_basis", "per_transaction", False) in readings


def test_pydatalog_and_duckdb_give_the_same_round(tmp_path: Path) -> None:
    round_file = ROUNDS / "cq-pool-exceeded" / "round.yaml"
    assert _run(round_file, tmp_path / "duck", "--engine", "duckdb") == 0
    assert _run(round_file, tmp_path / "pyd", "--engine", "pydatalog") == 0
    for name in ("round.json", "allocation.csv"):
        assert (tmp_path / "duck" / name).read_bytes() == (tmp_path / "pyd" / name).read_bytes()


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(ROUNDS / "cq-pool-not-exceeded" / "round.yaml", tmp_path)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("round cq-2024-r1: 3 application(s), 0 invalid")


def test_an_output_folder_that_cannot_be_made_exits_5(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert _run(ROUNDS / "cq-pool-not-exceeded" / "round.yaml", tmp_path / "file" / "out") == 5
    assert "cannot create the output folder" in capsys.readouterr().err


def test_an_application_setting_an_undeclared_switch_is_refused_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "round"
    shutil.copytree(ROUNDS / "cq-pool-not-exceeded", folder)
    path = folder / "applications" / "a.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["context"]["interpretations"] = {"no_such_switch": "x"}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert _run(folder / "round.yaml", tmp_path / "out") == 1
    (refused,) = _round_json(tmp_path / "out")["invalid_applications"]
    assert refused["applicant_id"] == "CQ-R1-A"
    assert refused["errors"][0]["code"] == "V-UNKNOWN"
    assert refused["errors"][0]["path"] == "$.context.interpretations.no_such_switch"
    assert _awards(tmp_path / "out")[("CQ-R1-C", CQ_POOL)] == "500000.00"


@pytest.fixture(scope="module")
def in_file_order(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of the invalid-application example, its JSONL lines in the file's order."""
    out = tmp_path_factory.mktemp("base")
    _run(ROUNDS / "invalid-blocks-one-pool" / "round.yaml", out)
    return out


@settings(max_examples=3, deadline=None)
@given(order=st.permutations(range(4)))
def test_the_order_of_the_applications_does_not_change_the_round(
    tmp_path_factory: pytest.TempPathFactory, in_file_order: Path, order: list[int]
) -> None:
    moved = tmp_path_factory.mktemp("moved")
    shutil.copytree(ROUNDS / "invalid-blocks-one-pool", moved / "round")
    jsonl = moved / "round" / "applications.jsonl"
    lines = jsonl.read_text(encoding="utf-8").splitlines(keepends=True)
    jsonl.write_text("".join(lines[i] for i in order), encoding="utf-8")
    _run(moved / "round" / "round.yaml", moved / "out")
    assert (moved / "out" / "allocation.csv").read_bytes() == (
        in_file_order / "allocation.csv"
    ).read_bytes()
    # round.json names each refused application's line, which moves with it
    assert _without_sources((moved / "out" / "round.json").read_bytes()) == _without_sources(
        (in_file_order / "round.json").read_bytes()
    )


def _without_sources(data: bytes) -> dict[str, Any]:
    document = json.loads(data)
    for refused in document["invalid_applications"]:
        refused.pop("source")
    return document


def test_application_files_in_another_order_give_the_same_round(tmp_path: Path) -> None:
    example = ROUNDS / "cq-pool-exceeded"
    _run(example / "round.yaml", tmp_path / "base")
    shutil.copytree(example, tmp_path / "round")
    files = sorted((tmp_path / "round" / "applications").glob("*.json"))
    for position, path in enumerate(reversed(files)):  # c.json is read first, a.json last
        path.rename(path.with_name(f"{position}-{path.name}"))
    _run(tmp_path / "round" / "round.yaml", tmp_path / "out")
    for name in ("round.json", "allocation.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "base" / name).read_bytes()
    assert [d["applicant_id"] for d in _decisions(tmp_path / "out")] == [
        "CQ-R2-C",
        "CQ-R2-B",
        "CQ-R2-A",
    ]
