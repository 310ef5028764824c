"""The generated population (bench/population.py) is what a round and the differential test of
the engines rely on: every applicant a valid file that `check` decides (exit 0, never 2 or 4),
all three outcomes for every document, and the same documents for the same seed."""

from __future__ import annotations

import collections
import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.population import DOCUMENTS, generate, generate_large, main, sample
from eligibility.commands import EXIT_OK, check_main
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import validate_document

# A check costs 0.1 s of CPU against the applicant's own document and 0.2–0.5 s against all
# five: a few hundred in the normal run (the first ALL_POLICIES against all five), more with
# POPULATION_CHECKS=2000.
CHECKED = int(os.environ.get("POPULATION_CHECKS", "200"))
ALL_POLICIES = 30
POLICIES = Path(__file__).resolve().parents[1] / "eligibility" / "policies"
POLICY_IDS = ("cq_2024", "yb_2024", "nat_2019", "sh_2022", "bj_2022")
OUTCOMES = {"qualifies", "does_not_qualify", "undetermined"}


def _errors(doc: dict) -> list[str]:
    facts = validate_document(json.loads(json.dumps(doc)), "0" * 64)
    if isinstance(facts, ApplicantFacts):
        return []
    return [f"{e.code} {e.path}: {e.message}" for e in facts]


def test_the_same_seed_gives_the_same_population() -> None:
    first = [json.dumps(doc, sort_keys=True) for doc in generate(60, 11)]
    again = [json.dumps(doc, sort_keys=True) for doc in generate(60, 11)]
    other = [json.dumps(doc, sort_keys=True) for doc in generate(60, 12)]
    assert first == again
    assert first != other
    assert sample(60, 11) == [json.loads(doc) for doc in first]


def test_ids_are_unique_and_documents_take_turns() -> None:
    docs = list(generate(50, 3))
    ids = [doc["applicant"]["applicant_id"] for doc in docs]
    assert len(set(ids)) == len(ids)
    # national-2019 applicants are cities; every fifth applicant is one.
    national = DOCUMENTS.index(("national-2019", "national"))
    kinds = [doc["applicant"].get("applicant_kind", "organisation") for doc in docs]
    assert {kinds[i] for i in range(national, 50, 5)} == {"city"}


def test_a_large_population_validates() -> None:
    docs = list(generate(1500, 21))
    bad = [(doc["applicant"]["applicant_id"], _errors(doc)) for doc in docs if _errors(doc)]
    assert bad == []
    records = [
        sum(
            len(v)
            for v in doc["applicant"].values()
            if isinstance(v, list) and v and isinstance(v[0], dict)
        )
        for doc in docs
    ]
    assert max(records) >= 100  # some applicants have hundreds of records
    absent = [doc for doc in docs if "pledge_financings" not in doc["applicant"]]
    assert absent  # missing collections occur


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_any_seed_gives_valid_applicants(seed: int) -> None:
    for doc in generate(25, seed):
        assert _errors(doc) == [], doc["applicant"]["applicant_id"]


def test_the_large_bank_validates_within_the_evaluation_budget() -> None:
    bank = generate_large(300, seed=4)
    assert bank == generate_large(300, seed=4)
    assert _errors(bank) == []
    pledges = bank["applicant"]["pledge_financings"]
    assert len(pledges) == len({p["record_id"] for p in pledges}) == 300
    statuses = collections.Counter(p["cnipa_pledge_registration_status"] for p in pledges)
    assert statuses["registered"] > 250


def test_the_large_bank_at_the_format_limit_is_for_duckdb() -> None:
    """10,000 records are within the format and the checker's budget: `--engine auto` takes
    DuckDB, and only the pyDatalog engine's smaller budget refuses them."""
    from eligibility.evaluate import choose_engine
    from eligibility.facts.limits import pydatalog_budget_errors
    from eligibility.facts.model import ApplicantFacts
    from eligibility.facts.validate import validate_document

    bank = validate_document(generate_large(10_000), "0" * 64)
    assert isinstance(bank, ApplicantFacts) and len(bank.records) == 10_000
    assert choose_engine("auto", bank) == "duckdb"
    assert [e.code for e in pydatalog_budget_errors(bank)] == ["V-LIMIT"]


def test_a_sample_is_checked_with_every_outcome_for_every_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --format json` on each applicant: against its own document (a round of that
    document), and the first few against all five policies, as `check` does by default."""
    seen: dict[str, collections.Counter[str]] = {p: collections.Counter() for p in POLICY_IDS}
    documents = itertools.cycle(name for name, _ in DOCUMENTS)
    for index, (doc, document) in enumerate(zip(generate(CHECKED, 5), documents, strict=False)):
        path = tmp_path / "applicant.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        own = [] if index < ALL_POLICIES else ["--policy", str(POLICIES / f"{document}.policy")]
        code = check_main([str(path), "--format", "json", *own])
        out, err = capsys.readouterr()
        assert code == EXIT_OK, (doc["applicant"]["applicant_id"], err or out[:2000])
        for result in json.loads(out)["results"]:
            if result["not_applicable"] is None:
                seen[result["policy_id"]][result["outcome"]] += 1
    assert {policy: set(outcomes) for policy, outcomes in seen.items()} == dict.fromkeys(
        POLICY_IDS, OUTCOMES
    )


def test_the_command_line_writes_jsonl_a_folder_and_one_large_file(tmp_path: Path) -> None:
    assert main(["--count", "7", "--seed", "2", "--out", str(tmp_path / "p.jsonl")]) == 0
    lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == list(generate(7, 2))
    assert main(["--count", "3", "--out", str(tmp_path / "folder")]) == 0
    assert len(list((tmp_path / "folder").glob("*.json"))) == 3
    assert main(["--large", "20", "--out", str(tmp_path / "bank.json")]) == 0
    bank = json.loads((tmp_path / "bank.json").read_text(encoding="utf-8"))
    assert len(bank["applicant"]["pledge_financings"]) == 20


def test_the_round_benchmark_runs_on_a_tiny_round(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bench/round.py end to end on five applicants: figures printed, every decision written."""
    from bench.round import main as round_main

    small = ["--count=5", "--sample=5", "--records=5", "--pydatalog-records=5"]
    assert round_main([*small, "--engine=pydatalog", f"--out={tmp_path}"]) == 0
    out = capsys.readouterr().out
    assert "pydatalog: 5 applicants × 5 policies" in out
    assert "applicants/s wall" in out and "peak RSS" in out
    for stage in ("load", "evaluate", "proofs", "write"):
        assert f"    {stage} " in out
    assert "one applicant with 5 pledge records" in out
    written = sorted(p.name for p in (tmp_path / "pydatalog").glob("*.json"))
    assert written == sorted(
        [f"{d['applicant']['applicant_id']}.json" for d in generate(5, 0)] + ["BANK-5-0.json"]
    )
    decision = json.loads((tmp_path / "pydatalog" / written[0]).read_text(encoding="utf-8"))
    assert decision["schema"] == "eligibility.decision/1" and decision["results"]


def test_the_round_benchmark_uses_decide_many_when_the_tree_has_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench/round.py hands `evaluate.decide_stream(policies, applicants, engine)` each chunk
    and the engine's name (here a stand-in that records the call and decides on pyDatalog)."""
    import eligibility.evaluate as evaluate_module
    from bench.round import main as round_main

    calls: list[tuple[str, int]] = []
    real = evaluate_module.decide_stream

    def decide_stream(policies, applicants, engine, **options):  # type: ignore[no-untyped-def]
        calls.append((engine, len(applicants)))
        return real(policies, applicants, "pydatalog", **options)

    monkeypatch.setattr(evaluate_module, "decide_stream", decide_stream, raising=False)
    population = tmp_path / "population.jsonl"
    assert main(["--count=3", "--seed=8", f"--out={population}"]) == 0
    small = [f"--population={population}", "--count=10", "--records=4", "--engine=duckdb"]
    small.append("--no-round-command")  # the stand-in is not seen by `eligibility round`
    assert round_main([*small, f"--out={tmp_path}"]) == 0
    out = capsys.readouterr().out
    assert "duckdb: 3 applicants × 5 policies" in out  # the file has 3 of the 10 asked for
    assert "one applicant with 4 pledge records" in out
    # the warm-up (one applicant per document, of those there are), the round, the bank's own
    # warm-up (a bank of 3 pledges: the programs loaded, not counted) and the bank
    assert calls == [("duckdb", 3), ("duckdb", 3), ("duckdb", 1), ("duckdb", 1)]
    written = {p.stem for p in (tmp_path / "duckdb").glob("*.json")}
    assert written == {f"P8-{i:07d}" for i in range(3)} | {"BANK-4-0"}


def test_the_round_benchmark_times_the_round_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On DuckDB the benchmark also runs `eligibility round` on the population, every file
    written, and prints its wall time, CPU and memory."""
    from bench.round import main as round_main

    population = tmp_path / "population.jsonl"
    assert main(["--count=3", "--seed=5", f"--out={population}"]) == 0
    options = [f"--population={population}", "--count=3", "--records=0", "--workers=1"]
    assert round_main([*options, "--engine=duckdb"]) == 0
    out = capsys.readouterr().out
    assert "eligibility round, 3 applicants × 5 policies, --jobs 1, every file written:" in out
    assert "s CPU in all, largest process" in out and "GB written" in out
