"""Which articles of a policy its test cases exercise.

An article "has a binding rule" when some condition, record-set filter, amount step or cap of
the policy's IR cites it. A case "exercises" an article when the citation appears in the
`citations` of any of its results (or, with `strict`, among the reasons for an outcome:
`run.reasons`). Articles are listed in the order they first appear in the policy file.

A suite may also list `binding_articles:` (the articles its authors expect the policy to
encode); one with no rule citing it, or a sub-clause of it, is flagged as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.ir import nodes as ir
from eligibility.policytests.model import CaseRun, Suite
from eligibility.policytests.rules import Rule, cited_rules
from eligibility.policytests.run import reasons


@dataclass(frozen=True, slots=True)
class Article:
    citation: str
    rules: tuple[Rule, ...]
    cases: tuple[str, ...]  # names of the cases exercising it
    declared: bool  # listed under the suite's binding_articles

    @property
    def status(self) -> str:
        if not self.rules:
            return "no rule"
        return "tested" if self.cases else "no test"


@dataclass(frozen=True, slots=True)
class Coverage:
    suite: str
    policy_file: str
    document: str
    case_count: int
    articles: tuple[Article, ...]

    @property
    def flagged(self) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.status != "tested")


def coverage(
    suite: Suite, policy: ir.Policy, runs: tuple[CaseRun, ...], strict: bool = False
) -> Coverage:
    rules: dict[str, list[Rule]] = {}
    for citation, rule in cited_rules(policy):
        rules.setdefault(citation, []).append(rule)
    exercised: dict[str, list[str]] = {}
    for run in runs:
        seen = {c for r in run.results for c in (reasons(r) if strict else r.citations)}
        for citation in seen:
            exercised.setdefault(citation, []).append(run.case.name)
    declared = set(suite.binding_articles)
    articles = [
        Article(c, tuple(rs), tuple(exercised.get(c, ())), c in declared) for c, rs in rules.items()
    ]
    for citation in suite.binding_articles:
        if not any(c == citation or c.startswith(citation + "（") for c in rules):
            articles.append(Article(citation, (), (), True))
    return Coverage(
        suite.name, str(suite.policy_file), policy.document_number, len(runs), tuple(articles)
    )
