"""Coloured output on a terminal with rich. The only module that imports rich (apart from the
display-width helper of diagnostics); imported only when stdout is a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from eligibility.render.text import Line

STYLES = {
    "holds": "green",
    "fails": "red",
    "undetermined": "yellow",
    "heading": "bold",
    "qualifies": "green",
    "dim": "dim",
    "": "",
}


def print_lines(lines: list[Line]) -> None:
    console = Console(highlight=False, soft_wrap=True)
    for line in lines:
        text = Text()
        for segment, style in line:
            text.append(segment, style=STYLES.get(style, ""))
        console.print(text)
