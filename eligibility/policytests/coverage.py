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
from eligibility.ir.walk import walk_conditions
from eligibility.policytests.model import CaseRun, Suite
from eligibility.policytests.run import reasons
from eligibility.span import Span


@dataclass(frozen=True, slots=True)
class Rule:
    rule_id: str
    label: str
    kind: str  # condition | filter | step | cap
    span: Span


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


def cited_rules(policy: ir.Policy) -> tuple[tuple[str, Rule], ...]:
    """(citation, rule) for every cited rule of the policy, in the order of the policy file."""
    found: list[tuple[str, Rule]] = []
    for record_set in policy.record_sets:
        for node in (n for f in record_set.filters for n in walk_conditions(f)):
            found.append((node.meta.citation,
                          Rule(node.meta.node_id, node.meta.label, "filter", node.meta.span)))
    for programme in policy.programmes:
        for node in walk_conditions(programme.condition):
            found.append((node.meta.citation,
                          Rule(node.meta.node_id, node.meta.label, "condition", node.meta.span)))
        if programme.amount:
            found += [(s.citation, Rule(s.step_id, s.label, "step", s.span))
                      for s in programme.amount.steps]
            found += [(c.citation, Rule(c.cap_id, c.label, "cap", c.span))
                      for c in programme.amount.caps]
    order = {id(rule): k for k, (_, rule) in enumerate(found)}
    found.sort(key=lambda pair: (pair[1].span.line, pair[1].span.column, order[id(pair[1])]))
    return tuple((citation, rule) for citation, rule in found if citation)


def coverage(suite: Suite, policy: ir.Policy, runs: tuple[CaseRun, ...],
             strict: bool = False) -> Coverage:
    rules: dict[str, list[Rule]] = {}
    for citation, rule in cited_rules(policy):
        rules.setdefault(citation, []).append(rule)
    exercised: dict[str, list[str]] = {}
    for run in runs:
        seen = {c for r in run.results for c in (reasons(r) if strict else r.citations)}
        for citation in seen:
            exercised.setdefault(citation, []).append(run.case.name)
    declared = set(suite.binding_articles)
    articles = [Article(c, tuple(rs), tuple(exercised.get(c, ())), c in declared)
                for c, rs in rules.items()]
    for citation in suite.binding_articles:
        if not any(c == citation or c.startswith(citation + "（") for c in rules):
            articles.append(Article(citation, (), (), True))
    return Coverage(suite.name, str(policy.source_file), policy.document_number, len(runs),
                    tuple(articles))
