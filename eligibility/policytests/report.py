"""Reports of `eligibility test` and `eligibility coverage`: plain text lines and JSON.

Plain text, no colour, nothing that depends on the terminal, so a report can be compared in a
test or pasted into an issue as it is. Citations of the suite's own document are shown in
short form (`第十三条`) in the text report; JSON always has them in full.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from eligibility.ir.quantities import citation_prefix
from eligibility.policytests.coverage import Article, Coverage
from eligibility.policytests.model import CaseRun, Difference, RoundRun, Suite
from eligibility.policytests.source import Problem

TESTS_SCHEMA = "eligibility.policy-tests/1"
COVERAGE_SCHEMA = "eligibility.policy-coverage/1"


def summary(runs: list[CaseRun], rounds: list[RoundRun]) -> str:
    passed = sum(run.passed for run in runs) + sum(run.passed for run in rounds)
    failed = len(runs) + len(rounds) - passed
    of_rounds = f" ({len(rounds)} of them funding rounds)" if rounds else ""
    return f"{passed} passed, {failed} failed{of_rounds}"


def problem_lines(problems: list[Problem]) -> list[str]:
    return [f"error: {p}" for p in problems]


# ── eligibility test ─────────────────────────────────────────────────────────────────────────


Results = list[tuple[Suite, list[CaseRun], list[RoundRun]]]


def test_lines(suites: Results) -> list[str]:
    lines: list[str] = []
    all_runs: list[CaseRun] = []
    all_rounds: list[RoundRun] = []
    for suite, runs, rounds in suites:
        lines.append(f"{suite.file} · {suite.policy_file} ({suite.document})")
        for run in runs:
            lines += case_lines(run, suite.document)
        for one in rounds:
            lines += round_lines(one)
        lines.append("")
        all_runs += runs
        all_rounds += rounds
    lines.append(summary(all_runs, all_rounds))
    return lines


def round_lines(run: RoundRun) -> list[str]:
    """PASS or FAIL and the round's name; for a failure, what differs."""
    if run.passed:
        return [f"PASS  round {run.case.name}"]
    lines = [f"FAIL  round {run.case.name}  ({run.case.where})"]
    return lines + [f"        {_difference(d, '')}" for d in run.differences]


def case_lines(run: CaseRun, document: str = "") -> list[str]:
    """PASS or FAIL and the case's name; for a failure, what differs, programme by programme."""
    if run.passed:
        return [f"PASS  {run.case.name}"]
    lines = [f"FAIL  {run.case.name}  ({run.case.where})"]
    for check in run.checks:
        if not check.differences:
            continue
        lines.append(f"      {check.programme}")
        lines += [f"        {_difference(d, document)}" for d in check.differences]
        if check.why:
            lines.append("        actual result:")
            lines += [f"          {_short(line, document)}" for line in check.why]
    return lines


def _difference(difference: Difference, document: str) -> str:
    note = f"  ({difference.note})" if difference.note else ""
    match difference.aspect:
        case "citations":
            text = f"citation absent: {_short(difference.expected, document)}"
        case "because":
            text = f"not among the reasons: {_short(difference.expected, document)}"
        case aspect:
            text = f"{aspect + ':':<11} expected {difference.expected}, got {difference.actual}"
    return text + note


def _short(text: str, document: str) -> str:
    return text.replace(citation_prefix(document), "") if document else text


def test_json(suites: Results) -> dict[str, Any]:
    cases = [_case_json(suite, run) for suite, runs, _ in suites for run in runs]
    rounds = [_round_json(suite, run) for suite, _, runs in suites for run in runs]
    passed = sum(case["passed"] for case in cases + rounds)
    return {
        "schema": TESTS_SCHEMA,
        "cases": cases,
        "rounds": rounds,
        "passed": passed,
        "failed": len(cases) + len(rounds) - passed,
    }


def _round_json(suite: Suite, run: RoundRun) -> dict[str, Any]:
    return {
        "id": f"{suite.name}::{run.case.name}",
        "name": run.case.name,
        "file": suite.file,
        "line": run.case.where.line,
        "policy": str(suite.policy_file),
        "passed": run.passed,
        "applicants": [a.applicant_id for a in run.case.applicants],
        "differences": [
            {"aspect": d.aspect, "expected": d.expected, "actual": d.actual, "note": d.note}
            for d in run.differences
        ],
    }


def _case_json(suite: Suite, run: CaseRun) -> dict[str, Any]:
    return {
        "id": run.case.case_id,
        "name": run.case.name,
        "file": suite.file,
        "line": run.case.where.line,
        "policy": str(suite.policy_file),
        "passed": run.passed,
        "programmes": [
            {
                "programme": check.programme,
                "passed": not check.differences,
                "differences": [
                    {"aspect": d.aspect, "expected": d.expected, "actual": d.actual, "note": d.note}
                    for d in check.differences
                ],
                "actual": list(check.why),
            }
            for check in run.checks
        ],
    }


def problems_json(problems: list[Problem]) -> dict[str, Any]:
    return {
        "schema": TESTS_SCHEMA,
        "errors": [
            {
                "file": p.where.file,
                "line": p.where.line,
                "column": p.where.column,
                "message": p.message,
            }
            for p in problems
        ],
    }


# ── eligibility coverage ─────────────────────────────────────────────────────────────────────


def coverage_lines(reports: list[Coverage], strict: bool, verbose: bool = False) -> list[str]:
    """A table of articles per policy; then, for each flagged article (or every article with
    `verbose`), the rules citing it and the cases exercising it."""
    how = "is among the reasons for an outcome of" if strict else "appears in a result of"
    lines = [f"An article is exercised by a test case when its citation {how} the case.", ""]
    for report in reports:
        lines.append(f"{report.policy_file} · {report.document} · {report.case_count} test case(s)")
        width = max([_width(_short(a.citation, report.document)) for a in report.articles] + [7])
        lines.append(f"  {_pad('article', width)}  rules  cases")
        for article in report.articles:
            flag = {"no test": "  no test", "no rule": "  no rule (listed in binding_articles)"}
            lines.append(
                f"  {_pad(_short(article.citation, report.document), width)}  "
                f"{len(article.rules):>5}  {len(article.cases):>5}"
                f"{flag.get(article.status, '')}"
            )
        for article in report.articles:
            if verbose or article.status != "tested":
                lines += _article_lines(article, report.document)
        lines.append("")
    articles = [a for r in reports for a in r.articles]
    flagged = [a for r in reports for a in r.flagged]
    lines.append(
        f"{len(articles)} article(s): {len(articles) - len(flagged)} exercised by a "
        f"test case, {len(flagged)} flagged"
    )
    return lines


def _width(text: str) -> int:
    """Terminal cells: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _article_lines(article: Article, document: str) -> list[str]:
    status = {
        "no rule": "listed in binding_articles, but no rule cites it",
        "no test": "no test case exercises it",
    }.get(article.status, "")
    lines = ["", f"  {_short(article.citation, document)}" + (f": {status}" if status else "")]
    for rule in article.rules:
        lines.append(
            f"      {rule.kind:<9} {rule.rule_id}  {rule.label}  "
            f"({rule.span.file}:{rule.span.line})"
        )
    lines += [f"      tested by: {name}" for name in article.cases]
    return lines


def coverage_json(reports: list[Coverage], strict: bool) -> dict[str, Any]:
    return {
        "schema": COVERAGE_SCHEMA,
        "exercised_by": "reasons" if strict else "citations",
        "policies": [
            {
                "policy": r.policy_file,
                "document": r.document,
                "cases": r.case_count,
                "articles": [
                    {
                        "citation": a.citation,
                        "status": a.status,
                        "declared": a.declared,
                        "rules": [
                            {
                                "id": x.rule_id,
                                "label": x.label,
                                "kind": x.kind,
                                "file": x.span.file,
                                "line": x.span.line,
                            }
                            for x in a.rules
                        ],
                        "cases": list(a.cases),
                    }
                    for a in r.articles
                ],
            }
            for r in reports
        ],
        "flagged": sum(len(r.flagged) for r in reports),
    }
