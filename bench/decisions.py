"""The two Python stages after the engine, alone: Model → decision with proofs, and decision →
JSON bytes (issue #8 item 6; bench/round.py's "proofs" and "write" stages).

Usage: python bench/decisions.py [--count N] [--seed S] [--engine duckdb|pydatalog]
                                 [--repeat R] [--profile proofs|json] [--digest-only]
                                 [--expect SHA256] [--proposals]

A population (`bench/population.py`, seed fixed) is decided once against all five policies
(`evaluate.decide_many`); every call it makes to the two builders of results
(`programme_result`, `not_applicable_result`) is recorded with its arguments. Then, `--repeat`
times each, timed apart: the recorded calls are replayed (the proofs stage exactly as
bench/round.py counts it), and every decision is serialised as `check --json` writes it
(`render.json.decision_bytes`). Medians of the repeats, in ms per applicant. The SHA-256 of
all the JSON bytes is printed too: an optimisation that must not change the output must not
change it: `--expect DIGEST` (the digest printed by the tree before) exits 1 when it does.
`--profile` runs one stage under cProfile and prints where its time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `eligibility` and `bench` from this checkout
    sys.path.insert(0, str(ROOT))

import eligibility.evaluate as evaluate_module  # noqa: E402  (after the path is set)
from bench.population import generate  # noqa: E402
from eligibility.compiler import load_policy_lazily, policy_files  # noqa: E402
from eligibility.decision import static  # noqa: E402
from eligibility.decision.from_model import FactIndex  # noqa: E402
from eligibility.decision.proof import Decision  # noqa: E402
from eligibility.facts.model import ApplicantFacts  # noqa: E402
from eligibility.facts.validate import parse_json, validate_document  # noqa: E402
from eligibility.render import json as render_json  # noqa: E402
from eligibility.render.json import decision_bytes  # noqa: E402

BUILDERS = ("programme_result", "not_applicable_result")
Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def _applicants(count: int, seed: int) -> list[ApplicantFacts]:
    out = []
    for doc in generate(count, seed):
        raw = json.dumps(doc, ensure_ascii=False).encode()
        facts = validate_document(parse_json(raw), hashlib.sha256(raw).hexdigest())
        if not isinstance(facts, ApplicantFacts):
            raise SystemExit(f"generated applicant refused: {facts}")
        out.append(facts)
    return out


@contextmanager
def _recording(calls: list[Call]) -> Iterator[None]:
    """The builders `decide_many` calls, wrapped to note each call; the originals after."""
    originals = {name: getattr(evaluate_module, name) for name in BUILDERS}

    def recorder(builder: Callable[..., Any]) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> Any:
            calls.append((builder, args, kwargs))
            return builder(*args, **kwargs)

        return record

    try:
        for name, builder in originals.items():
            setattr(evaluate_module, name, recorder(builder))
        yield
    finally:
        for name, builder in originals.items():
            setattr(evaluate_module, name, builder)


def build_proofs(calls: list[Call]) -> None:
    """The recorded calls again, each applicant's FactIndex made afresh (as `decide_many` makes
    one per applicant per batch) and the policies' shared parts forgotten first: what they
    remember must not carry over from a previous run."""
    _forget(static)
    fresh: dict[int, FactIndex] = {}
    for builder, args, kwargs in calls:
        builder(*(_fresh(a, fresh) for a in args), **kwargs)


def _fresh(arg: Any, fresh: dict[int, FactIndex]) -> Any:
    if not isinstance(arg, FactIndex):
        return arg
    if id(arg) not in fresh:
        fresh[id(arg)] = FactIndex(arg.applicant)
    return fresh[id(arg)]


def write_json(decisions: list[Decision]) -> int:
    """Every decision as a round writes its file (`check --json`'s text); the bytes written."""
    _forget(render_json)
    return sum(len(decision_bytes(d)) for d in decisions)


def _forget(module: Any) -> None:
    """What the module remembers across applicants dropped: each repeat starts as a round does
    (replaying the same applicants would otherwise find every shared part already made)."""
    forget = getattr(module, "forget", None)  # a tree before the parts were shared has none
    if forget is not None:
        forget()


def _median_ms(work: Callable[[], Any], repeat: int) -> float:
    spent = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        spent.append(time.process_time() - started)
    return statistics.median(spent) * 1000


def _digest(decisions: list[Decision]) -> str:
    sha = hashlib.sha256()
    for decision in decisions:
        sha.update(decision_bytes(decision))
    return sha.hexdigest()


def _profile(work: Callable[[], Any], limit: int = 30) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
    profiler.runcall(work)
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="applicants (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=("duckdb", "pydatalog"), default="duckdb")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each stage")
    parser.add_argument("--profile", choices=("proofs", "json"))
    parser.add_argument("--digest-only", action="store_true", help="print the digest and stop")
    parser.add_argument(
        "--expect", metavar="SHA256", help="exit 1 unless the digest is this one (before/after)"
    )
    parser.add_argument(
        "--proposals",
        action="store_true",
        help="also what would change each outcome (check does; a round, and by default this, not)",
    )
    args = parser.parse_args(argv)

    policies = tuple(load_policy_lazily(path) for path in policy_files())
    applicants = _applicants(args.count, args.seed)
    calls: list[Call] = []
    started = time.perf_counter()
    with _recording(calls):
        decisions = evaluate_module.decide_many(
            policies, applicants, args.engine, proposals=args.proposals
        )
    print(
        f"{args.count} applicants × {len(policies)} policies decided on {args.engine} in "
        f"{time.perf_counter() - started:.1f} s (not counted); {len(calls)} results built"
    )
    digest = _digest(decisions)
    print(f"JSON digest (sha256 of every decision as check --json writes it): {digest}")
    if args.expect and digest != args.expect:
        print(f"the digest differs from the expected {args.expect}: the bytes changed")
        return 1
    if args.digest_only:
        return 0
    if args.profile == "proofs":
        _profile(lambda: build_proofs(calls))
        return 0
    if args.profile == "json":
        _profile(lambda: write_json(decisions))
        return 0
    size = write_json(decisions)
    proofs = _median_ms(lambda: build_proofs(calls), args.repeat) / args.count
    writing = _median_ms(lambda: write_json(decisions), args.repeat) / args.count
    print(
        f"Model → decision with proofs: {proofs:6.2f} ms CPU per applicant (median of {args.repeat})"
    )
    print(
        f"decision → JSON text:         {writing:6.2f} ms CPU per applicant (median of {args.repeat})"
    )
    print(f"JSON per applicant: {size / args.count / 1024:.0f} KB on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
