"""The words tables: one per language, the same keys, the same placeholders, every key used.

A key is used when the render code names it literally, or, for the amount's steps, when the
decision names the step's key (`AmountLine.key`) and the renderer words `amount.<key>.label`
and `amount.<key>.text`.
"""

from __future__ import annotations

import string
from pathlib import Path

from eligibility.render import words_en, words_zh

ROOT = Path(__file__).resolve().parents[3]
RENDER = ROOT / "eligibility" / "render"
DECISION = ROOT / "eligibility" / "decision"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_tables_have_the_same_keys() -> None:
    assert set(words_zh.WORDS) == set(words_en.WORDS)


def test_both_tables_fill_the_same_placeholders() -> None:
    for key, english in words_en.WORDS.items():
        assert _fields(words_zh.WORDS[key]) == _fields(english), key


def test_every_key_is_used() -> None:
    """Named literally by the renderers; or, for `amount.<key>.*` (a step's key) and
    `req.<relation>` (a requirement's relation), the decision names `<key>`/`<relation>`."""
    render = "".join(
        p.read_text(encoding="utf-8") for p in RENDER.glob("*.py") if not p.stem.startswith("words")
    )
    decision = "".join(p.read_text(encoding="utf-8") for p in DECISION.glob("*.py"))
    unused = [
        key
        for key in words_en.WORDS
        if f'"{key}"' not in render
        and f"'{key}'" not in render  # inside an f-string (Python 3.11: no nested double quotes)
        and not (key.split(".")[0] in ("amount", "req") and f'"{key.split(".")[1]}"' in decision)
    ]
    assert unused == []
