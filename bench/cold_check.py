"""Cold start of `check <example> --explain` against a plain `python -I -c pass`, in one run.

Usage: python bench/cold_check.py [--runs N] [--policy FILE] [example.json]
Prints the median wall and CPU (user + system) time of each command over N fresh processes
(alternating, so machine noise hits both alike) and their ratios. The baseline is the isolated
interpreter (`-I`): an editable install's `python -c pass` carries setuptools' finder, which is
part of the cost of `check`, not of Python. The compiled-policy cache is warmed once first, as it
is on any machine that has run `check` before. Target (issue #8): CPU ratio ≤ 8.
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


def _time(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` (CPU: the child's user + system time)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        command,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", nargs="?", default="examples/chongqing/passes-branch-a.json")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--policy", help="one policy file (default: every policy, as `check`)")
    args = parser.parse_args()
    baseline = [sys.executable, "-I", "-c", "pass"]
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
    base_runs, check_runs = [], []
    for _ in range(args.runs):
        base_runs.append(_time(baseline))
        check_runs.append(_time(check))
    scope = args.policy or "every policy"
    print(f"check {args.example} --explain ({scope}), {args.runs} runs each, medians:")
    for label, index in (("wall", 0), ("cpu ", 1)):
        base = statistics.median(run[index] for run in base_runs)
        cold = statistics.median(run[index] for run in check_runs)
        print(
            f"  {label}  python -I -c pass {base * 1000:7.1f} ms · check {cold * 1000:7.1f} ms"
            f" · ratio {cold / base:5.2f}×"
        )
    print("target (issue #8): CPU ratio ≤ 8×")


if __name__ == "__main__":
    main()
