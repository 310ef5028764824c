"""Records claimed across applicants (rule inventory X-1(c), X-2).

One real-world record (a registered contract, a pledge) may be claimed by each party to it in
its own role: the transferor under YB item 1 and the transferee under item 2 are two claims.
Two applicants claiming one record in the same role is an error naming both and the records'
paths: at most one of them can be that party, and the checker does not choose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from eligibility.round.model import ApplicantInput, RoundIssue

CLAIM_CITATION = "rule inventory X-1(c)"


def claim_issues(applicants: Sequence[ApplicantInput]) -> list[RoundIssue]:
    claimants: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for applicant in applicants:
        for claim in applicant.programmes:
            if claim.outcome == "does_not_qualify":
                continue
            for record in claim.records:
                where = f"{record.path} ({claim.policy_id}.{claim.programme_id})"
                claimants[(record.identity, record.role)][applicant.applicant_id].add(where)
    issues = []
    for (identity, role), by_applicant in sorted(claimants.items()):
        if len(by_applicant) < 2:
            continue
        named = "; ".join(
            f"{applicant_id}: {', '.join(sorted(paths))}"
            for applicant_id, paths in sorted(by_applicant.items())
        )
        issues.append(
            RoundIssue(
                "error",
                "R-CLAIM-DUPLICATE",
                f"the record {identity} is claimed in the same role ({role}) by "
                f"{len(by_applicant)} applicants: {named}",
                CLAIM_CITATION,
                tuple(sorted(by_applicant)),
            )
        )
    return issues
