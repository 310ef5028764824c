"""Thin entry point: `python cli.py check applicant.json --explain` (same as `eligibility`)."""

from eligibility.commands import eligibility_entry

if __name__ == "__main__":
    eligibility_entry()
