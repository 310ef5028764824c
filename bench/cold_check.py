"""Cold start of `check <example> --explain` against a plain interpreter start, paired, in one run.

Usage: python bench/cold_check.py [--runs N] [--policy FILE] [--compare DIR] [example.json]
Without --policy, `check` reads every policy file (all five documents), as it does by default.
`--compare DIR` adds a third set-up in the same rotation: the plain set-up run from another
checkout of the project (e.g. `git archive <commit> | tar -x -C DIR`), for before/after figures
taken under the same load.

Each run starts fresh processes in turn (baseline, check, baseline, check, …, so machine noise
hits both alike) and reads each child's own CPU time (user + system, from wait4's rusage, to the
microsecond: os.times() counts in 10 ms ticks). It prints the medians and the median of the
per-pair ratios, for two set-ups:

- **plain** (the figure of issue #8): `python -I -S -c pass` against `python -S -m eligibility …`
  with the package and its dependencies on PYTHONPATH. Neither runs `site`, so neither pays for
  the editable install's import finder (a `.pth` file, 10–20 ms at every start) nor for any
  sitecustomize of the machine: what is measured is the interpreter and what `check` imports
  and does, as with the package and its dependencies installed from wheels.
- **editable**: `python -I -c pass` against `python -m eligibility …` in this environment as it
  is, both paying for `site` and the editable finder: a slower baseline, so a smaller ratio.

The compiled-policy cache is warmed once first, and the package byte-compiled, as on any machine
that has run `check` before. Target (issue #8): plain CPU ratio ≤ 8.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` (CPU: the child's own user + system), in the
    tree first on its PYTHONPATH (`-m` puts the working directory first on sys.path)."""
    start = time.perf_counter()
    tree = env["PYTHONPATH"].split(os.pathsep)[0]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=tree, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", nargs="?", default="examples/chongqing/passes-branch-a.json")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--policy", help="one policy file (default: every policy, as `check`)")
    parser.add_argument("--compare", type=Path, help="another checkout, run plain in turn")
    args = parser.parse_args()
    check = [
        "-m",
        "eligibility",
        "check",
        str((ROOT / args.example).resolve()),
        "--explain",
        *(["--policy", str((ROOT / args.policy).resolve())] if args.policy else []),
    ]
    site_packages = sysconfig.get_paths()["purelib"]
    plain_env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(ROOT), site_packages))}
    editable_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    setups = {
        "plain": (
            ([sys.executable, "-I", "-S", "-c", "pass"], plain_env),
            ([sys.executable, "-S", *check], plain_env),
        ),
        "editable": (
            ([sys.executable, "-I", "-c", "pass"], editable_env),
            ([sys.executable, *check], editable_env),
        ),
    }
    trees = [ROOT]
    if args.compare:
        other = args.compare.resolve()
        other_env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(other), site_packages))}
        setups[f"compare ({other.name})"] = (
            ([sys.executable, "-I", "-S", "-c", "pass"], plain_env),
            ([sys.executable, "-S", *check], other_env),
        )
        trees.append(other)
    # Warm what any machine that has run `check` once has: the compiled-policy cache, and the
    # package's bytecode (this workplace sets PYTHONDONTWRITEBYTECODE, a normal install does not).
    for tree in trees:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(tree / "eligibility")],
            check=True,
            stdout=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        )
    for (_, _), (command, env) in setups.values():
        _time(command, env)
    runs: dict[str, list[tuple[tuple[float, float], tuple[float, float]]]] = {s: [] for s in setups}
    for _ in range(args.runs):
        for name, ((base, base_env), (command, env)) in setups.items():
            runs[name].append((_time(base, base_env), _time(command, env)))
    scope = args.policy or "every policy"
    print(f"check {args.example} --explain ({scope}), {args.runs} pairs each, medians:")
    for name, pairs in runs.items():
        baseline = " ".join(setups[name][0][0][1:])
        for label, index in (("cpu ", 1), ("wall", 0)):
            base = statistics.median(b[index] for b, _ in pairs)
            cold = statistics.median(c[index] for _, c in pairs)
            paired = statistics.median(c[index] / b[index] for b, c in pairs)
            print(
                f"  {name:8s} {label}  python {baseline:12s} {base * 1000:6.1f} ms · "
                f"check {cold * 1000:6.1f} ms · ratio {paired:5.2f}× (per pair; of medians "
                f"{cold / base:5.2f}×)"
            )
    print("target (issue #8): plain CPU ratio ≤ 8×")


if __name__ == "__main__":
    main()
