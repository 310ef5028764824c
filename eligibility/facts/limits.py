"""The size limits of an applicant file, in one place, and the cheap walk that enforces them.

A small file can still ask for a lot of work: 10,000 tiny records, an object of 100,000 keys, a
string of 50 MB, an amount of 10^30 yuan. Every limit here is documented (the "Limits" table of
docs/applicant-format.md) and, where JSON Schema can say it, published in the schema
(`facts.schema` reads these constants). `limit_errors` checks them on the parsed document before
anything else is done with it: it touches each value once, never descends into a container that
is over its limit, and stops after `MAX_VALUES` values, so its own cost is bounded too.

There are two kinds of limit:
- **format limits**, part of the file format (the schema states them): records per collection,
  values per list, entries per map, string length, nesting depth, digits of money and counts;
- **the evaluation budgets** of this checker, not part of the format: what an engine evaluates
  in about a gigabyte and reasonable time. Every file is held to the set-at-a-time engine's
  (`MAX_RECORDS_EVALUATED`, `MAX_VALUES_EVALUATED`: a bank's 10,000 pledges); the pyDatalog
  engine's is smaller (`PYDATALOG_MAX_RECORDS`, `PYDATALOG_MAX_VALUES`, `pydatalog_budget_errors`),
  and `--engine auto` takes DuckDB for a file beyond it.
"""

from __future__ import annotations

from eligibility.facts.model import ApplicantFacts, InputError
from eligibility.facts.paths import render

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Bytes of the applicant file."""

MAX_RECORDS_PER_COLLECTION = 10_000
"""Records in one collection (`pledge_financings`, ...): a bank's pledges of one year fit."""

MAX_RECORDS_EVALUATED = 10_000
"""Records in all collections together that this checker evaluates (on DuckDB; measured on 2
shared cores: a bank with 10,000 pledge records, 7.2 s of CPU and 0.38 GB, docs/architecture.md)."""

MAX_VALUES_EVALUATED = 300_000
"""Scalar values in the whole file that this checker evaluates (10,000 records of ~30)."""

PYDATALOG_MAX_RECORDS = 2_000
"""Records the pyDatalog engine evaluates. Measured (2 shared cores): 2,000 contract records
14 s / 0.63 GB, 2,000 pledge records 12 s / 0.53 GB."""

PYDATALOG_MAX_VALUES = 60_000
"""Values the pyDatalog engine evaluates (2,000 contract records hold 40,000; 20,000 reviewer
attestations hold 60,000)."""

MAX_LIST_ITEMS = 1_000
"""Values in one list or set of scalars (`operating_regions`), and elements of `items`."""

MAX_MAP_ENTRIES = 1_000
"""Entries in one map (`reviewer_attestations`, `selection_result`, `interpretations`)."""

MAX_STRING_CHARS = 4_096
"""Characters in one string value or object key."""

MAX_DEPTH = 16
"""Nesting of objects and lists (a valid file nests 6 deep at most)."""

MAX_VALUES = 500_000
"""Scalar values (strings, numbers, booleans) in the whole file: 10,000 records of ~40 each."""

MAX_MONEY_DIGITS = 15
"""Digits before the decimal point of an amount: money is below 10^15 yuan."""

MAX_COUNT = 10**15 - 1
"""The largest whole number a count field takes."""

MAX_REPORTED = 100
"""Limit errors listed at most: the walk stops there (one is enough to refuse the file)."""

V_LIMIT = "V-LIMIT"


def limit_errors(doc: object, collections: frozenset[str]) -> tuple[InputError, ...]:
    """V-LIMIT for each part of `doc` over a limit; `collections` names the record lists.

    Iterative, so no nesting depth can make it recurse; an oversized container is reported and
    not entered, so the walk costs at most one step per value below the limits.
    """
    errors: list[InputError] = []
    stack: list[tuple[object, tuple[str | int, ...]]] = [(doc, ())]
    values = 0
    records = 0
    while stack and len(errors) < MAX_REPORTED:
        value, tokens = stack.pop()
        if isinstance(value, dict):
            if _too_deep(tokens, errors):
                continue
            if len(value) > MAX_MAP_ENTRIES:
                errors.append(
                    InputError(
                        V_LIMIT,
                        render(tokens),
                        f"an object may have at most {MAX_MAP_ENTRIES:,} keys: got {len(value):,}",
                    )
                )
                continue
            for key, member in value.items():
                here = (*tokens, key)
                if len(key) > MAX_STRING_CHARS:
                    errors.append(_long_string(tokens, len(key), "a key"))
                else:
                    stack.append((member, here))
        elif isinstance(value, list):
            if _too_deep(tokens, errors):
                continue
            is_collection = (
                len(tokens) == 2 and tokens[0] == "applicant" and tokens[1] in collections
            )
            limit = MAX_RECORDS_PER_COLLECTION if is_collection else MAX_LIST_ITEMS
            what = "records" if is_collection else "values"
            if len(value) > limit:
                errors.append(
                    InputError(
                        V_LIMIT,
                        render(tokens),
                        f"a list here may have at most {limit:,} {what}: got {len(value):,}",
                    )
                )
                continue
            if is_collection:
                records += len(value)
            stack.extend((member, (*tokens, index)) for index, member in enumerate(value))
        else:
            values += 1
            if values > MAX_VALUES:
                errors.append(
                    InputError(
                        V_LIMIT,
                        "$",
                        f"a file may hold at most {MAX_VALUES:,} values (strings, numbers, "
                        "booleans): this one holds more",
                    )
                )
                break
            if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
                errors.append(_long_string(tokens, len(value), "a string"))
    if errors:
        return tuple(errors)
    return _over_budget(records, values)


def _over_budget(records: int, values: int) -> tuple[InputError, ...]:
    """The evaluation budget: within the format, but more than today's engine should take on."""
    if records > MAX_RECORDS_EVALUATED:
        return (
            InputError(
                V_LIMIT,
                "$.applicant",
                f"this checker evaluates at most {MAX_RECORDS_EVALUATED:,} records in all "
                f"collections together: got {records:,}",
            ),
        )
    if values > MAX_VALUES_EVALUATED:
        return (
            InputError(
                V_LIMIT,
                "$",
                f"this checker evaluates at most {MAX_VALUES_EVALUATED:,} values (strings, "
                f"numbers, booleans) in one file: got {values:,}",
            ),
        )
    return ()


def pydatalog_budget_errors(applicant: ApplicantFacts) -> tuple[InputError, ...]:
    """V-LIMIT when the file is within the format and the checker's budget but beyond what the
    pyDatalog engine should evaluate (`--engine pydatalog` was asked for)."""
    records = len(applicant.records)
    values = len(applicant.facts) + sum(len(r.facts) for r in applicant.records)
    hint = "use --engine duckdb (or auto)"
    if records > PYDATALOG_MAX_RECORDS:
        return (
            InputError(
                V_LIMIT,
                "$.applicant",
                f"the pyDatalog engine evaluates at most {PYDATALOG_MAX_RECORDS:,} records in "
                f"all collections together: got {records:,}; {hint}",
            ),
        )
    if values > PYDATALOG_MAX_VALUES:
        return (
            InputError(
                V_LIMIT,
                "$",
                f"the pyDatalog engine evaluates at most {PYDATALOG_MAX_VALUES:,} values in one "
                f"file: got {values:,}; {hint}",
            ),
        )
    return ()


def within_pydatalog_budget(applicant: ApplicantFacts) -> bool:
    return not pydatalog_budget_errors(applicant)


def _too_deep(tokens: tuple[str | int, ...], errors: list[InputError]) -> bool:
    if len(tokens) < MAX_DEPTH:
        return False
    errors.append(
        InputError(
            V_LIMIT,
            render(tokens),
            f"values may be nested at most {MAX_DEPTH} deep: this one is nested deeper",
        )
    )
    return True


def _long_string(tokens: tuple[str | int, ...], length: int, what: str) -> InputError:
    return InputError(
        V_LIMIT,
        render(tokens),
        f"{what} may have at most {MAX_STRING_CHARS:,} characters: got {length:,}",
    )


def year_problem(year: int) -> str | None:
    """Why `year` cannot be an assessment year (the file's rule: 1900–2100), or None."""
    if 1900 <= year <= 2100:
        return None
    return f"the assessment year must be from 1900 to 2100: got {year}"
