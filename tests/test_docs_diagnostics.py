"""docs/language.md §15 shows diagnostics as the compiler prints them: every example policy of
the section is compiled and its output must contain the text the page shows."""

from __future__ import annotations

import re

import pytest

from eligibility.compiler import compile_text_with_warnings
from eligibility.diagnostics import DiagnosticError, render_all
from tests.support import REPO

_SECTION = (REPO / "docs" / "language.md").read_text(encoding="utf-8")
_SECTION = _SECTION[_SECTION.index("## 15. Diagnostics") : _SECTION.index("## 16. Limits")]
EXAMPLES = re.findall(r"```policy\n(.*?)```\n```text\n(.*?)```", _SECTION, re.S)


def test_the_section_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(
    ("policy", "shown"), EXAMPLES, ids=[f"ex{i}" for i in range(len(EXAMPLES))]
)
def test_example_prints_what_the_page_shows(policy: str, shown: str) -> None:
    try:
        _, warnings = compile_text_with_warnings(policy, "example.policy")
        printed = render_all(DiagnosticError(warnings, {"example.policy": policy}))
    except DiagnosticError as error:
        printed = render_all(error)
    assert shown.strip() in printed
