"""Which facts a proposal may change. A fact that is missing may always be supplied; a stated
fact is changed only when it is not fixed. Which facts are fixed is declared in the vocabulary,
not here: a field marked `fixed` in its `*.facts` declaration (who the applicant is: kind, legal
form, ownership, size, regions; its history: a debarment, funding already received), a date,
year, region or text (fixed by nature), and the findings of others (a reviewer's attestation,
a selection result). See `facts.vocabulary.FieldSpec.fixed` and docs/language.md §3a. The
evaluation context (application date, assessment year) and the readings of interpretations are
never facts to change, and existing records are never changed (records are added)."""

from __future__ import annotations

from eligibility.facts import vocabulary


def changeable(path: str) -> bool:
    """Whether a stated applicant fact may be proposed with another value."""
    spec = vocabulary.applicant_field(path)
    return spec is not None and not spec.fixed
