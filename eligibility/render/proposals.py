"""What would change the outcome, in words: each proposal of a result (`decision.proof.Change`
data, computed by `whatif.propose`) as one line in the reader's language, its changes joined,
each with its article. The text explanation and the JSON's labels both word it here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eligibility.decision.proof import Change, Proposal
from eligibility.facts import vocabulary
from eligibility.facts.vocabulary import FieldSpec
from eligibility.render.wording import Wording


def proposal_text(proposal: Proposal, w: Wording, document: str) -> str:
    """`提供 …（第九条（一））；再增加 1 笔“…”（第九条（二））`."""
    return w("list.sep_long").join(change_text(c, w, document) for c in proposal.changes)


def change_text(change: Change, w: Wording, document: str, to_cap: bool = False) -> str:
    """One change with its article; `to_cap`: a raise that brings the award to its cap."""
    return _words(change, w, to_cap) + w("article", w.article(change.citation, document))


def _words(change: Change, w: Wording, to_cap: bool) -> str:
    if change.action == "add":
        unit = change.unit if w.lang == "zh" and change.unit else w("change.records")
        return w("change.add", change.delta, unit, change.set_label)
    if change.action == "empty":
        found = vocabulary.collection(change.field)
        name = found.label if found is not None and w.lang == "zh" else change.field
        return w("change.empty", name, change.field)
    if change.action == "raise":
        spec = vocabulary.record_field(_collection(change), change.field)
        name = w.field(change.field, spec)
        return w(
            "change.raise_to_cap" if to_cap else "change.raise_sum",
            change.set_label,
            name,
            _amount(change.delta, w),
            _amount(change.target, w),
        )
    path = change.field
    if path.startswith(vocabulary.ATTESTATIONS):
        key = "change.attest" if change.values[0] else "change.attest_not"
        # the finding as its `criterion` declaration words it (as the checklist names it)
        criterion = vocabulary.criterion(path.split(".")[1])
        return w(key, criterion.label if criterion is not None else change.label, path)
    if path.startswith(vocabulary.SELECTION):
        key = "change.approve" if path.endswith(".approved_amount") else "change.select"
        return w(key, change.label, path)
    spec = vocabulary.applicant_field(path)
    name = w.facts((path,))
    if not change.values:
        return w("change.state", name)
    values = _values(change.values, spec, w)
    if change.supplies:
        return w("change.supply", name, values)
    if isinstance(change.delta, int | Decimal) and change.delta > 0:
        return w("change.raise", name, values, _figure(change.delta, spec, w))
    if isinstance(change.delta, int | Decimal) and change.delta < 0:
        return w("change.lower", name, values, _figure(-change.delta, spec, w))
    return w("change.set", name, values)


def _values(values: tuple[Any, ...], spec: FieldSpec | None, w: Wording) -> str:
    shown = [_figure(v, spec, w) for v in values]
    return shown[0] if len(shown) == 1 else w("change.one_of", w("change.or").join(shown))


def _figure(value: Any, spec: FieldSpec | None, w: Wording) -> str:
    text = w.value(value, spec)
    unit = spec.unit if spec is not None and spec.unit and not isinstance(value, Decimal) else ""
    return f"{text} {unit}" if unit else text


def _amount(value: Any, w: Wording) -> str:
    return w.value(Decimal(value)) if value is not None else ""


def _collection(change: Change) -> str:
    """The collection a sum reads: the set label does not say it, the field's owner does."""
    for name in vocabulary.collection_names():
        if vocabulary.record_field(name, change.field) is not None:
            return name
    return ""
