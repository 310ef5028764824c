"""Seed documents (Markdown) → the article texts a hover on a citation shows.

The seeds (the policy documents as published, kept outside the repository in shared/seeds/) are
not shipped; what a hover needs is extracted from them once into `editor/articles/<policy>.json`
(package data) by

    python -m eligibility.editor.seeds SEEDS_DIR [--out eligibility/editor/articles]

Each shipped policy names its seed in its second line (`# Source: shared/seeds/<file>.md`).
Two layouts occur: numbered articles (第九条, with items （一）（二）: Chongqing, Beijing,
Shanghai) and numbered sections (三、 （一） 1.: the national notice, Yubei). The keys are the
citations as the policies write them: 第九条, 第九条（二）, 三, 三（一）, 三（一）1, 序言.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from eligibility.resources import PACKAGE_DIR, shipped_policy_files

ARTICLES_DIR = PACKAGE_DIR / "editor" / "articles"

_NUMERAL = "[一二三四五六七八九十百零]+"
_ARTICLE = re.compile(rf"^\**(第{_NUMERAL}条)\**\s*")
_HEADING = re.compile(rf"^(#|---|\**第{_NUMERAL}[章节])")
_ITEM = re.compile(rf"^[-\s]*[（(]\s*({_NUMERAL})\s*[）)]")
_SECTION = re.compile(rf"^({_NUMERAL})、")
_NUMBERED = re.compile(r"^(\d+)[.．、]")
_SOURCE = re.compile(r"^# Source: (?:\S*/)?seeds/([^;\s]+\.md)", re.MULTILINE)
DOCUMENT_LINE = re.compile(r'^\s*document\s+"([^"\n]*)"', re.MULTILINE)
TITLE_LINE = re.compile(r'^policy\s+\w+\s+"([^"\n]*)"', re.MULTILINE)


def _clean(lines: list[str]) -> str:
    kept = (line.replace("**", "").strip() for line in lines)
    return "\n".join(line for line in kept if line)


def _blocks(starts: list[tuple[int, str]], end: int, lines: list[str]) -> dict[str, str]:
    """Each key's text, from its line to the next start (or `end`); the first of a key wins."""
    out: dict[str, str] = {}
    bounds = ([line for line, _ in starts[1:]] + [end]) if starts else []
    for (line, key), stop in zip(starts, bounds, strict=True):
        out.setdefault(key, _clean(lines[line:stop]))
    return out


def articles_by_article(lines: list[str]) -> dict[str, str]:
    """第N条 and 第N条（M）: an article runs to the next article or heading."""
    articles = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _ARTICLE.match(line))]
    bounds = [i for i, line in enumerate(lines) if _ARTICLE.match(line) or _HEADING.match(line)]
    out: dict[str, str] = {}
    for start, key in articles:
        end = next((b for b in bounds if b > start), len(lines))
        out.setdefault(key, _clean(lines[start:end]))
        items = [
            (i, f"{key}（{m.group(1)}）") for i in range(start, end) if (m := _ITEM.match(lines[i]))
        ]
        out.update(_blocks(items, end, lines))
    return out


def articles_by_section(lines: list[str]) -> dict[str, str]:
    """一、 （一） 1.: sections, their parts and numbered items; 序言 is the text before 一、."""
    starts: dict[int, list[tuple[int, str]]] = {0: [], 1: [], 2: []}
    section = part = ""
    for index, line in enumerate(lines):
        text = line.strip()
        if match := _SECTION.match(text):
            section, part = match.group(1), ""
            starts[0].append((index, section))
            starts[1].append((index, ""))
            starts[2].append((index, ""))
        elif section and (match := _ITEM.match(text)):
            part = f"{section}（{match.group(1)}）"
            starts[1].append((index, part))
            starts[2].append((index, ""))
        elif part and (match := _NUMBERED.match(text)):
            starts[2].append((index, f"{part}{match.group(1)}"))
    out: dict[str, str] = {}
    if starts[0]:
        out["序言"] = _clean(lines[: starts[0][0][0]])
    for level in starts.values():
        out.update(_blocks(level, len(lines), lines))
    out.pop("", None)
    return out


def seed_articles(markdown: str) -> dict[str, str]:
    lines = markdown.replace("\r\n", "\n").split("\n")
    if any(_ARTICLE.match(line) for line in lines):
        return articles_by_article(lines)
    return articles_by_section(lines)


def policy_seed(policy_text: str) -> str | None:
    """The seed file a policy names in its `# Source:` line."""
    match = _SOURCE.search(policy_text)
    return match.group(1) if match else None


def articles_file(policy_text: str, seed_markdown: str, seed_name: str) -> dict[str, object]:
    """The package-data document for one policy: how to recognise it, and its articles."""
    document, title = DOCUMENT_LINE.search(policy_text), TITLE_LINE.search(policy_text)
    return {
        "seed": seed_name,
        "document": document.group(1) if document else None,
        "title": title.group(1) if title else None,
        "articles": seed_articles(seed_markdown),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eligibility.editor.seeds",
        description="extract the article texts of the shipped policies' seed documents",
    )
    parser.add_argument("seeds", type=Path, help="the folder of seed documents (shared/seeds)")
    parser.add_argument("--out", type=Path, default=ARTICLES_DIR)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for policy in shipped_policy_files():
        text = policy.read_text(encoding="utf-8")
        seed = policy_seed(text)
        if seed is None or not (args.seeds / seed).is_file():
            print(f"error: {policy.name} names no seed found in {args.seeds}", file=sys.stderr)
            return 1
        data = articles_file(text, (args.seeds / seed).read_text(encoding="utf-8"), seed)
        target = args.out / f"{policy.stem}.json"
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{target}: {len(data['articles'])} articles from {seed}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
