"""Decision → plain text: a summary line per programme, and with --explain the proof tree.

Output is a list of lines made of (text, style) segments: joined as they are for files,
pipes and golden tests (no colour, no dependence on the terminal's width), or handed to
`render.terminal` which colours the styles with rich on a terminal.

Much of the text comes from input files (names, ids, set values, policy labels). Every line
leaves this module through `_shown`, which writes control, bidi and separator characters as
escapes (`\\x1b`, `\\u202e`), so no input can move the cursor, clear the screen or forge a line.
"""

from __future__ import annotations

from decimal import Decimal

from eligibility.decision.proof import Decision, ProgrammeResult, ProofNode, RecordNote
from eligibility.facts.model import InputError
from eligibility.facts.paths import visible
from eligibility.ir.quantities import format_money

Segment = tuple[str, str]  # (text, style)
Line = tuple[Segment, ...]

MARKS = {"holds": ("✓", "holds"), "fails": ("✗", "fails"), "undetermined": ("?", "undetermined")}
OUTCOMES = {
    "qualifies": ("✓", "qualifies", "holds"),
    "does_not_qualify": ("✗", "does not qualify", "fails"),
    "undetermined": ("?", "undetermined", "undetermined"),
}


def _amount_text(result: ProgrammeResult) -> str:
    if result.amount is not None and result.max_amount is not None:  # certain, part confirmed
        return (
            f" · {format_money(result.amount)} 元 (up to {format_money(result.max_amount)} 元 "
            "if the undecided records count)"
        )
    if result.amount is not None and result.outcome == "qualifies" and result.missing:
        return f" · {format_money(result.amount)} 元 (at least: undecided records may add to it)"
    if result.amount is not None:
        return f" · {format_money(result.amount)} 元"
    if result.max_amount is not None:
        return f" · at most {format_money(result.max_amount)} 元"
    return ""


_RANK = {"qualifies": 0, "undetermined": 1, "does_not_qualify": 2}


def ranked(results: tuple[ProgrammeResult, ...]) -> list[ProgrammeResult]:
    """Qualifying programmes first, largest amount first; then undetermined; then the rest."""

    def key(r: ProgrammeResult) -> tuple[int, Decimal, int]:
        amount = r.amount if r.amount is not None else (r.max_amount or Decimal(0))
        return (_RANK[r.outcome], -amount, results.index(r))

    return sorted(results, key=key)


def _not_applicable_lines(decision: Decision) -> tuple[list[Line], set[str]]:
    """One line per document that does not apply at all (another jurisdiction or kind)."""
    lines: list[Line] = []
    skipped: set[str] = set()
    for policy in decision.policies:
        results = [r for r in decision.results if r.policy_id == policy.policy_id]
        if results and all(r.not_applicable for r in results):
            skipped.add(policy.policy_id)
            lines.append(
                (
                    ("– ", "dim"),
                    (
                        (
                            f"{policy.document}: not applicable: "
                            f"{results[0].not_applicable} · {len(results)} "
                            "programme(s) not evaluated further"
                        ),
                        "dim",
                    ),
                )
            )
    return lines, skipped


def _shown(lines: list[Line]) -> list[Line]:
    """`lines` safe for a terminal: every segment's text made visible (idempotent)."""
    return [tuple((visible(text), style) for text, style in line) for line in lines]


def summary_lines(decision: Decision) -> list[Line]:
    who = f"{decision.applicant_id} {decision.applicant_name}".strip()
    lines: list[Line] = [
        (
            (
                (
                    f"applicant {who} · as of {decision.as_of} · assessment year "
                    f"{decision.assessment_year}"
                ),
                "heading",
            ),
        ),
    ]
    not_applicable, skipped = _not_applicable_lines(decision)
    for r in ranked(decision.results):
        if r.policy_id in skipped:
            continue
        mark, word, style = OUTCOMES[r.outcome]
        if r.outcome == "does_not_qualify":
            failing = _failing_leaves(r.proof, r.document)
            why = f" · fails: {'; '.join(failing[:3])}" + (" …" if len(failing) > 3 else "")
        else:
            why = f" · missing: {', '.join(r.missing)}" if r.missing else ""
        lines.append(
            (
                (f"{mark} ", style),
                (f"{r.programme} {r.title}: ", ""),
                (word, style),
                (_amount_text(r) + why, ""),
            )
        )
    return _shown(lines + not_applicable)


def _failing_leaves(node: ProofNode, document: str) -> list[str]:
    """The failing conditions that decided a "does not qualify", each with its article."""
    failing = [c for c in node.children if c.verdict == "fails"]
    if node.verdict != "fails" or node.kind in ("not", "any") or not failing:
        article = node.citation.removeprefix(document).strip() or node.citation
        return [f"{node.label} ({article})"]
    return [text for child in failing for text in _failing_leaves(child, document)]


def explain_lines(decision: Decision) -> list[Line]:
    lines = summary_lines(decision)
    _, skipped = _not_applicable_lines(decision)
    for r in ranked(decision.results):
        if r.policy_id in skipped:
            continue
        lines += [(), ((f"── {r.programme} · {r.title} · {r.document}", "heading"),)]
        _, word, style = OUTCOMES[r.outcome]
        lines.append((("outcome: ", ""), (word, style), (_amount_text(r), "")))
        if r.missing:
            also = (
                "also missing (they could not change the outcome)"
                if (r.outcome == "does_not_qualify")
                else "missing facts"
            )
            lines.append(((f"{also}: {', '.join(r.missing)}", "undetermined"),))
        for reading in r.defaults:  # rule inventory §7: say when a default reading decided
            lines.append(((f"decided with the default reading: {reading}", "dim"),))
        lines += _tree(r.proof, "", "", True)
        if r.amount_proof and (r.amount is not None or r.max_amount is not None):
            lines.append((("amount:", "heading"),))
            for step in r.amount_proof.lines:
                cite = f" [{step.citation}]" if step.citation else ""
                lines.append(((f"  {step.label}: {step.computation}{cite}", ""),))
        lines.append(((f"citations: {'; '.join(r.citations)}", "dim"),))
    return _shown(lines)


def _tree(node: ProofNode, prefix: str, child_prefix: str, root: bool) -> list[Line]:
    shown = node.children[0] if node.kind == "not" and node.children else node
    mark, style = MARKS[node.verdict]
    exclusion = {"holds": "not excluded: ", "fails": "excluded: "}.get(node.verdict, "exclusion: ")
    label = (exclusion if node.kind == "not" else "") + node.label
    detail = f": {shown.detail}" if shown.detail and shown.detail != label else ""
    if node.kind == "not":  # the child's requirement is what triggers the exclusion
        detail = detail.replace(" — required: ", " — excluded if: ")
    lines: list[Line] = [
        ((prefix, "dim"), (f"{mark} ", style), (label + detail, ""), (f" [{node.citation}]", "dim"))
    ]
    children = _reading_in_force(node)
    if node.kind == "not":  # an exclusion of several cases shows which case fired, and why
        children = shown.children if shown is not node and shown.kind in ("all", "any") else ()
    indent = child_prefix + ("│   " if children else "    ")
    counted = [note.record_id for note in shown.records if note.counted]
    if counted:
        word = "found" if shown.kind == "exists" else "counted"
        lines.append(((indent, "dim"), (f"{word}: {', '.join(counted)}", "dim")))
    for note in shown.records:
        if not note.counted and children is node.children:
            lines.append(((indent, "dim"), (_record_text(note), "fails")))
    for k, child in enumerate(children):
        last = k == len(children) - 1
        lines += _tree(
            child,
            child_prefix + ("└── " if last else "├── "),
            child_prefix + ("    " if last else "│   "),
            False,
        )
    return lines


def _reading_in_force(node: ProofNode) -> tuple[ProofNode, ...]:
    """A branch written for a reading that is not in force shows only that it is not: its
    other conditions were never the law for this decision (the JSON keeps them all)."""
    switch = [c for c in node.children if c.kind == "interpretationis"]
    if node.kind == "all" and switch and switch[0].verdict == "fails":
        return (switch[0],)
    return node.children


def _record_text(note: RecordNote) -> str:
    if not note.reasons:  # no filter refused it: it is undecided, not refused
        missing = ", ".join(note.undecided)
        return f"{note.record_id} undecided" + (f", missing: {missing}" if missing else "")
    reasons = "; ".join(f"{r.label} ({r.actual}) — {r.citation}" for r in note.reasons)
    return f"{note.record_id} not counted, not met: {reasons}"


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
