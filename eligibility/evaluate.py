"""One applicant against compiled policies: ground facts → engine → decision per programme."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Literal, assert_never

from eligibility import __version__
from eligibility.collector import pausing
from eligibility.compiler import CompiledGates, PolicySource, grammar_sha256
from eligibility.datalog import naive
from eligibility.datalog.engine import engine_version, evaluate
from eligibility.datalog.facts import Grounding, ground_base
from eligibility.datalog.model import Model
from eligibility.datalog.program import GroundFact, Program
from eligibility.decision.from_model import FactIndex, not_applicable_result, programme_result
from eligibility.decision.proof import (
    Decision,
    InterpretationInForce,
    PolicyVersion,
    ProgrammeResult,
)  # fmt: skip
from eligibility.facts.limits import PYDATALOG_MAX_RECORDS, within_pydatalog_budget
from eligibility.facts.model import ApplicantFacts
from eligibility.ir import nodes as ir

if TYPE_CHECKING:
    from eligibility.datalog.duckdb_engine import Batch


class InterpretationError(ValueError):
    """The applicant file names an interpretation no policy applied declares (V-UNKNOWN), or
    sets one to a value its policy does not offer (V-ENUM). str(): "<JSON path>: <message>"."""

    def __init__(self, message: str, code: str = "V-ENUM") -> None:
        super().__init__(message)
        self.code = code


def check_interpretations(policies: tuple[ir.Policy, ...], applicant: ApplicantFacts) -> None:
    """Every switch the file sets must be declared by a policy applied, with a value it offers:
    a misspelt name would otherwise be ignored and the default silently decide."""
    declared = {s.name: s for policy in policies for s in policy.interpretations}
    for name, value in applicant.context.interpretations:
        path = f"$.context.interpretations.{name}"
        switch = declared.get(name)
        if switch is None:
            import difflib  # only for a misspelt switch: 3 ms a check would otherwise pay

            near = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            known = ", ".join(sorted(declared)) or "none"
            raise InterpretationError(
                f"{path}: no policy applied declares the interpretation {name!r}{hint} "
                f"(declared: {known})",
                "V-UNKNOWN",
            )
        if value not in switch.values:
            import difflib

            near = difflib.get_close_matches(value, list(switch.values), n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            raise InterpretationError(
                f"{path}: {value!r} is not a reading of {name}{hint}; "
                f"allowed: {', '.join(switch.values)}"
            )


def interpretations_in_force(
    policy: ir.Policy, applicant: ApplicantFacts
) -> tuple[InterpretationInForce, ...]:
    """Each switch the policy declares: the file's choice (context.interpretations) or the
    default, and whether the default decided it."""
    chosen = dict(applicant.context.interpretations)
    out = []
    for switch in policy.interpretations:
        value = chosen.get(switch.name, switch.default)
        if value not in switch.values:
            raise InterpretationError(
                f"$.context.interpretations.{switch.name}: {value!r} is not a reading of "
                f"{switch.name}; allowed: {', '.join(switch.values)}"
            )
        out.append(
            InterpretationInForce(
                policy.policy_id, switch.name, value, switch.name not in chosen, switch.label
            )
        )
    return tuple(out)


def _applies(policy: ir.Policy, gates: Model) -> bool:
    """False when some gate of the document fails for every programme (another jurisdiction,
    another kind of applicant, not in force): the programmes need no further evaluation."""
    return (
        not all(
            any(gates.verdicts.get(node_id) == "fails" for node_id, _ in programme.gates)
            for programme in policy.programmes
        )
        or not policy.programmes
    )


Engine = Literal["pydatalog", "duckdb"]
AUTO_DUCKDB_RECORDS = PYDATALOG_MAX_RECORDS  # `--engine auto`: DuckDB above this many records


def _gate_model(program: Program, ground: tuple[GroundFact, ...], applicant_id: str) -> Model:
    """Plain Python decides the gates (the same Model as pyDatalog, tested): a document that
    does not apply then costs no engine work, and when none applies pyDatalog is not even
    imported. A gate program of a shape it does not decide goes to the engine."""
    try:
        return naive.evaluate(program, ground, applicant_id)
    except naive.UnsupportedProgram:
        return evaluate(program, ground, applicant_id)


def choose_engine(requested: Engine | Literal["auto"], applicant: ApplicantFacts) -> Engine:
    """`auto`: pyDatalog for the usual applicant (DuckDB's import and planning cost more than
    the whole evaluation); DuckDB for one with many records (a bank with thousands of pledges),
    where pyDatalog's time and memory grow with every record."""
    if requested != "auto":
        return requested
    return "pydatalog" if within_pydatalog_budget(applicant) else "duckdb"


Evaluator = Callable[[Program, tuple[GroundFact, ...], str], Model]


def decide(
    policies: tuple[PolicySource, ...],
    applicant: ApplicantFacts,
    engine: Engine = "pydatalog",
    *,
    evaluator: Evaluator = evaluate,
    proposals: bool = True,
) -> Decision:
    """Each document's gates first; its full program only when it may apply. `proposals`:
    what would change each outcome (`would_change`, `to_cap`), for a reader of one decision;
    each is checked by re-deciding, so a round or a test run, which read none, leaves them out."""
    return decide_many(policies, (applicant,), engine, evaluator=evaluator, proposals=proposals)[0]


def decide_many(
    policies: tuple[PolicySource, ...],
    applicants: Sequence[ApplicantFacts],
    engine: Engine,
    *,
    evaluator: Evaluator = evaluate,
    proposals: bool = True,
) -> list[Decision]:
    """The decisions `decide` gives one by one, each program evaluated once for all the
    applicants it concerns (DuckDB: one plan for all of them; pyDatalog: one at a time, by
    `evaluator`: a process checking many applicants passes `engine.evaluate_reusing`). The
    gates are decided in plain Python (`_gate_model`) whatever the engine."""
    return list(_decide_batch(policies, applicants, engine, evaluator, proposals))


def decide_stream(
    policies: tuple[PolicySource, ...],
    applicants: Iterable[ApplicantFacts],
    engine: Engine,
    *,
    chunk: int = 5_000,
    evaluator: Evaluator = evaluate,
    proposals: bool = True,
) -> Iterator[Decision]:
    """`decide_many` for a round: the applicants taken `chunk` at a time, each chunk's programs
    evaluated together, then its decisions built and yielded one at a time, so that memory
    holds one chunk's models and never the decisions (with their proofs) of a round. On DuckDB
    each program's statements cost about the same for 100 applicants as for 5,000: a large
    chunk pays them once."""
    batch: list[ApplicantFacts] = []
    for applicant in applicants:
        batch.append(applicant)
        if len(batch) == chunk:
            yield from _decide_batch(policies, batch, engine, evaluator, proposals)
            batch = []
    if batch:
        yield from _decide_batch(policies, batch, engine, evaluator, proposals)


def _decide_batch(
    policies: tuple[PolicySource, ...],
    applicants: Sequence[ApplicantFacts],
    engine: Engine,
    evaluator: Evaluator,
    proposals: bool,
) -> Iterator[Decision]:
    """Every program evaluated for the batch first (the models are kept); then each
    applicant's decision built from them, one at a time."""
    for applicant in applicants:
        check_interpretations(tuple(source.gates().policy for source in policies), applicant)
    # on DuckDB a batch's facts, rows and models are many objects in no cycle (collector.py);
    # pyDatalog's contexts are not, and its batches are collected as they go
    evaluate_all = pausing(_models) if engine == "duckdb" else _models
    found, views = evaluate_all(policies, applicants, engine, evaluator)
    versions = _versions(engine)
    documents = tuple(
        PolicyVersion(v.policy_id, v.document_number, v.source_file, v.source_sha256) for v in views
    )
    for i, applicant in enumerate(applicants):
        index = FactIndex(applicant)
        results: list[ProgrammeResult] = []
        in_force: list[InterpretationInForce] = []
        for policy, model, applies in found[i]:
            if not applies:
                results += [
                    not_applicable_result(policy, programme, model, index)
                    for programme in policy.programmes
                ]
                continue
            readings = interpretations_in_force(policy, applicant)
            in_force += readings
            results += [
                programme_result(policy, programme, model, index, readings, proposals)
                for programme in policy.programmes
            ]
        found[i] = []  # built: its models can go
        yield _decision(applicant, tuple(results), documents, versions, tuple(in_force))


def _models(
    policies: tuple[PolicySource, ...],
    applicants: Sequence[ApplicantFacts],
    engine: Engine,
    evaluator: Evaluator,
) -> tuple[list[list[tuple[ir.Policy, Model, bool]]], list[ir.Policy]]:
    """Every program of the batch evaluated: per applicant, per document in order, the gates'
    model when the document does not apply, else the full program's model; and the documents'
    gate views."""
    found: list[list[tuple[ir.Policy, Model, bool]]] = [[] for _ in applicants]
    views: list[ir.Policy] = []
    # grounded once per applicant, whatever the number of documents; each adds its regions
    region_fields = frozenset().union(*(source.gates().region_fields for source in policies))
    bases = [ground_base(a, region_fields) for a in applicants]
    with _Programs(bases, applicants, engine, evaluator, policies) as programs:
        # every document's gates first: the full programs to run are then known (DuckDB
        # loads only the facts they read). Only the gate models of those a document does not
        # apply to are kept: the others give way to the full program's.
        gated: list[tuple[CompiledGates, dict[int, Model], list[int]]] = []
        for source in policies:
            compiled_gates = source.gates()
            views.append(compiled_gates.policy)
            gates = programs.gates(compiled_gates.program, compiled_gates.region_fields)
            applying: list[int] = []
            not_applying: dict[int, Model] = {}
            for i, model in enumerate(gates):
                if _applies(compiled_gates.policy, model):
                    applying.append(i)
                else:
                    not_applying[i] = model
            del gates
            gated.append((compiled_gates, not_applying, applying))
        full = [
            source.full() if applying else None
            for source, (_, _, applying) in zip(policies, gated, strict=True)
        ]
        programs.to_run([compiled.program for compiled in full if compiled is not None])
        for (compiled_gates, not_applying, applying), compiled in zip(gated, full, strict=True):
            for i, model in not_applying.items():
                found[i].append((compiled_gates.policy, model, False))
            if compiled is None:
                continue
            models = programs.full(compiled.program, compiled.region_fields, applying)
            for i, model in zip(applying, models, strict=True):
                found[i].append((compiled.policy, model, True))
    return found, views


GATES_IN_DUCKDB = 500  # a batch at least this large has its gates decided in one DuckDB plan


class _Programs:
    """The batch's programs evaluated on one engine. pyDatalog and plain Python take each
    applicant's ground facts (`Grounding.with_regions`); DuckDB takes one `Batch`, opened at
    its first use: the facts the documents share loaded once, each program adding its
    document's `within` facts. The batch loads the facts its programs read: every gate and
    full program of `policies` when the gates are decided in it, else those `to_run` names."""

    def __init__(
        self,
        bases: list[Grounding],
        applicants: Sequence[ApplicantFacts],
        engine: Engine,
        evaluator: Evaluator,
        policies: tuple[PolicySource, ...],
    ) -> None:
        self._bases = bases
        self._applicants = applicants
        self._engine = engine
        self._evaluator = evaluator
        self._policies = policies
        self._batch: Batch | None = None
        self._full: list[Program] | None = None

    def to_run(self, programs: list[Program]) -> None:
        """The full programs `full` will be asked for, once the gates are decided."""
        self._full = programs

    def __enter__(self) -> _Programs:
        return self

    def __exit__(self, *_: object) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None

    def gates(self, program: Program, region_fields: frozenset[str]) -> list[Model]:
        """The gates' models: plain Python per applicant (`_gate_model`), or, for a large
        batch on DuckDB, the gate program in one plan (its ~30–270 statements cost ~0.1–0.5 s
        however many applicants; plain Python costs a few ms each)."""
        if self._engine == "duckdb" and len(self._applicants) >= GATES_IN_DUCKDB:
            if self._batch is None:
                self._open(
                    [source.gates().program for source in self._policies]
                    + [source.full().program for source in self._policies]
                )
            return self._in_duckdb(program, range(len(self._applicants)), region_fields)
        return [
            _gate_model(program, base.with_regions(region_fields), applicant.applicant_id)
            for base, applicant in zip(self._bases, self._applicants, strict=True)
        ]

    def full(
        self, program: Program, region_fields: frozenset[str], members: Sequence[int]
    ) -> list[Model]:
        """The whole program's models for the applicants at `members`."""
        if self._engine == "pydatalog":
            return [
                self._evaluator(
                    program,
                    self._bases[i].with_regions(region_fields),
                    self._applicants[i].applicant_id,
                )
                for i in members
            ]
        if self._engine == "duckdb":
            return self._in_duckdb(program, members, region_fields)
        assert_never(self._engine)

    def _in_duckdb(
        self, program: Program, members: Sequence[int], region_fields: frozenset[str]
    ) -> list[Model]:
        if self._batch is None:
            assert self._full is not None, "to_run names the full programs before the first"
            self._open(self._full)
        assert self._batch is not None
        keys = [str(i) for i in members]
        extra = {
            key: within
            for key, i in zip(keys, members, strict=True)
            if (within := self._bases[i].within(region_fields))
        }
        models = self._batch.evaluate(program, keys, extra)
        return [models[key] for key in keys]

    def _open(self, programs: list[Program]) -> None:
        from eligibility.datalog.duckdb_engine import Batch

        # keys by position: applicant ids may repeat in a batch (test cases share them)
        self._batch = Batch({str(i): base.facts for i, base in enumerate(self._bases)}, programs)


def _versions(engine: Engine) -> tuple[tuple[str, str], ...]:
    if engine == "duckdb":
        from eligibility.datalog.duckdb_engine import engine_version as duckdb_version

        name = duckdb_version()
    else:
        name = engine_version()
    return (
        ("eligibility", __version__),
        ("engine", name),
        ("python", "{}.{}.{}".format(*sys.version_info)),  # `platform` costs 4 ms to import
        ("grammar_sha256", grammar_sha256()),
    )


def _decision(
    applicant: ApplicantFacts,
    results: tuple[ProgrammeResult, ...],
    documents: tuple[PolicyVersion, ...],
    versions: tuple[tuple[str, str], ...],
    in_force: tuple[InterpretationInForce, ...],
) -> Decision:
    name = next((f.value for f in applicant.facts if f.field == "name"), "")
    return Decision(
        applicant.applicant_id, str(name), applicant.context.as_of,
        applicant.context.assessment_year, results, applicant.source_sha256,
        documents, versions, in_force,
    )  # fmt: skip
