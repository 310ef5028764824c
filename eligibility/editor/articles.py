"""The article texts a hover on a citation shows, read from the package data that
`editor.seeds` extracts from the seed documents (editor/articles/<policy>.json).

A policy being edited is matched to its document by its `document` number, else by the seed its
`# Source:` line names, else by its title; a citation such as `第六条（一）、第九条（一）` or
`第十一条; 第二十二条` is split into its articles, and an item that the seed does not number
(第九条（四）) falls back to its article (第九条).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from eligibility.editor.seeds import ARTICLES_DIR, DOCUMENT_LINE, TITLE_LINE, policy_seed
from eligibility.frozen import frozen_record

_SEPARATORS = re.compile(r"[、;；,，]")
_LAST_PART = re.compile(r"^(.*?)(?:\d+|（[^（）]*）)$")  # 四（一）1 → 四（一） → 四


@frozen_record
class Article:
    reference: str  # as the seed numbers it: 第九条（二）
    text: str


@frozen_record
class Document:
    seed: str
    document: str | None
    title: str | None
    articles: dict[str, str]


@cache
def documents() -> tuple[Document, ...]:
    out = []
    for path in sorted(ARTICLES_DIR.glob("*.json")):
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        out.append(Document(data["seed"], data["document"], data["title"], data["articles"]))
    return tuple(out)


def document_of(policy_text: str) -> Document | None:
    """The seed document the policy text is written from, when its articles are shipped."""
    number, title = DOCUMENT_LINE.search(policy_text), TITLE_LINE.search(policy_text)
    seed = policy_seed(policy_text)
    keys = (
        ("document", number.group(1) if number else None),
        ("seed", seed),
        ("title", title.group(1) if title else None),
    )
    for attribute, value in keys:
        found = next((d for d in documents() if value and getattr(d, attribute) == value), None)
        if found is not None:
            return found
    return None


def _lookup(document: Document, reference: str) -> Article | None:
    while reference:
        if reference in document.articles:
            return Article(reference, document.articles[reference])
        shorter = _LAST_PART.match(reference)
        if shorter is None or shorter.group(1) == reference:
            return None
        reference = shorter.group(1)
    return None


def cited_articles(document: Document, citation: str) -> tuple[Article, ...]:
    """The articles a citation names, each once, in the citation's order."""
    found: list[Article] = []
    for part in _SEPARATORS.split(citation):
        article = _lookup(document, part.strip())
        if article is not None and article not in found:
            found.append(article)
    return tuple(found)
