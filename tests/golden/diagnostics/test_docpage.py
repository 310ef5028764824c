"""docs/diagnostics.md has a section for every code that can be printed, and its examples are
the goldens of this folder exactly (the page is written by docpage.py)."""

from __future__ import annotations

import re

from tests.golden.diagnostics.docpage import COMPILER, OTHER, PAGE, page
from tests.golden.diagnostics.test_diagnostics import EXPECTED_CODES
from tests.support import REPO

_COMPILER_CODE = re.compile(r"""["']([EW]0[1-4][0-9]{2})["']""")
_OTHER_CODE = re.compile(r"""["'](V-[A-Z-]+[A-Z]|E08[0-9]{2})["']""")


def _codes(pattern: re.Pattern[str], *folders: str) -> set[str]:
    return {
        code
        for folder in folders
        for path in (REPO / "eligibility" / folder).rglob("*.py")
        for code in pattern.findall(path.read_text(encoding="utf-8"))
    }


def test_the_page_is_written_from_the_goldens() -> None:
    assert PAGE.read_text(encoding="utf-8") == page(), (
        "docs/diagnostics.md is stale: run python tests/golden/diagnostics/docpage.py"
    )


def test_every_compiler_code_has_a_section_and_a_golden() -> None:
    emitted = _codes(_COMPILER_CODE, "syntax", "ir", "checks", ".")
    assert emitted <= set(COMPILER), f"no section for {sorted(emitted - set(COMPILER))}"
    with_golden = {code for codes in EXPECTED_CODES.values() for code in codes}
    assert set(COMPILER) <= with_golden, f"no golden for {sorted(set(COMPILER) - with_golden)}"


def test_each_section_shows_a_golden_of_its_own_code() -> None:
    for code, (_, case, _, _) in COMPILER.items():
        assert code in EXPECTED_CODES[case], (code, case)


def test_every_applicant_and_round_code_has_a_section() -> None:
    emitted = _codes(_OTHER_CODE, "facts", "round")
    assert emitted <= set(OTHER), f"no section for {sorted(emitted - set(OTHER))}"
