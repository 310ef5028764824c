"""The evaluation parameters given on the command line (`--as-of`, `--assessment-year`), checked
by the rules the file's context block obeys, as argparse types.

A bad argument is the command line's mistake, not the file's: argparse reports it as a usage
error naming the option, and the file is not read. `facts.validate` keeps the same rule for the
file itself (V-CONTEXT) and for callers that pass the parameters directly.
"""

from __future__ import annotations

import argparse
import datetime

from eligibility.facts.limits import year_problem


def as_of_date(text: str) -> datetime.date:
    """`--as-of`: an ISO date whose year could be an assessment year (1900–2100)."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    problem = year_problem(day.year)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text}: {problem}")
    return day


def assessment_year(text: str) -> int:
    """`--assessment-year`: a whole year from 1900 to 2100."""
    try:
        year = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year") from None
    problem = year_problem(year)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return year
