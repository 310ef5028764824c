"""Decision → text: a summary line per programme, and with --explain each document's title
once, then per programme its outcome, proof tree, amount and articles.

Words come from `render.wording` in the chosen language (zh by default). Output is lines made
of (text, style) segments and trees of such lines (`TreeNode`); `render.tree` draws the trees
with rich, wrapping long lines under their node at the terminal's width, or at a fixed width
(100) for files, pipes and golden tests, so they do not depend on the terminal.

Much of the text comes from input files (names, ids, set values, policy labels). Every line
leaves this module through `_shown`, which writes control, bidi and separator characters as
escapes (`\\x1b`, `\\u202e`), so no input can move the cursor, clear the screen or forge a line.
"""

from __future__ import annotations

from decimal import Decimal

from eligibility.decision.proof import Decision, ProgrammeResult, ProofNode
from eligibility.facts.model import InputError
from eligibility.facts.paths import visible
from eligibility.frozen import frozen_record
from eligibility.render.proposals import change_text, proposal_text
from eligibility.render.wording import Lang, Wording, wording

Segment = tuple[str, str]  # (text, style)
Line = tuple[Segment, ...]
WIDTH = 100  # the width of text that does not go to a terminal
SUMMARY_ITEMS = 3  # a summary line names this many failing conditions or missing facts


@frozen_record
class TreeNode:
    """One node of a drawn tree: its line, notes drawn under the line (the records it read)
    and its children."""

    line: Line
    children: tuple[TreeNode, ...] = ()
    notes: tuple[Line, ...] = ()


Block = Line | TreeNode

MARKS = {"holds": ("✓", "holds"), "fails": ("✗", "fails"), "undetermined": ("?", "undetermined")}
NOT_IN_FORCE = ("–", "dim")  # a branch written for a reading that is not the one in force
OUTCOME_MARKS = {"qualifies": "holds", "does_not_qualify": "fails", "undetermined": "undetermined"}
MARK_SEGMENTS = frozenset(m + " " for m, _ in (*MARKS.values(), NOT_IN_FORCE))


def has_mark(line: Line) -> bool:
    """Whether the line opens with a mark ("✓ ", "✗ ", "? ", "– "), drawn in a column of its
    own so that the text wraps beside it. Only these: any other text, "； " included, is text."""
    return bool(line) and line[0][0] in MARK_SEGMENTS


_RANK = {"qualifies": 0, "undetermined": 1, "does_not_qualify": 2}


def ranked(results: tuple[ProgrammeResult, ...]) -> list[ProgrammeResult]:
    """Qualifying programmes first, largest amount first; then undetermined; then the rest."""

    def key(r: ProgrammeResult) -> tuple[int, Decimal, int]:
        amount = r.amount if r.amount is not None else (r.max_amount or Decimal(0))
        return (_RANK[r.outcome], -amount, results.index(r))

    return sorted(results, key=key)


def _outcome(result: ProgrammeResult, w: Wording) -> tuple[Segment, Segment]:
    style = OUTCOME_MARKS[result.outcome]
    return (MARKS[style][0] + " ", style), (w.outcome(result.outcome), style)


def _shorter(items: list[str], w: Wording) -> str:
    more = len(items) - SUMMARY_ITEMS
    return w("list.sep_long").join(items[:SUMMARY_ITEMS]) + (
        w("summary.more", len(items)) if more > 0 else ""
    )


def _not_applicable_lines(decision: Decision, w: Wording) -> tuple[list[Line], set[str]]:
    """One line per document that does not apply at all (another jurisdiction or kind)."""
    lines: list[Line] = []
    skipped: set[str] = set()
    for policy in decision.policies:
        results = [r for r in decision.results if r.policy_id == policy.policy_id]
        if results and all(r.not_applicable for r in results):
            skipped.add(policy.policy_id)
            reason = w.gate_reason(results[0])
            text = w("summary.not_applicable", policy.document, reason, len(results))
            lines.append(((NOT_IN_FORCE[0] + " ", "dim"), (text, "dim")))
    return lines, skipped


def _shown(lines: list[Line]) -> list[Line]:
    """`lines` safe for a terminal: every segment's text made visible (idempotent)."""
    return [_visible(line) for line in lines]


def _visible(line: Line) -> Line:
    return tuple((visible(text), style) for text, style in line)


def summary_lines(decision: Decision, lang: Lang = "zh") -> list[Line]:
    w = wording(lang)
    who = f"{decision.applicant_id} {decision.applicant_name}".strip()
    heading = w("summary.applicant", who, decision.as_of, decision.assessment_year)
    lines: list[Line] = [((heading, "heading"),)]
    not_applicable, skipped = _not_applicable_lines(decision, w)
    for r in ranked(decision.results):
        if r.policy_id in skipped:
            continue
        why = summary_reason(r, w)
        mark, word = _outcome(r, w)
        title = f"{r.programme} {r.title}{w('colon')}"
        lines.append((mark, (title, ""), word, (w.amount(r) + why, "")))
    return _shown(lines + not_applicable)


def summary_reason(r: ProgrammeResult, w: Wording) -> str:
    """What a summary line says after the amount: the failing conditions (at most
    SUMMARY_ITEMS) of a "does not qualify", else the facts missing, if any."""
    if r.outcome == "does_not_qualify":
        return w("summary.fails", _shorter(_failing_leaves(r.proof, r.document, w), w))
    return w("summary.missing", _shorter(w.missing_labels(r), w)) if r.missing else ""


def not_applicable_lines(decision: Decision, lang: Lang = "zh") -> tuple[list[Line], set[str]]:
    """One line per document that does not apply at all, and those documents' policy ids."""
    lines, skipped = _not_applicable_lines(decision, wording(lang))
    return _shown(lines), skipped


def _failing_leaves(node: ProofNode, document: str, w: Wording) -> list[str]:
    """The failing conditions that decided a "does not qualify", each with its article."""
    failing = [c for c in node.children if c.verdict == "fails"]
    if node.verdict != "fails" or node.kind in ("not", "any") or not failing:
        return [node.label + w("article", w.article(node.citation, document))]
    return [text for child in failing for text in _failing_leaves(child, document, w)]


def explain_blocks(decision: Decision, lang: Lang = "zh") -> list[Block]:
    """The summary, then each document's title once and its programmes explained."""
    w = wording(lang)
    blocks: list[Block] = list(summary_lines(decision, lang))
    _, skipped = _not_applicable_lines(decision, w)
    shown = [r for r in ranked(decision.results) if r.policy_id not in skipped]
    for document in dict.fromkeys(r.document for r in shown):
        blocks += [(), _visible(((w("explain.document", document), "heading"),))]
        for r in (r for r in shown if r.document == document):
            blocks += [(), *programme_blocks(decision, r, lang)]
    return blocks


def programme_blocks(decision: Decision, r: ProgrammeResult, lang: Lang = "zh") -> list[Block]:
    """One programme explained: outcome, missing facts, default readings, the proof tree,
    the amount's steps and the articles, citations without the document's title (which its
    heading shows once). The round report calls this for one decision's tree."""
    w = wording(lang)
    blocks: list[Block] = [((f"── {r.programme} · {r.title}", "heading"),)]
    blocks.append(((w("explain.outcome"), ""), _outcome(r, w)[1], (w.amount(r), "")))
    if r.missing:
        key = "explain.also_missing" if r.outcome == "does_not_qualify" else "explain.missing"
        blocks.append(((w(key, w.missing_facts(r)), "undetermined"),))
    for name, value, label in default_readings(decision, r):  # rule inventory §7
        blocks.append(((w("explain.default_reading", name, value, label), "dim"),))
    blocks.append(_tree(r.proof, r.document, w))
    if r.outcome != "qualifies" and not r.not_applicable:
        blocks.append(_would_change(r, w))
    if r.amount_proof and (r.amount is not None or r.max_amount is not None):
        steps = []
        for step in r.amount_proof.lines:
            label, computation = w.amount_step(step)
            cite = w("cite", w.article(step.citation, r.document)) if step.citation else ""
            steps.append(TreeNode(((label + w("colon") + computation, ""), (cite, "dim"))))
        steps += [
            TreeNode(((w("explain.to_cap", change_text(c, w, r.document, True)), "dim"),))
            for c in r.to_cap
        ]
        blocks.append(TreeNode(((w("explain.amount"), "heading"),), tuple(steps)))
    articles = w.articles(r.citations, r.document)
    blocks.append(((w("explain.citations", w("list.sep_long").join(articles)), "dim"),))
    return [_visible(b) if isinstance(b, tuple) else _visible_tree(b) for b in blocks]


def proof_tree(r: ProgrammeResult, lang: Lang = "zh") -> TreeNode:
    """One programme's proof tree as `--explain` draws it (the decision report's tree)."""
    return _visible_tree(_tree(r.proof, r.document, wording(lang)))


def _would_change(r: ProgrammeResult, w: Wording) -> Block:
    """What would make the programme qualify: one line per proposal, numbered."""
    if not r.would_change:
        return ((w("explain.would_change_none"), "dim"),)
    lines = tuple(
        TreeNode(((w("proposal.number", i) + proposal_text(p, w, r.document), ""),))
        for i, p in enumerate(r.would_change, 1)
    )
    return TreeNode(((w("explain.would_change"), "heading"),), lines)


def default_readings(decision: Decision, r: ProgrammeResult) -> list[tuple[str, str, str]]:
    """(name, value, label) of the switches this result read in their default reading."""
    read = {d.split(" = ", 1)[0] for d in r.defaults}
    return [
        (i.name, i.value, i.label)
        for i in decision.interpretations
        if i.policy_id == r.policy_id and i.is_default and i.name in read
    ]


def _visible_tree(node: TreeNode) -> TreeNode:
    return TreeNode(
        _visible(node.line),
        tuple(_visible_tree(c) for c in node.children),
        tuple(_visible(n) for n in node.notes),
    )


def _tree(node: ProofNode, document: str, w: Wording, excluding: bool = False) -> TreeNode:
    """`excluding`: the node is a case of an exclusion, so what it requires excludes."""
    shown = node.children[0] if node.kind == "not" and node.children else node
    mark, style = MARKS[node.verdict]
    if _not_in_force(node):
        mark, style = NOT_IN_FORCE
    label = w.node_label(node)
    excluding = excluding or shown is not node
    detail = w.detail(shown, excluding)
    text = label + (w("colon") + detail if detail else "")
    article = w("cite", w.article(node.citation, document))
    children = _reading_in_force(node)
    if node.kind == "not":  # an exclusion of several cases shows which case fired, and why
        children = shown.children if shown is not node and shown.kind in ("all", "any") else ()
    decider = shown if node.kind == "not" else node
    records = w.record_lines(shown, children is node.children, document)
    line: Line = ((f"{mark} ", style), (text, ""), (article, "dim"))
    decisive = _decisive(decider, children)
    drawn = [_tree(c, document, w, excluding) for c in decisive]
    folded = [c for c in children if c not in decisive]
    if folded:
        labels = w("list.sep_long").join(c.label for c in folded)
        drawn.append(TreeNode(((w("node.folded", len(folded), labels), "dim"),)))
    return TreeNode(line, tuple(drawn), tuple(((r, "dim"),) for r in records))


def _decisive(node: ProofNode, children: tuple[ProofNode, ...]) -> tuple[ProofNode, ...]:
    """For an `any` that holds, the first branch that holds: the others did not decide (the
    JSON keeps them all); otherwise every child."""
    if node.kind == "any" and node.verdict == "holds":
        first = next((c for c in children if c.verdict == "holds"), None)
        return (first,) if first is not None else children
    return children


def _not_in_force(node: ProofNode) -> bool:
    """A reading not in force, or a branch written only for one: neither failed."""
    if node.kind == "interpretationis":
        return node.verdict == "fails"
    return _reading_in_force(node) != node.children


def _reading_in_force(node: ProofNode) -> tuple[ProofNode, ...]:
    """A branch written for a reading that is not in force shows only that it is not: its
    other conditions were never the law for this decision (the JSON keeps them all)."""
    switch = [c for c in node.children if c.kind == "interpretationis"]
    if node.kind == "all" and switch and switch[0].verdict == "fails":
        return (switch[0],)
    return node.children


def error_lines(errors: tuple[InputError, ...], source: str) -> list[Line]:
    lines: list[Line] = [
        (
            (
                (
                    f"error: {source} is not a valid applicant file "
                    f"({len(errors)} problem(s)); nothing was evaluated"
                ),
                "fails",
            ),
        )
    ]
    lines += [
        ((f"  {e.code} ", "fails"), (f"{e.path}: ", "heading"), (e.message, "")) for e in errors
    ]
    return _shown(lines)


def plain(lines: list[Line]) -> str:
    return "\n".join("".join(text for text, _ in line).rstrip() for line in lines) + "\n"


def plain_blocks(blocks: list[Block], width: int = WIDTH) -> str:
    """Blocks as plain text at `width` columns: long lines wrap, trees under their node."""
    from eligibility.render.plain_tree import draw_plain

    return draw_plain(blocks, width)


def explain_lines(decision: Decision, lang: Lang = "zh") -> list[Line]:
    """The explanation as plain lines at the fixed width (for tests and tools)."""
    return [((text, ""),) for text in plain_blocks(explain_blocks(decision, lang)).splitlines()]


def programme_tree_text(
    decision: Decision, result: ProgrammeResult, lang: Lang = "zh", width: int = WIDTH
) -> str:
    """One programme's explanation as plain text in `lang`: the round report's entry point."""
    return plain_blocks(programme_blocks(decision, result, lang), width)
