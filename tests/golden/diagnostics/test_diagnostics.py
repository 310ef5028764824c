"""Golden diagnostics: each `<name>.policy` here is a small broken policy; `<name>.expected` is
what `render_all` prints for it, exactly (plain text, no colour, deterministic).

Regenerate after an intended change with `UPDATE_GOLDENS=1 pytest tests/golden` (or
`pytest --update-goldens`) and review the result with `git diff`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from eligibility.compiler import compile_text_with_warnings
from eligibility.diagnostics import DiagnosticError, render_all
from eligibility.syntax.source import decode_policy
from tests.support import REPO

HERE = Path(__file__).resolve().parent
CASES = sorted(p.stem for p in HERE.glob("*.policy"))
# the code each case exists to show, so a golden cannot drift to a different error unnoticed
EXPECTED_CODES = {
    "award_not_last": ["E0307"],
    "collection_id_undeclared": ["E0215"],
    "count_not_whole": ["E0208"],
    "curly_quotes": ["E0104"],
    "double_underscore": ["E0304"],
    "excluded_on_both_values": ["E0311", "W0404"],
    "field_kind": ["E0202"],
    "full_width_colon": ["E0104"],
    "header_repeated": ["E0102"],
    "inverted_exclusion": ["W0404"],
    "label_number": ["W0401"],
    "never_true": ["E0311"],
    "not_a_date": ["E0206"],
    "overlapping_branches": ["W0406"],
    "reading_in_citation": ["E0305"],
    "two_amounts": ["E0303"],
    "unclosed_brace": ["E0106"],
    "unclosed_label": ["E0107"],
    "unknown_programme_id": ["W0403"],
    "unreachable_branch": ["W0405"],
    "unused_set": ["W0402"],
    "wan_without_unit": ["E0105"],
    "award_of_unknown_programme": ["E0201", "E0306"],
    "cjk_caret": ["E0204"],
    "expression_too_deep": ["E0309"],
    "facts_declarations": ["E0214", "E0210", "E0211", "E0211", "E0212", "E0213", "E0216"],
    "list_needs_some": ["E0205"],
    "not_utf8": ["E0103"],
    "number_out_of_range": ["E0310"],
    "shared_condition_cycle": ["E0308"],
    "several_errors": ["E0204", "E0302", "E0301"],
    "syntax_error": ["E0101"],
    "uncited_rule": ["E0301"],
    "undeclared_criterion": ["E0209"],
    "unit_mismatch": ["E0207"],
    "unknown_enum_value": ["E0203"],
    "unknown_field": ["E0204"],
    "unknown_record_set": ["E0201"],
    "unlabelled_rule": ["E0302"],
    "uses_bad_facts": ["E0218", "E0204"],
    "uses_missing_file": ["E0217"],
}


def diagnose(name: str) -> DiagnosticError:
    """The errors of a case that does not compile, or the warnings of one that does."""
    path = HERE / f"{name}.policy"
    display = path.relative_to(REPO).as_posix()  # the same in every checkout
    try:
        text = decode_policy(path.read_bytes(), display)
        _, warnings = compile_text_with_warnings(text, display)
    except DiagnosticError as error:
        return error
    assert warnings, f"{name} compiles without a warning"
    return DiagnosticError(warnings, {display: text})


def test_every_case_is_listed() -> None:
    assert sorted(EXPECTED_CODES) == CASES


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, update_goldens: bool) -> None:
    error = diagnose(name)
    assert [d.code for d in error.diagnostics] == EXPECTED_CODES[name]
    rendered = render_all(error) + "\n"
    assert "\x1b" not in rendered  # no colour codes, whatever the terminal
    expected_file = HERE / f"{name}.expected"
    if update_goldens:
        expected_file.write_text(rendered, encoding="utf-8")
    assert expected_file.exists(), f"no golden for {name}: run with UPDATE_GOLDENS=1"
    assert rendered == expected_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
def test_rendering_is_deterministic(name: str) -> None:
    assert render_all(diagnose(name)) == render_all(diagnose(name))


@pytest.mark.parametrize("name", CASES)
def test_caret_stands_under_the_span(name: str) -> None:
    """Independently of the goldens: every caret run starts at the display width of the source
    text before the span and is as wide as the spanned text (CJK characters take two cells)."""
    error = diagnose(name)
    blocks = render_all(error).split("\n\n")  # a block's notes may add blank lines after it
    for diagnostic, block in zip(error.diagnostics, blocks, strict=False):
        span = diagnostic.span
        line = error.sources[span.file].splitlines()[span.line - 1]  # a facts file it uses, too
        rendered = block.splitlines()
        gutter = len(str(span.line))
        assert rendered[3] == f"{span.line} | {line}"
        caret_line = rendered[4][gutter + 3 :]
        start = len(caret_line) - len(caret_line.lstrip(" "))
        width = len(caret_line.lstrip(" ").split(" ")[0])
        end = span.end_column if span.end_line == span.line else len(line) + 1
        assert start == cell_len(line[: span.column - 1])
        assert width == max(1, cell_len(line[span.column - 1 : end - 1]))


def test_cjk_caret_padding_counts_two_cells_per_character() -> None:
    error = diagnose("cjk_caret")
    (diagnostic,) = error.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (8, 32)
    caret_line = render_all(error).splitlines()[4]
    # 4 spaces + quote + 23 CJK characters + quote + colon + space = 4 + 1 + 46 + 3 cells
    assert (
        caret_line
        == "  | " + " " * 54 + "^" * len("typical_case") + " not a field of the applicant"
    )
    assert diagnostic.help == ""  # nothing close enough to suggest


def test_did_you_mean() -> None:
    (diagnostic,) = diagnose("unknown_field").diagnostics
    assert diagnostic.message == "unknown applicant field `credit_god`"
    assert diagnostic.help == "did you mean `credit_good`?"
