"""Characters versus LSP code units: CJK characters are one UTF-16 unit, astral ones two."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from eligibility.editor.positions import from_units, lines_of, offset_of, position_of, to_units


def test_utf16_units() -> None:
    line = "要求 𠮷x"
    assert [to_units(line, c) for c in range(len(line) + 1)] == [0, 1, 2, 3, 5, 6]
    assert [to_units(line, c, "utf-8") for c in range(len(line) + 1)] == [0, 3, 6, 7, 11, 12]
    assert to_units(line, 4, "utf-32") == 4
    assert from_units(line, 4) == 4  # inside the surrogate pair: the character's end
    assert from_units(line, 99) == len(line)


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    st.sampled_from(["utf-8", "utf-16", "utf-32"]),
)
def test_units_round_trip(line: str, encoding: str) -> None:
    for column in range(len(line) + 1):
        assert from_units(line, to_units(line, column, encoding), encoding) == column  # type: ignore[arg-type]


@given(st.text(alphabet="ab\n\r中"))
def test_offsets_and_positions_agree(text: str) -> None:
    lines = lines_of(text)
    joined = "\n".join(lines)
    for offset in range(len(joined) + 1):
        assert offset_of(lines, *position_of(lines, offset)) == offset
