"""One applicant against compiled policies: ground facts → engine → decision per programme."""

from __future__ import annotations

import difflib
import platform

from eligibility import __version__
from eligibility.compiler import PolicySource, grammar_sha256
from eligibility.datalog.engine import engine_version, evaluate
from eligibility.datalog.facts import ground_facts
from eligibility.datalog.model import Model
from eligibility.decision.from_model import FactIndex, not_applicable_result, programme_result
from eligibility.decision.proof import (
    Decision,
    InterpretationInForce,
    PolicyVersion,
    ProgrammeResult,
)  # fmt: skip
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
            near = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            known = ", ".join(sorted(declared)) or "none"
            raise InterpretationError(
                f"{path}: no policy applied declares the interpretation {name!r}{hint} "
                f"(declared: {known})",
                "V-UNKNOWN",
            )
        if value not in switch.values:
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


def decide(policies: tuple[PolicySource, ...], applicant: ApplicantFacts) -> Decision:
    """Each document's gates first; its full program only when it may apply."""
    facts = FactIndex(applicant)
    results: list[ProgrammeResult] = []
    in_force: list[InterpretationInForce] = []
    views: list[ir.Policy] = []
    check_interpretations(tuple(source.gates().policy for source in policies), applicant)
    for source in policies:
        compiled_gates = source.gates()
        views.append(compiled_gates.policy)
        ground = ground_facts(applicant, compiled_gates.region_fields)
        gates = evaluate(compiled_gates.program, ground, applicant.applicant_id)
        if not _applies(compiled_gates.policy, gates):
            results += [
                not_applicable_result(compiled_gates.policy, programme, gates, facts)
                for programme in compiled_gates.policy.programmes
            ]
            continue
        compiled = source.full()
        readings = interpretations_in_force(compiled.policy, applicant)
        in_force += readings
        model = evaluate(compiled.program, ground, applicant.applicant_id)
        results += [
            programme_result(compiled.policy, programme, model, facts, readings)
            for programme in compiled.policy.programmes
        ]
    name = next((f.value for f in applicant.facts if f.field == "name"), "")
    versions = (
        ("eligibility", __version__),
        ("engine", engine_version()),
        ("python", platform.python_version()),
        ("grammar_sha256", grammar_sha256()),
    )
    return Decision(
        applicant.applicant_id, str(name), applicant.context.as_of,
        applicant.context.assessment_year, tuple(results), applicant.source_sha256,
        tuple(PolicyVersion(v.policy_id, v.document_number, v.source_file, v.source_sha256)
              for v in views),
        versions, tuple(in_force),
    )  # fmt: skip
