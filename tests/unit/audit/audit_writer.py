"""A process that records small entries in a loop, through `audit.record.write` (the function
`check --record` and `record_round` write with), printing "<seq> <hash>" after each write
returns: what the crash and concurrency tests hold the log to. Run as
`python audit_writer.py LOG COUNT NAME` (COUNT 0: until killed)."""

from __future__ import annotations

import sys
from pathlib import Path

from eligibility.audit.entry import NewEntry, StoredFile
from eligibility.audit.record import write

CONTEXT = {
    "as_of_option": None,
    "assessment_year_option": None,
    "engine_requested": "auto",
    "engine": "pydatalog",
}


def main() -> None:
    log, count, name = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    policy = StoredFile.of(b"policy text shared by every entry\n")
    print("ready", flush=True)
    written = 0
    while count == 0 or written < count:
        applicant = StoredFile.of(f'{{"writer": "{name}", "n": {written}}}'.encode())
        body = {
            "applicants": [{"file": f"{name}-{written}.json", "sha256": applicant.sha256}],
            "policies": [{"file": "shared.policy", "sha256": policy.sha256}],
            "context": CONTEXT,
            "decisions": [],  # a round's shape, without the cost of deciding
            "round": {"inputs": {"writer": name, "n": written}, "outcome": "审计" * 200},
        }
        entry = write(
            log, NewEntry("round", name, (f"{name}-{written}",), body, (applicant,), (policy,))
        )
        print(entry.seq, entry.hash, flush=True)
        written += 1


if __name__ == "__main__":
    main()
