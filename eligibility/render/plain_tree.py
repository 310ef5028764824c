"""Blocks of text and trees as plain text at a fixed width, for files, pipes and goldens: the
same lines `render/tree.py` draws with rich (a test holds them equal), without building rich's
console, tables and trees, which cost a cold `check --explain` about a third of its CPU.

A line wraps as rich's `Text(overflow="fold")` does (`rich._wrap.divide_line`: at spaces, a
word wider than the line folded by cells, so CJK widths count twice); a line with a mark (a
first segment such as "✓ ") wraps beside it, hanging under the text; a tree's guides are
rich's ("├── ", "│   ", "└── ", "    "), a child's lines as wide as its parent's less four.
"""

from __future__ import annotations

from itertools import pairwise

from rich._wrap import divide_line

from eligibility.render.text import Block, Line, TreeNode, has_mark

FORK, END, CONTINUE, SPACE = "├── ", "└── ", "│   ", "    "


def draw_plain(blocks: list[Block], width: int) -> str:
    """The blocks as plain text, `width` columns wide, without colour or trailing spaces."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, TreeNode):
            _tree(block, width, "", "", "", lines)
        else:
            lines += _label(block, (), width)
    return "".join(line.rstrip() + "\n" for line in lines)


def _tree(node: TreeNode, width: int, indent: str, first: str, rest: str, out: list[str]) -> None:
    """`indent`: the guides of the ancestors; `first`/`rest`: this node's guide on its first
    line and on the lines after it."""
    for k, text in enumerate(_label(node.line, node.notes, width - len(indent + first))):
        out.append(indent + (rest if k else first) + text)
    inner = indent + rest
    for k, child in enumerate(node.children):
        last = k == len(node.children) - 1
        _tree(child, width, inner, END if last else FORK, SPACE if last else CONTINUE, out)


def _label(line: Line, notes: tuple[Line, ...], width: int) -> list[str]:
    if not has_mark(line):
        return _wrap(_texts(line, notes), width)
    mark = line[0][0]
    wrapped = _wrap(_texts(line[1:], notes), width - len(mark))
    return [(mark if k == 0 else " " * len(mark)) + text for k, text in enumerate(wrapped)]


def _texts(line: Line, notes: tuple[Line, ...]) -> str:
    return "\n  ".join("".join(segment for segment, _ in part) for part in (line, *notes))


def _wrap(text: str, width: int) -> list[str]:
    wrapped = []
    for paragraph in text.split("\n"):
        cuts = [0, *divide_line(paragraph, width, fold=True), len(paragraph)]
        wrapped += [paragraph[start:end] for start, end in pairwise(cuts)]
    return wrapped
