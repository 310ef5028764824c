"""Blocks of text and trees → rich renderables, drawn on a terminal at its width, in colour. A
long line wraps under its own node, the tree's guides kept, instead of running past the edge
and breaking the tree apart. Files, pipes and goldens get the same lines, without colour, from
`render/plain_tree.py`, which does not build rich's objects (a test holds the two equal)."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from eligibility.render.text import Block, Line, TreeNode, has_mark

STYLES = {
    "holds": "green",
    "fails": "red",
    "undetermined": "yellow",
    "heading": "bold",
    "qualifies": "green",
    "dim": "dim",
    "": "",
}


def _text(line: Line, notes: tuple[Line, ...] = ()) -> Text:
    text = Text(overflow="fold")  # a long word without spaces (Chinese) folds, never cut off
    for k, part in enumerate((line, *notes)):
        if k:
            text.append("\n  ")
        for segment, style in part:
            text.append(segment, style=STYLES.get(style, ""))
    return text


def _label(line: Line, notes: tuple[Line, ...] = ()) -> RenderableType:
    """A line: its mark (a first segment such as "✓ ") in a column of its own, so the text
    wraps beside it, hanging under the text's first character."""
    if not has_mark(line):
        return _text(line, notes)
    grid = Table.grid()
    grid.add_column(no_wrap=True, width=2)
    grid.add_column(overflow="fold")
    (mark, style), rest = line[0], line[1:]
    grid.add_row(Text(mark, style=STYLES.get(style, "")), _text(rest, notes))
    return grid


def _tree(node: TreeNode, into: Tree | None = None) -> Tree:
    label = _label(node.line, node.notes)
    branch = Tree(label, guide_style="dim") if into is None else into.add(label)
    for child in node.children:
        _tree(child, branch)
    return branch


def renderable(block: Block) -> RenderableType:
    return _tree(block) if isinstance(block, TreeNode) else _label(block)


def print_blocks(blocks: list[Block], console: Console) -> None:
    for block in blocks:
        console.print(renderable(block))
