"""Decisions per second, pyDatalog against DuckDB, on the legal test cases of each policy.

    python bench/engines_cases.py [--repeat 50] [--policy chongqing-2024]

DuckDB decides each policy's cases repeated `--repeat` times as one batch (`decide_many`);
pyDatalog decides them once, one at a time (its cost per applicant is linear: perf review
2026-12 §2). CPU seconds (process_time) and wall seconds, this process only; peak RSS at the end.
A quick figure, not the round benchmark (bench/round.py).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from eligibility.compiler import load_policy
from eligibility.evaluate import Engine, decide_many
from eligibility.policytests.load import load_suite, suite_name
from eligibility.resources import POLICY_DIR


def _timed(policy: object, applicants: list, engine: Engine) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    decide_many((policy,), applicants, engine)  # type: ignore[arg-type]
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--policy", action="append", default=[])
    args = parser.parse_args()
    print(
        "policy          cases  pyDatalog/s (cpu, wall)   DuckDB ×repeat/s (cpu, wall)  speed-up cpu"
    )
    for tests in sorted(POLICY_DIR.glob("*.tests.yaml")):
        name = suite_name(tests)
        if args.policy and name not in args.policy:
            continue
        policy_file = tests.with_name(f"{name}.policy")
        compiled = load_policy(policy_file)
        cases = [
            c.applicant for c in load_suite(tests, Path(policy_file), compiled.policy, "").cases
        ]
        decide_many((compiled,), cases[:1], "duckdb")  # plan the SQL once (cached per program)
        py_cpu, py_wall = _timed(compiled, cases, "pydatalog")
        many = cases * args.repeat
        duck_cpu, duck_wall = _timed(compiled, many, "duckdb")
        print(
            f"{name:15} {len(cases):5}  {len(cases) / py_cpu:7.1f} {len(cases) / py_wall:7.1f}"
            f"           {len(many) / duck_cpu:7.1f} {len(many) / duck_wall:7.1f}"
            f"          {(len(many) / duck_cpu) / (len(cases) / py_cpu):5.1f}×",
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
