"""Coloured output on a terminal with rich, wrapped at the terminal's width; imported only when
stdout is a terminal."""

from __future__ import annotations

from rich.console import Console

from eligibility.render.text import Block
from eligibility.render.tree import print_blocks


def print_lines(lines: list[Block]) -> None:
    print_blocks(lines, Console(highlight=False))
