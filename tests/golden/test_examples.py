"""Golden tests: `check <example> --explain` in Chinese (the default, `*.explain.txt`) and in
English (`*.en.explain.txt`), and `--format json` (Chinese labels), for every shipped example.

The expected outputs are committed beside this file; `UPDATE_GOLDENS=1 pytest tests/golden`
rewrites them, and `git diff` is the review. Output is plain text (no colour) at the fixed
width of 100 columns, whatever the terminal's width.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from eligibility.commands import main
from eligibility.evaluate import decide
from eligibility.render.text import explain_blocks, plain_blocks
from tests.support import chongqing, load_example

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "examples"
EXAMPLES = sorted((ROOT / "examples").glob("*/*.json"))
POLICY_OF = {
    "chongqing": "chongqing-2024",
    "yubei": "yubei-2024",
    "national": "national-2019",
    "shanghai": "shanghai-2022",
    "beijing": "beijing-2022",
}
# examples/authoring: the policy of docs/writing-a-policy.md, with its own facts, beside them
OWN_POLICY = {"authoring": "examples/authoring/xuhui-2025.policy"}


def _invalid(example: Path) -> bool:
    """An applicant file shown for its errors (exit 2)."""
    return example.parent.name == "invalid" or example.stem.startswith("invalid-")


def _policy_args(example: Path) -> list[str]:
    """Each document's examples are explained against that document's policy alone, so one
    policy's change does not rewrite another's goldens; test_summary_across_policies covers
    the default of every policy."""
    if example.parent.name in OWN_POLICY:
        return ["--policy", OWN_POLICY[example.parent.name]]
    name = POLICY_OF.get(example.parent.name)
    return ["--policy", f"policies/{name}.policy"] if name else []


EXPECTED_OUTCOMES = {
    "passes-branch-a": ("qualifies", "8000.00"),
    "under-construction": ("does_not_qualify", None),
    "all-branches-fail": ("does_not_qualify", None),
    "cap-binds": ("qualifies", "500000.00"),
    "missing-credit": ("undetermined", None),
    "undecided-open-licence": ("qualifies", "8000.00"),  # up to 8,400.00 (issue #7 item 3)
    "cq-h1-centre-under-construction-no-period": ("does_not_qualify", None),
    "cq-h2-grace-year-from-failed-acceptance": ("does_not_qualify", None),
    "cq-h3-ip-trading-institution-qualifies": ("qualifies", "6000.00"),
    "cq-h4-open-licence-to-licensee-outside-chongqing": ("qualifies", "26000.00"),
}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _operation_json(capsys: pytest.CaptureFixture[str], example: str) -> dict[str, Any]:
    """The JSON result of the Chongqing performance subsidy for one example file."""
    _, out, _ = _run(
        capsys, example, "--format", "json", "--policy", "policies/chongqing-2024.policy"
    )
    results = json.loads(out)["results"]
    return next(r for r in results if r["programme"] == "cq_operation_performance_subsidy")


def _compare(name: str, actual: str) -> None:
    # a policy outside the package is named by its absolute path: the checkout's is left out
    actual = actual.replace(f"{ROOT}/", "")
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDENS"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDENS=1 and review"
    assert actual == path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")


def _unwrapped_english(example: str) -> str:
    """The Chongqing explanation in English, too wide to wrap: for asserting phrases."""
    decision = decide((chongqing(),), load_example(ROOT / example))
    return plain_blocks(explain_blocks(decision, "en"), width=10_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_explain_text(example: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys, str(example.relative_to(ROOT)), "--explain", "--lang", lang, *_policy_args(example)
    )
    if _invalid(example):
        assert code == 2 and out == ""
        _compare(f"{example.parent.name}__{example.stem}.err.txt", err)
    else:
        assert code == 0 and err == ""
        suffix = "explain.txt" if lang == "zh" else "en.explain.txt"
        _compare(f"{example.parent.name}__{example.stem}.{suffix}", out)
        assert max(cell_len(line) for line in out.splitlines()) <= 100


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_json(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, str(example.relative_to(ROOT)), "--format", "json", *_policy_args(example)
    )
    document = json.loads(out)
    assert document["schema"] == "eligibility.decision/1"
    if _invalid(example):
        assert code == 2 and document["errors"]
        assert all(e["path"].startswith("$") and e["code"] for e in document["errors"])
    else:
        assert code == 0
    _compare(f"{example.parent.name}__{example.stem}.json", out)


@pytest.mark.parametrize("stem", sorted(EXPECTED_OUTCOMES))
def test_performance_subsidy_outcome(stem: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The outcomes and amounts issue #2 lists for each Chongqing example."""
    result = _operation_json(capsys, f"examples/chongqing/{stem}.json")
    assert (result["outcome"], result["amount"]) == EXPECTED_OUTCOMES[stem]


def test_summary_across_policies(capsys: pytest.CaptureFixture[str]) -> None:
    """No --policy: every policy in policies/; qualifying programmes first, by amount; a
    document that does not apply takes one line."""
    code, out, _ = _run(capsys, "examples/chongqing/passes-branch-a.json")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("✓ cq_operation_performance_subsidy")
    assert any(line.startswith("– ") and "不适用" in line for line in lines)
    _compare("summary__all-policies__passes-branch-a.txt", out)


def test_under_construction_cites_article_13(capsys: pytest.CaptureFixture[str]) -> None:
    result = _operation_json(capsys, "examples/chongqing/under-construction.json")
    assert "渝知发〔2024〕22号 第十三条" in result["citations"]
    exclusion = result["proof"]["children"][-1]
    assert exclusion["kind"] == "not" and exclusion["verdict"] == "fails"


def test_cap_binding_cites_article_10() -> None:
    out = _unwrapped_english("examples/chongqing/cap-binds.json")
    assert "capped at 500,000.00: 500,000.00 [第十条]" in out


def test_all_branches_fail_lists_every_branch() -> None:
    out = _unwrapped_english("examples/chongqing/all-branches-fail.json")
    assert "促成知识产权交易3笔以上: 2 笔 < 3 笔" in out
    assert "9,999,999.99 元 < 10,000,000.00 元（1000万元）" in out
    assert "促成知识产权许可转让30次以上: 2 次 < 30 次" in out
    assert (
        "not counted: T3 (cnipa_registration_status = pending): not met: "
        "已在国家知识产权局完成专利权转移或许可合同登记（开放许可：备案） [第十一条]"
    ) in out


def test_missing_credit_names_the_fact(capsys: pytest.CaptureFixture[str]) -> None:
    result = _operation_json(capsys, "examples/chongqing/missing-credit.json")
    assert result["missing"] == ["credit_good"] and result["amount"] is None


def test_an_undecided_record_gives_a_maximum_and_names_its_facts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """O1's licensor is of no listed kind and not yet accepted (A-07): the programme qualifies
    for 400,000 × 2% = 8,000.00 for certain, up to (400,000 + 20% × 100,000) × 2% = 8,400.00."""
    result = _operation_json(capsys, "examples/chongqing/undecided-open-licence.json")
    assert (result["outcome"], result["amount"]) == ("qualifies", "8000.00")
    assert result["max_amount"] == "8400.00"
    assert "ip_contracts[O1].reviewer_attestations.cq11_3_licensor_accepted" in result["missing"]


def test_negative_amount_names_the_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "examples/invalid/negative-amount.json", "--format", "json")
    errors = json.loads(out)["errors"]
    assert code == 2
    assert {
        "code": "V-MONEY-NEG",
        "path": "$.applicant.ip_contracts[0].registered_contract_amount",
    } in [{"code": e["code"], "path": e["path"]} for e in errors]
