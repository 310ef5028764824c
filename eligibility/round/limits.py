"""Quotas and selections across applicants: how many a programme admits (NAT 四（一）1, SH
第六、七条 "不超过10所/10家"; SH 第九条 "8家左右", A-27).

Only applicants the programme may admit count (qualifies, or undetermined); an exempt one
(`unless`, NAT: 计划单列市不占所在省名额) does not. A hard limit exceeded by applicants that
qualify for certain is an error naming every one of them: the checker never chooses among them.
When it is exceeded only if undetermined applicants qualify, a warning names them and the
facts missing. A "左右" figure exceeded only warns.

An issue's `applicants` lists every one; its message names the first few (`round/naming.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

from eligibility.round.model import (
    ApplicantInput,
    ApplicantLimit,
    LimitMembership,
    ProgrammeClaim,
    RoundIssue,
)
from eligibility.round.naming import named


def _named(applicant_ids: Sequence[str]) -> str:
    return named(applicant_ids) or "none"


def limit_issues(
    applicants: Sequence[ApplicantInput], limits: Sequence[ApplicantLimit]
) -> list[RoundIssue]:
    issues: list[RoundIssue] = []
    for limit in sorted(limits, key=lambda lim: lim.limit_id):
        members = [
            (applicant.applicant_id, claim, membership)
            for applicant in applicants
            for claim in applicant.programmes
            if claim.policy_id == limit.policy_id
            and claim.programme_id == limit.programme_id
            and claim.outcome != "does_not_qualify"
            for membership in claim.limits
            if membership.limit_id == limit.limit_id and membership.counted is not False
        ]
        groups = sorted({m.group for _, _, m in members if m.group is not None})
        unplaced = [(a, c, m) for a, c, m in members if m.group is None]
        for group in groups or [""]:
            inside = [(a, c, m) for a, c, m in members if m.group == group]
            issues += _check_group(limit, group, inside, unplaced)
    return issues


def _certain(limit: ApplicantLimit, claim: ProgrammeClaim, membership: LimitMembership) -> bool:
    """Counted for certain: it qualifies, or, for a limit on applicants put forward
    (`among`), the fact holds and it does not fail the programme (already filtered)."""
    put_forward = limit.among_field is not None or claim.outcome == "qualifies"
    return put_forward and membership.counted is True and membership.group is not None


def _check_group(
    limit: ApplicantLimit,
    group: str,
    inside: Sequence[tuple[str, ProgrammeClaim, LimitMembership]],
    unplaced: Sequence[tuple[str, ProgrammeClaim, LimitMembership]],
) -> list[RoundIssue]:
    certain = sorted(a for a, c, m in inside if _certain(limit, c, m))
    possible = sorted(
        {a for a, c, m in inside if not _certain(limit, c, m)} | {a for a, _, _ in unplaced}
    )
    where = f" with {limit.per_field} = {group}" if limit.per_field else ""
    words = f"{'不超过' if limit.hard else ''}{limit.maximum}{'' if limit.hard else '左右'}"
    head = f"{limit.programme_id}{where}:"
    if len(certain) > limit.maximum:
        named = _named(certain + possible)
        if limit.hard:
            return [
                RoundIssue(
                    "error",
                    "R-QUOTA",
                    f"{head} {len(certain)} applicants qualify ({named}), more than "
                    f"{words} ({limit.label}); the checker does not choose among them",
                    limit.citation,
                    tuple(certain + possible),
                    programmes=(f"{limit.policy_id}.{limit.programme_id}",),
                )
            ]
        return [
            RoundIssue(
                "warning",
                "R-ABOUT",
                f"{head} {len(certain)} applicants qualify ({named}), above the guidance of "
                f"{words} ({limit.label}); 左右 is not a hard limit (A-27)",
                limit.citation,
                tuple(certain + possible),
            )
        ]
    if limit.hard and len(certain) + len(possible) > limit.maximum:
        missing = sorted(
            {
                fact
                for a, c, m in list(inside) + list(unplaced)
                if a in possible
                for fact in (*m.missing, *c.missing)
            }
        )
        return [
            RoundIssue(
                "warning",
                "R-QUOTA-UNDETERMINED",
                f"{head} {len(certain)} qualify ({_named(certain)}) and "
                f"{len(possible)} may ({_named(possible)}): {words} ({limit.label}) may be "
                f"exceeded, depending on {', '.join(missing) or 'their outcome'}",
                limit.citation,
                tuple(certain + possible),
            )
        ]
    return []
