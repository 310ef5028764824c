"""Where a construct stands in a policy file. Its own module so that the explainer and the
diagnostics do not import the whole syntax tree (each dataclass costs start-up time)."""

from __future__ import annotations

from eligibility.frozen import frozen_record


@frozen_record
class Span:
    """1-based lines, 1-based columns in characters (not bytes, not display cells)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
