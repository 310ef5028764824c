"""A funding round on this machine: applicants per second for each engine, peak memory, one
applicant with many records, and where the time goes (issue #8 item 6).

Usage: python bench/round.py [--engine pydatalog|duckdb|both] [--count N] [--sample N]
                             [--records N] [--seed S] [--out DIR] [--workers N]

One population (`bench/population.py`, the five documents in equal shares) is checked against
all five policies, as `check` does, and every decision is written with its proofs as JSON
(`render/json.py`) as soon as it is made (`evaluate.decide_stream`), to a temporary folder
cleared after each chunk of 5,000 (a decision with its proofs is 100–400 KB: 10,000 take about
1.7 GB), or kept in `--out`. DuckDB takes the whole population (`--count`, default 10,000);
pyDatalog, at 0.1–0.4 s an applicant, takes its first `--sample` applicants (default 200).
A population of more than one chunk runs over `--workers` processes (default 2, one per core;
chunk i to worker i mod n); their stage times are summed and the wall time of the whole is
printed too. With `--engine both` each engine runs in a process of its own, so each peak RSS
is its own.

On DuckDB, `eligibility round` itself (the command a bureau runs: decisions, allocation and its
four files, `--jobs` = `--workers`) is timed first on the same population, end to end, with the
CPU of its process tree and the peak RSS of its largest process (`--no-round-command`: not).
That is the figure the target is about; the stages below are the engine's loop alone.

Stages timed (wall and CPU), per applicant:
- load: the applicant file's bytes parsed and validated (what `check` does after reading it);
- evaluate: the engine, with grounding and the gates (decide minus the next stage);
- proofs: building each programme's decision and proof tree from the model;
- write: `decision_bytes` (the bytes `check --format json` prints) and writing the file.

The engines come from `eligibility.evaluate.decide_many(policies, applicants, engine)` when
that exists (the set-at-a-time work of issue #8); without it, pyDatalog is a loop over
`decide` and DuckDB is reported as not available. Targets (issue #8, this 2-core machine):
10,000 applicants × all five policies in ≤ 60 s wall; 100,000 in ≤ 10 min and ≤ 3 GB; one
applicant with 10,000 records in ≤ 5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `eligibility` and `bench` from this checkout
    sys.path.insert(0, str(ROOT))

import eligibility.evaluate as evaluate_module  # noqa: E402  (after the path is set)
from bench.population import DOCUMENTS, generate, generate_large  # noqa: E402
from eligibility.compiler import PolicySource, load_policy_lazily, policy_files  # noqa: E402
from eligibility.decision.proof import Decision  # noqa: E402
from eligibility.facts.model import ApplicantFacts  # noqa: E402
from eligibility.facts.validate import parse_json, validate_document  # noqa: E402
from eligibility.render.json import decision_bytes  # noqa: E402

ENGINES = ("pydatalog", "duckdb")
STAGES = ("load", "evaluate", "proofs", "write")
UNCOUNTED = ("generate",)  # making the population and clearing written decisions away
Decide = Callable[[tuple[PolicySource, ...], list[ApplicantFacts]], Iterable[Decision]]
# applicants loaded and evaluated together (their decisions are built and written one at a
# time): DuckDB pays each program's statements once per chunk (~8 s CPU for the ten programs
# of the five documents), memory holds one chunk (~1 GB at 5,000)
CHUNK = 5000
TARGET_10K_S = 60.0
TARGET_100K_S = 600.0
TARGET_RSS_MB = 3 * 1024
TARGET_RECORDS = 10_000
TARGET_RECORDS_S = 5.0


@dataclass
class Clock:
    """Wall and CPU seconds spent in each stage, and the applicants decided."""

    wall: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES + UNCOUNTED, 0.0))
    cpu: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES + UNCOUNTED, 0.0))
    applicants: int = 0
    rss_mb: float = 0.0  # a worker's peak, when it reports

    def add(self, stage: str, wall: float, cpu: float) -> None:
        self.wall[stage] += wall
        self.cpu[stage] += cpu

    def timed(self, stage: str, work: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return work()
        finally:
            self.add(stage, time.perf_counter() - wall, time.process_time() - cpu)


class _ProofTimer:
    """Counts the time `decide` spends building results from models, by wrapping the two
    builders `eligibility.evaluate` calls; the rest of `decide` is the engine's."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """The builders wrapped while the block runs, the originals back after it."""
        originals = {
            name: getattr(evaluate_module, name)
            for name in ("programme_result", "not_applicable_result")
            if hasattr(evaluate_module, name)
        }
        try:
            for name, builder in originals.items():
                setattr(evaluate_module, name, self._wrapped(builder))
            yield
        finally:
            for name, builder in originals.items():
                setattr(evaluate_module, name, builder)

    def _wrapped(self, builder: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return builder(*args, **kwargs)
            finally:
                self.wall += time.perf_counter() - wall
                self.cpu += time.process_time() - cpu

        return timed


def decider(engine: str) -> Decide | None:
    """How to decide a batch on `engine`, or None when this tree does not have that engine."""
    decide_stream = getattr(evaluate_module, "decide_stream", None)
    if decide_stream is not None:  # one batch, its decisions yielded one at a time
        return lambda policies, applicants: decide_stream(  # as a round: no proposals
            policies, applicants, engine, chunk=max(1, len(applicants)), proposals=False
        )
    decide_many = getattr(evaluate_module, "decide_many", None)
    if decide_many is not None:
        return lambda policies, applicants: list(
            decide_many(policies, applicants, engine, proposals=False)
        )
    if engine == "pydatalog":
        return lambda policies, applicants: [
            evaluate_module.decide(policies, applicant) for applicant in applicants
        ]
    return None


def _load(raw: bytes) -> ApplicantFacts:
    doc = parse_json(raw)
    facts = validate_document(doc, hashlib.sha256(raw).hexdigest())
    if not isinstance(facts, ApplicantFacts):
        first = facts[0] if isinstance(facts, tuple) else facts
        raise SystemExit(f"generated applicant refused: {first}")
    return facts


def _load_all(raws: Sequence[bytes]) -> list[ApplicantFacts]:
    return [_load(raw) for raw in raws]


def _decide_and_write(
    decide: Decide,
    policies: tuple[PolicySource, ...],
    applicants: list[ApplicantFacts],
    clock: Clock,
    proofs: _ProofTimer,
    out: Path,
) -> list[str]:
    """Each decision written as soon as it is made (a streaming `decide` yields them one at a
    time): the time inside the decider is evaluation, less what the proof builders took."""
    wall, cpu = time.perf_counter(), time.process_time()
    proof_wall, proof_cpu = proofs.wall, proofs.cpu
    decisions = iter(decide(policies, applicants))
    written: list[str] = []
    while True:
        decision = next(decisions, None)
        spent_wall, spent_cpu = time.perf_counter() - wall, time.process_time() - cpu
        built_wall, built_cpu = proofs.wall - proof_wall, proofs.cpu - proof_cpu
        clock.add("proofs", built_wall, built_cpu)
        clock.add("evaluate", spent_wall - built_wall, spent_cpu - built_cpu)
        if decision is None:
            return written
        clock.timed("write", partial(_write, (decision,), out))
        written.append(decision.applicant_id)
        wall, cpu = time.perf_counter(), time.process_time()
        proof_wall, proof_cpu = proofs.wall, proofs.cpu


def _write(decisions: Iterable[Decision], out: Path) -> None:
    for decision in decisions:
        (out / f"{decision.applicant_id}.json").write_bytes(decision_bytes(decision))


def run_round(
    engine: str,
    files: Callable[[], Iterator[bytes]],
    policies: tuple[PolicySource, ...],
    out: Path,
    keep: bool,
    share: tuple[int, int] = (0, 1),
) -> Clock | None:
    """Load, decide and write the applicant files `files()` yields a chunk at a time, so that
    memory (and, unless `keep`, the folder of decisions) holds one chunk; None when the engine
    is missing. Making the files and removing the decisions are timed apart, not counted.
    `share` (k, n): this process takes chunks k, k + n, k + 2n, … (a worker of n)."""
    decide = decider(engine)
    if decide is None:
        return None
    clock, proofs = Clock(), _ProofTimer()
    population = files()
    with proofs.installed():
        _warm_up(engine, decide, policies, list(itertools.islice(files(), len(DOCUMENTS))))
        for number in itertools.count():
            chunk = clock.timed("generate", partial(_next, population, CHUNK))
            if not chunk:
                break
            if number % share[1] != share[0]:
                continue
            applicants: list[ApplicantFacts] = clock.timed("load", partial(_load_all, chunk))
            clock.applicants += len(applicants)
            written = _decide_and_write(decide, policies, applicants, clock, proofs, out)
            if not keep:
                clock.timed("generate", partial(_remove, written, out))
    return clock


def population_files(count: int, seed: int, jsonl: Path | None) -> Callable[[], Iterator[bytes]]:
    """The first `count` applicant files: lines of a JSONL file written by bench/population.py,
    or generated here."""
    if jsonl is not None:

        def read() -> Iterator[bytes]:
            with jsonl.open("rb") as lines:
                yield from (line.rstrip(b"\n") for line in itertools.islice(lines, count))

        return read
    return lambda: (json.dumps(doc, ensure_ascii=False).encode() for doc in generate(count, seed))


def _next(files: Iterator[bytes], limit: int) -> list[bytes]:
    return list(itertools.islice(files, limit))


def _remove(applicant_ids: Iterable[str], out: Path) -> None:
    for applicant_id in applicant_ids:
        (out / f"{applicant_id}.json").unlink()


def _warm_up(
    engine: str, decide: Decide, policies: tuple[PolicySource, ...], raws: Sequence[bytes]
) -> None:
    # Loading the compiled programs (and the engine's own start) is paid once per process, not
    # per applicant: one applicant of each document first, timed apart.
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in decide(policies, [_load(raw) for raw in raws[: len(DOCUMENTS)]]):
        pass
    print(
        f"{engine}: warm-up (programs loaded, one applicant per document) "
        f"{time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
        " (not counted)"
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _report_round(engine: str, count: int, clock: Clock) -> None:
    if count == 0:  # `--count 0`: the large applicant alone (its time includes the warm-up)
        print(f"{engine}: no round (--count 0)")
        return
    wall = sum(clock.wall[stage] for stage in STAGES)
    cpu = sum(clock.cpu[stage] for stage in STAGES)
    rate = count / wall if wall else float("inf")
    print(f"{engine}: {count} applicants × {len(policy_files())} policies")
    print(
        f"  (generating the population and clearing written decisions away:"
        f" {clock.wall['generate']:.2f} s wall, not counted)"
    )
    print(
        f"  total {wall:8.2f} s wall, {cpu:8.2f} s CPU · {rate:8.1f} applicants/s wall"
        f" · {cpu / count * 1000:7.2f} ms CPU per applicant"
    )
    for stage in STAGES:
        share = clock.wall[stage] / wall * 100 if wall else 0.0
        print(
            f"    {stage:9} {clock.wall[stage]:8.2f} s wall ({share:4.1f} %)"
            f" · {clock.cpu[stage] / count * 1000:7.2f} ms CPU per applicant"
        )
    for target_count, target in ((10_000, TARGET_10K_S), (100_000, TARGET_100K_S)):
        projected = target_count / rate
        verdict = "meets" if projected <= target else "misses"
        print(
            f"  extrapolated to {target_count:,}: {projected:9.1f} s wall,"
            f" {cpu / count * target_count:9.1f} s CPU"
            f" ({verdict} the target of {target:.0f} s wall; linear in N)"
        )


def run_large(engine: str, records: int, policies: tuple[PolicySource, ...], out: Path) -> None:
    """One bank with `records` pledge records: load, decide and write it once."""
    decide = decider(engine)
    if decide is None:
        return
    raw = json.dumps(generate_large(records), ensure_ascii=False).encode()
    # the programs loaded first (a round's warm-up did it; with `--count 0` nothing had), by a
    # bank of three pledges: timed apart, not counted, as a round's warm-up is
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in decide(policies, [_load(json.dumps(generate_large(3), ensure_ascii=False).encode())]):
        pass
    print(
        f"  warm-up (programs loaded, a bank with 3 pledges): {time.perf_counter() - wall:.2f} s"
        f" wall, {time.process_time() - cpu:.2f} s CPU (not counted)"
    )
    wall, cpu = time.perf_counter(), time.process_time()
    doc = parse_json(raw)
    facts = validate_document(doc, hashlib.sha256(raw).hexdigest())
    if not isinstance(facts, ApplicantFacts):
        errors = facts if isinstance(facts, tuple) else (facts,)
        print(f"  one applicant with {records:,} records: refused by the validator:")
        for error in errors[:3]:
            print(f"    {error.code} at {error.path}: {error.message}")
        return
    _write(decide(policies, [facts]), out)
    spent_wall, spent_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"  one applicant with {records:,} pledge records: {spent_wall:.2f} s wall,"
        f" {spent_cpu:.2f} s CPU"
    )
    if records == TARGET_RECORDS:
        verdict = "meets" if spent_wall <= TARGET_RECORDS_S else "misses"
        print(f"    ({verdict} the target of {TARGET_RECORDS_S:.0f} s)")
    else:
        projected = spent_wall / records * TARGET_RECORDS
        print(
            f"    extrapolated linearly to {TARGET_RECORDS:,} records: {projected:.0f} s wall"
            f" (target {TARGET_RECORDS_S:.0f} s; a lower bound for pyDatalog, which grows"
            f" faster than linearly above 1,000 records: ../shared/reviews/2026-12/perf.md)"
        )


def run_one_engine(args: argparse.Namespace) -> int:
    engine = args.engine
    if decider(engine) is None:
        print(f"{engine}: not available in this tree (no eligibility.evaluate.decide_many)")
        return 0
    count = min(args.count, args.sample) if engine == "pydatalog" else args.count
    policies = tuple(load_policy_lazily(path) for path in policy_files())
    with tempfile.TemporaryDirectory(prefix=f"round-{engine}-") as scratch:
        out = args.out / engine if args.out else Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        if args.share is not None:  # a worker of a parallel round: its chunks, its clock
            files = population_files(count, args.seed, args.population)
            clock = run_round(engine, files, policies, out, args.out is not None, args.share)
            assert clock is not None
            clock.rss_mb = _peak_rss_mb()
            Path(args.clock_out).write_text(json.dumps(vars(clock)), encoding="utf-8")
            return 0
        if engine == "duckdb" and count > 0 and args.round_command:
            run_round_command(args, engine, count, Path(scratch))
        if args.workers > 1 and count > CHUNK:
            clock, wall = _run_workers(args, engine, count, Path(scratch))
            _report_round(engine, clock.applicants, clock)
            print(
                f"  {args.workers} worker processes, end to end (their start, programs loaded,"
                f" warm-up included): {wall:.2f} s wall · {clock.applicants / wall:.1f}"
                f" applicants/s · peak RSS per worker {clock.rss_mb:,.0f} MB"
            )
        else:
            files = population_files(count, args.seed, args.population)
            clock = run_round(engine, files, policies, out, keep=args.out is not None)
            assert clock is not None
            _report_round(engine, clock.applicants, clock)
        records = (
            min(args.records, args.pydatalog_records) if engine == "pydatalog" else args.records
        )
        if records > 0:  # `--records 0`: no large applicant
            run_large(engine, records, policies, out)
    rss = _peak_rss_mb()
    verdict = "within" if rss <= TARGET_RSS_MB else "above"
    print(f"  peak RSS {rss:,.0f} MB ({verdict} the 3 GB target)")
    return 0


def _run_workers(
    args: argparse.Namespace, engine: str, count: int, scratch: Path
) -> tuple[Clock, float]:
    """The round split over `args.workers` processes (chunk i to worker i mod n), one per
    core: the population written once as JSONL first (not counted), each worker's stage times
    summed, and the wall time of the whole, from the workers' start to the last one's end."""
    population = args.population
    if population is None:
        population = scratch / "population.jsonl"
        with population.open("wb") as lines:
            for raw in population_files(count, args.seed, None)():
                lines.write(raw + b"\n")
    started = time.perf_counter()
    workers = []
    for k in range(args.workers):
        clock_out = scratch / f"clock-{k}.json"
        command = [
            sys.executable, __file__, f"--engine={engine}", f"--count={count}",
            f"--population={population}", f"--share={k}/{args.workers}",
            f"--clock-out={clock_out}", *([f"--out={args.out}"] if args.out else []),
        ]  # fmt: skip
        workers.append((subprocess.Popen(command), clock_out))
    total = Clock()
    for worker, clock_out in workers:
        if worker.wait():
            raise SystemExit(f"a worker failed with exit {worker.returncode}")
        found = json.loads(clock_out.read_text(encoding="utf-8"))
        total.applicants += found["applicants"]
        for stage in STAGES + UNCOUNTED:
            total.add(stage, found["wall"][stage], found["cpu"][stage])
        total.rss_mb = max(total.rss_mb, found["rss_mb"])
    wall = time.perf_counter() - started
    # the stages ran side by side: their wall figures are each worker's, summed
    return total, wall


def run_round_command(args: argparse.Namespace, engine: str, count: int, scratch: Path) -> None:
    """`eligibility round` itself, the command a bureau runs, on the same population: every
    decision, the allocation, and decisions.jsonl, round.json, allocation.csv and report.html
    written, by `--workers` processes (`round --jobs`). Wall time, the CPU of the whole process
    tree and the peak RSS of its largest process (`wait4`)."""
    population = args.population or scratch / "population.jsonl"
    if not population.exists():
        with population.open("wb") as lines:
            for raw in population_files(count, args.seed, None)():
                lines.write(raw + b"\n")
    elif args.population is not None and count < sum(1 for _ in population.open("rb")):
        print(f"  (eligibility round: all of {population}, not its first {count:,})")
    round_file = scratch / "round.yaml"
    round_file.write_text(
        "schema: eligibility.round-file/1\nbatch_id: bench\n"
        f"policies: [{', '.join(path.stem for path in policy_files())}]\n"
        "context:\n  as_of: 2025-03-15\n  assessment_year: 2024\n"
        f"applications: {population.resolve()}\n",
        encoding="utf-8",
    )
    out = scratch / "round-out"
    command = [
        sys.executable, "-m", "eligibility", "round", str(round_file), "--out", str(out),
        f"--engine={engine}", f"--jobs={args.workers}",
    ]  # fmt: skip
    wall = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - wall
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: decided, with round-level errors (quotas exceeded, …)
        print(f"  eligibility round failed with exit {code}")
        return
    written = sum(path.stat().st_size for path in out.iterdir()) / 1e9
    target = TARGET_10K_S * count / 10_000  # pro rata (the fixed costs make it harder below)
    verdict = "meets" if wall <= target else "misses"
    print(
        f"  eligibility round, {count:,} applicants × {len(policy_files())} policies,"
        f" --jobs {args.workers}, every file written: {wall:.2f} s wall"
        f" ({verdict} 60 s for 10,000{'' if count == 10_000 else f' pro rata, {target:.1f} s'}),"
        f" {usage.ru_utime + usage.ru_stime:.1f} s CPU in all,"
        f" largest process {usage.ru_maxrss / 1024:,.0f} MB, {written:.2f} GB written"
    )
    shutil.rmtree(out)


def _share(text: str) -> tuple[int, int]:
    k, n = (int(part) for part in text.split("/"))
    return k, n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="both")
    parser.add_argument("--count", type=int, default=10_000, help="applicants (default 10,000)")
    parser.add_argument(
        "--sample", type=int, default=200, help="applicants for pyDatalog (default 200)"
    )
    parser.add_argument(
        "--records", type=int, default=10_000, help="records of the large applicant"
    )
    parser.add_argument(
        "--pydatalog-records",
        type=int,
        default=1_000,
        help="records of the large applicant on pyDatalog (default 1,000: 10,000 take minutes)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--population",
        type=Path,
        help="read the applicants from this JSONL file (bench/population.py --out x.jsonl)",
    )
    parser.add_argument("--out", type=Path, help="keep the decisions here (default: a temp folder)")
    parser.add_argument(
        "--workers", type=int, default=2, help="processes for a round of several chunks (2)"
    )
    parser.add_argument(
        "--round-command",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time `eligibility round` on the population (DuckDB only; default: yes)",
    )
    parser.add_argument("--share", type=_share, help=argparse.SUPPRESS)  # k/n: a worker
    parser.add_argument("--clock-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine != "both":
        return run_one_engine(args)
    # Each engine in its own process, so that each peak RSS is its own.
    passed = [
        f"--count={args.count}",
        f"--sample={args.sample}",
        f"--records={args.records}",
        f"--pydatalog-records={args.pydatalog_records}",
        f"--seed={args.seed}",
        *([f"--population={args.population}"] if args.population else []),
        *([f"--out={args.out}"] if args.out else []),
        "--round-command" if args.round_command else "--no-round-command",
    ]
    for engine in ENGINES:
        done = subprocess.run(
            [sys.executable, __file__, *passed, f"--engine={engine}"], check=False
        )
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
