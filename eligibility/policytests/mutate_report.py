"""The report of `eligibility mutate`: text (survivors with file:line:column, then counts per
operator) and JSON (`eligibility.policy-mutants/1`)."""

from __future__ import annotations

from typing import Any

from eligibility.policytests.mutants import OPERATORS
from eligibility.policytests.mutate import STATUSES, MutantResult, PolicyMutation

SCHEMA = "eligibility.policy-mutants/1"


def mutation_lines(reports: list[PolicyMutation], verbose: bool = False) -> list[str]:
    lines: list[str] = []
    for report in reports:
        lines.append(
            f"{report.policy_file} · {report.tests_file} · {len(report.results)} mutant(s) · "
            f"{report.cases} case(s) · {report.seconds:.1f} s"
        )
        for name in report.failing_cases:
            lines.append(f"  not used: case {name!r} fails on the policy itself")
        for result in report.results:
            if result.status in ("survived", "invalid") or verbose:
                lines.append("  " + _result_line(result))
        lines.append(f"  {'operator':<9}" + "".join(f"{s:>12}" for s in STATUSES))
        for operator in OPERATORS:
            if any(r.mutant.operator == operator for r in report.results):
                counts = "".join(f"{report.count(s, operator):>12}" for s in STATUSES)
                lines.append(f"  {operator:<9}{counts}")
        lines.append("  " + _counts(report.results))
        lines.append("")
    every = tuple(r for report in reports for r in report.results)
    lines.append(_counts(every))
    return lines


def _result_line(result: MutantResult) -> str:
    span = result.mutant.span
    where = f"{span.file}:{span.line}:{span.column}"
    note = f"  ({result.note})" if result.note else ""
    return f"{where} {result.mutant.shown} {result.status}  [{result.mutant.operator}]{note}"


def _counts(results: tuple[MutantResult, ...]) -> str:
    counts = ", ".join(f"{sum(r.status == s for r in results)} {s}" for s in STATUSES)
    return f"{len(results)} mutant(s): {counts}"


def mutation_json(reports: list[PolicyMutation]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "policies": [
            {
                "policy": report.policy_file,
                "tests": report.tests_file,
                "cases": report.cases,
                "failing_cases": list(report.failing_cases),
                "seconds": round(report.seconds, 1),
                "counts": {s: report.count(s) for s in STATUSES},
                "by_operator": {
                    operator: {s: report.count(s, operator) for s in STATUSES}
                    for operator in OPERATORS
                    if any(r.mutant.operator == operator for r in report.results)
                },
                "mutants": [_result_json(r) for r in report.results],
            }
            for report in reports
        ],
        "survived": sum(report.count("survived") for report in reports),
    }


def _result_json(result: MutantResult) -> dict[str, Any]:
    mutant = result.mutant
    return {
        "file": mutant.span.file,
        "line": mutant.span.line,
        "column": mutant.span.column,
        "operator": mutant.operator,
        "original": mutant.original,
        "mutated": mutant.replacement,
        "status": result.status,
        "note": result.note,
    }
