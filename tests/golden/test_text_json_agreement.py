"""The text and the JSON of one decision say the same thing, per programme, in both languages:
the outcome, the amount (and its bound), the facts missing, the checklist of what is missing,
and why a document does not apply. And the JSON's codes do not change with the language: only
its label fields do.

Every shipped example, decided once against all five policies (an example beside its own
policy, examples/authoring, against that policy and its facts); the text is drawn at a width
too wide to wrap, so that a phrase is found whole.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from eligibility.compiler import CompiledPolicy, load_policy, policy_files
from eligibility.decision.proof import Decision
from eligibility.evaluate import decide
from eligibility.facts.vocabulary import for_policies, using
from eligibility.ir.quantities import format_money
from eligibility.render.checklist import missing_blocks, row_text
from eligibility.render.json import decision_json
from eligibility.render.text import plain_blocks, summary_lines
from eligibility.render.wording import wording
from tests.support import load_example

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(
    p
    for p in (ROOT / "examples").glob("*/*.json")
    if p.parent.name != "invalid" and not p.name.startswith("invalid-")
)
WIDE = 100_000
LABELS = {
    "lang",
    "outcome_label",
    "not_applicable_label",
    "verdict_label",
    "detail_label",
    "actual_label",
    "text",
    "missing_label",
    "kind_label",
    "supplier_label",
}
WORDED = ("changes", "action")  # a proposal's or a change's `label` is worded per language


@cache
def _policies(folder: Path) -> tuple[CompiledPolicy, ...]:
    own = sorted(folder.glob("*.policy"))
    return tuple(load_policy(path) for path in own or policy_files())


@cache
def _decision(example: Path) -> Decision:
    policies = _policies(example.parent)
    with using(for_policies(p.policy.vocabulary for p in policies)):
        return decide(policies, load_example(example))


def _without_labels(value: Any) -> Any:
    if isinstance(value, dict):
        worded = any(key in value for key in WORDED)
        return {
            k: _without_labels(v)
            for k, v in value.items()
            if k not in LABELS and not (worded and k == "label")
        }
    if isinstance(value, list):
        return [_without_labels(v) for v in value]
    return value


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_summary_and_the_json_agree(example: Path, lang: str) -> None:
    decision = _decision(example)
    w = wording(lang)
    lines = plain_blocks(list(summary_lines(decision, lang)), WIDE).splitlines()
    document = decision_json(decision, lang)  # type: ignore[arg-type]
    for result in document["results"]:
        head = f"{result['programme']} {result['title']}{w('colon')}"
        line = next((x for x in lines if x[2:].startswith(head)), None)
        if line is None:  # its document does not apply: one line names the failing gate
            assert result["not_applicable"], result["programme"]
            assert any(x.startswith("– ") and result["not_applicable_label"] in x for x in lines), (
                result["programme"]
            )
            continue
        rest = line[2 + len(head) :]
        assert rest.startswith(result["outcome_label"]), (line, result["outcome_label"])
        for money in (result["amount"], result["max_amount"]):
            if money is not None:
                assert format_money(_decimal(money)) in rest, (line, money)
        if result["outcome"] == "does_not_qualify" or not result["missing"]:
            continue
        named = [f["label"] for f in result["missing_facts"]] if lang == "zh" else result["missing"]
        for fact in named[:3]:  # the summary names three, then says how many in all
            assert fact in rest, (line, fact)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_checklist_and_the_json_agree(example: Path, lang: str) -> None:
    """The text's closing checklist has a row for each fact the JSON's `missing_facts` lists
    for a programme that may still qualify; and those rows cover every `missing` path."""
    decision = _decision(example)
    w = wording(lang)
    text = plain_blocks(missing_blocks(decision, lang), WIDE)  # type: ignore[arg-type]
    document = decision_json(decision, lang)  # type: ignore[arg-type]
    expected = 0
    for result in document["results"]:
        covered = [path for fact in result["missing_facts"] for path in fact["missing"]]
        assert sorted(covered) == sorted(result["missing"]), result["programme"]
        if result["outcome"] == "does_not_qualify" or result["not_applicable"]:
            continue
        programme = next(r for r in decision.results if r.programme == result["programme"])
        for row, paths in programme.missing_facts:
            expected += 1
            assert row_text(row, programme.document, w, paths) in text
            fact = next(f for f in result["missing_facts"] if f["path"] == row.path)
            assert fact["supplier_label"] in row_text(row, programme.document, w, paths)
            assert fact["label"] == row.label
    rows = [x for x in text.splitlines() if x.startswith(("│   ", "    "))]
    assert len(rows) == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_codes_do_not_change_with_the_language(example: Path) -> None:
    decision = _decision(example)
    zh, en = decision_json(decision, "zh"), decision_json(decision, "en")
    assert (zh["lang"], en["lang"]) == ("zh", "en")
    assert _without_labels(zh) == _without_labels(en)


def _decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)
