"""Cold start of `check <example> --explain` against `python -c pass`, measured in one run.

Usage: python bench/cold_check.py [--runs N] [example.json]
Prints the median wall time of each command over N fresh processes (alternating, so machine
noise hits both alike) and their ratio. The compiled-policy cache is warmed once first, as it
is on any machine that has run `check` before. Target (issue #2): ratio ≤ 8.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", nargs="?", default="examples/chongqing/passes-branch-a.json")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--policy", help="one policy file (default: every policy, as `check`)")
    args = parser.parse_args()
    baseline = [sys.executable, "-c", "pass"]
    check = [
        sys.executable,
        "-m",
        "eligibility",
        "check",
        args.example,
        "--explain",
        *(["--policy", args.policy] if args.policy else []),
    ]
    # Warm what any machine that has run `check` once has: the compiled-policy cache, and the
    # package's bytecode (this workplace sets PYTHONDONTWRITEBYTECODE, a normal install does not).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "eligibility")],
        check=True,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    _time(check)
    base_times, check_times = [], []
    for _ in range(args.runs):
        base_times.append(_time(baseline))
        check_times.append(_time(check))
    base, cold = statistics.median(base_times), statistics.median(check_times)
    print(f"python -c pass          median {base * 1000:7.1f} ms  ({args.runs} runs)")
    scope = args.policy or "every policy"
    print(f"check {args.example} --explain ({scope})  median {cold * 1000:7.1f} ms")
    print(f"ratio                   {cold / base:7.2f}×  (target ≤ 8×)")


if __name__ == "__main__":
    main()
