"""Thin entry point: `python cli.py check applicant.json --explain` (same as `eligibility`)."""

import sys

from eligibility.commands import main

if __name__ == "__main__":
    sys.exit(main())
