"""The plain drawer (files, pipes, goldens) draws exactly the lines rich draws for the same
blocks at the same width: any text (CJK, long words, spaces), marks, notes, nesting."""

from __future__ import annotations

import io

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from eligibility.render.plain_tree import draw_plain
from eligibility.render.text import Block, Line, TreeNode
from eligibility.render.tree import print_blocks

WORDS = st.sampled_from(
    ["促成知识产权交易3笔以上", "第九条（二）", "4 笔 ≥ 3 笔", "500,000.00 元", "applicant_kind", " ",
     "  ", "；", "； ", "✓ ", "a" * 30, "知" * 45, "T1、T2、T3", "［第十条］", "–", "x"]
)  # fmt: skip
TEXT = st.lists(WORDS, max_size=12).map("".join)
LINE: st.SearchStrategy[Line] = st.one_of(
    st.tuples(st.tuples(TEXT, st.just(""))),
    st.tuples(
        st.tuples(st.sampled_from(["✓ ", "✗ ", "? ", "– "]), st.just("holds")),
        st.tuples(TEXT, st.just("")),
    ),
    st.just(()),
)
NODES: st.SearchStrategy[TreeNode] = st.recursive(
    st.builds(TreeNode, LINE, notes=st.lists(LINE, max_size=2).map(tuple)),
    lambda children: st.builds(
        TreeNode,
        LINE,
        st.lists(children, max_size=3).map(tuple),
        st.lists(LINE, max_size=2).map(tuple),
    ),
    max_leaves=8,
)
BLOCKS = st.lists(st.one_of(LINE, NODES), max_size=4)


def _rich(blocks: list[Block], width: int) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, color_system=None, force_terminal=False, highlight=False
    )
    print_blocks(blocks, console)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


@example([(("； ", ""),)], 24)  # a two-character text ending in a space is not a mark
@settings(max_examples=300, deadline=None)
@given(BLOCKS, st.integers(min_value=24, max_value=140))
def test_the_plain_drawer_draws_what_rich_draws(blocks: list[Block], width: int) -> None:
    assert draw_plain(blocks, width) == _rich(blocks, width)
