"""How a round's messages name many applicants: the first `NAMED`, then how many more.

A pool's reason and a quota's message are copied into the allocation steps of every applicant
they concern, so naming every one of thousands would write each name into each decision: the
size of a round's decisions would grow with the square of its applicants (8.4 GB of
decisions.jsonl for 10,000 generated applicants). Each issue lists all of them in its
`applicants`, and each pool in round.json's `applicants`; each applicant's own missing facts
are in its own decision.
"""

from __future__ import annotations

from collections.abc import Sequence

NAMED = 20


def named(items: Sequence[str], separator: str = ", ") -> str:
    """The items joined: all of them, or the first NAMED and how many more."""
    if len(items) <= NAMED:
        return separator.join(items)
    return f"{separator.join(items[:NAMED])}{separator}and {len(items) - NAMED} more"
