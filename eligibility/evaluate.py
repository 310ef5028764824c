"""One applicant against compiled policies: ground facts → engine → decision per programme."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Literal, assert_never

from eligibility import __version__
from eligibility.compiler import PolicySource, grammar_sha256
from eligibility.datalog import naive
from eligibility.datalog.engine import engine_version, evaluate
from eligibility.datalog.facts import ground_facts
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
) -> Decision:
    """Each document's gates first; its full program only when it may apply."""
    return decide_many(policies, (applicant,), engine, evaluator=evaluator)[0]


def decide_many(
    policies: tuple[PolicySource, ...],
    applicants: Sequence[ApplicantFacts],
    engine: Engine,
    *,
    evaluator: Evaluator = evaluate,
) -> list[Decision]:
    """The decisions `decide` gives one by one, each program evaluated once for all the
    applicants it concerns (DuckDB: one plan for all of them; pyDatalog: one at a time, by
    `evaluator`: a process checking many applicants passes `engine.evaluate_reusing`). The
    gates are decided in plain Python (`_gate_model`) whatever the engine."""
    for applicant in applicants:
        check_interpretations(tuple(source.gates().policy for source in policies), applicant)
    results: list[list[ProgrammeResult]] = [[] for _ in applicants]
    in_force: list[list[InterpretationInForce]] = [[] for _ in applicants]
    indexes = [FactIndex(applicant) for applicant in applicants]
    views: list[ir.Policy] = []
    for source in policies:
        compiled_gates = source.gates()
        views.append(compiled_gates.policy)
        grounds = [ground_facts(a, compiled_gates.region_fields) for a in applicants]
        gates = [
            _gate_model(compiled_gates.program, ground, applicant.applicant_id)
            for ground, applicant in zip(grounds, applicants, strict=True)
        ]
        applying = [i for i, model in enumerate(gates) if _applies(compiled_gates.policy, model)]
        skipped = set(range(len(applicants))) - set(applying)
        for i, model in enumerate(gates):
            if i in skipped:
                results[i] += [
                    not_applicable_result(compiled_gates.policy, programme, model, indexes[i])
                    for programme in compiled_gates.policy.programmes
                ]
        if not applying:
            continue
        compiled = source.full()
        chosen = [applicants[i] for i in applying]
        models = _evaluate_all(
            compiled.program, [grounds[i] for i in applying], chosen, engine, evaluator
        )
        for i, model in zip(applying, models, strict=True):
            readings = interpretations_in_force(compiled.policy, applicants[i])
            in_force[i] += readings
            results[i] += [
                programme_result(compiled.policy, programme, model, indexes[i], readings)
                for programme in compiled.policy.programmes
            ]
    versions = _versions(engine)
    documents = tuple(
        PolicyVersion(v.policy_id, v.document_number, v.source_file, v.source_sha256) for v in views
    )
    return [
        _decision(applicant, tuple(found), documents, versions, tuple(readings))
        for applicant, found, readings in zip(applicants, results, in_force, strict=True)
    ]


def _evaluate_all(
    program: Program,
    grounds: Sequence[tuple[GroundFact, ...]],
    applicants: Sequence[ApplicantFacts],
    engine: Engine,
    evaluator: Evaluator,
) -> list[Model]:
    if engine == "pydatalog":
        return [
            evaluator(program, ground, applicant.applicant_id)
            for ground, applicant in zip(grounds, applicants, strict=True)
        ]
    if engine == "duckdb":
        from eligibility.datalog.duckdb_engine import evaluate_many

        # keys by position: applicant ids may repeat in a batch (test cases share them)
        models = evaluate_many(program, {str(i): ground for i, ground in enumerate(grounds)})
        return [models[str(i)] for i in range(len(grounds))]
    assert_never(engine)


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
