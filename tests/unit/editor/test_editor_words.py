from __future__ import annotations

import string

from eligibility.editor.words import WORDS


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(WORDS["zh"]) == set(WORDS["en"])
    for key, english in WORDS["en"].items():
        assert _fields(WORDS["zh"][key]) == _fields(english), key
