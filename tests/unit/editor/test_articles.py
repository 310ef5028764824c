"""The article texts shipped for hovers: every citation of every shipped policy finds its text,
and the package data is what the extractor makes from the seeds (when they are at hand)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eligibility.editor import outline
from eligibility.editor.articles import cited_articles, document_of
from eligibility.editor.seeds import ARTICLES_DIR, main, seed_articles
from eligibility.resources import POLICY_DIR, shipped_policy_files

SEEDS = Path(os.environ.get("ELIGIBILITY_SEEDS", "/work/shared/seeds"))


@pytest.mark.parametrize("policy", shipped_policy_files(), ids=lambda p: p.name)
def test_every_citation_of_a_shipped_policy_has_its_article_text(policy: Path) -> None:
    text = policy.read_text(encoding="utf-8")
    document = document_of(text)
    assert document is not None
    citations = {t.text for t in outline.tokens(text) if t.is_citation}
    assert citations
    missing = sorted(c for c in citations if not cited_articles(document, c))
    assert missing == []


def test_a_citation_of_two_articles_and_an_unnumbered_item() -> None:
    text = (POLICY_DIR / "chongqing-2024.policy").read_text(encoding="utf-8")
    document = document_of(text)
    assert document is not None and document.document == "渝知发〔2024〕22号"
    both = cited_articles(document, "第六条（一）、第九条（一）")
    assert [a.reference for a in both] == ["第六条（一）", "第九条（一）"]
    assert "信用良好" in both[1].text
    assert [a.reference for a in cited_articles(document, "第九条（九）")] == ["第九条"]
    assert cited_articles(document, "第九十九条") == ()
    national = document_of((POLICY_DIR / "national-2019.policy").read_text(encoding="utf-8"))
    assert national is not None
    assert [a.reference for a in cited_articles(national, "四（一）9")] == ["四（一）"]


def test_sections_items_and_preamble() -> None:
    seed = "序言文字\n一、总则\n（一）目标\n1.第一项\n2.第二项\n（二）原则\n二、任务\n内容"
    articles = seed_articles(seed)
    assert articles["序言"] == "序言文字"
    assert (
        articles["一（一）1"] == "1.第一项"
        and articles["一（一）"] == "（一）目标\n1.第一项\n2.第二项"
    )
    assert articles["二"] == "二、任务\n内容"


def test_articles_end_at_a_heading_and_items_split() -> None:
    seed = "# 办法\n## 第一章\n**第一条** 甲\n(一) 乙\n（二）丙\n## 第二章\n**第二条** 丁"
    articles = seed_articles(seed)
    assert articles["第一条"] == "第一条 甲\n(一) 乙\n（二）丙"
    assert articles["第一条（一）"] == "(一) 乙" and articles["第一条（二）"] == "（二）丙"
    assert articles["第二条"] == "第二条 丁"


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")
def test_the_shipped_articles_are_what_the_extractor_makes(tmp_path: Path) -> None:
    assert main([str(SEEDS), "--out", str(tmp_path)]) == 0
    made = sorted(p.name for p in tmp_path.glob("*.json"))
    assert made == sorted(p.name for p in ARTICLES_DIR.glob("*.json"))
    for name in made:
        assert (tmp_path / name).read_text(encoding="utf-8") == (ARTICLES_DIR / name).read_text(
            encoding="utf-8"
        ), f"{name}: run python -m eligibility.editor.seeds {SEEDS}"
