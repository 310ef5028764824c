"""One applicant against compiled policies: ground facts → engine → decision per programme."""

from __future__ import annotations

from eligibility import __version__
from eligibility.compiler import CompiledPolicy
from eligibility.datalog.engine import engine_version, evaluate
from eligibility.datalog.facts import ground_facts
from eligibility.decision.from_model import FactIndex, programme_result
from eligibility.decision.proof import Decision, PolicyVersion, ProgrammeResult
from eligibility.facts.model import ApplicantFacts


def decide(policies: tuple[CompiledPolicy, ...], applicant: ApplicantFacts) -> Decision:
    facts = FactIndex(applicant)
    results: list[ProgrammeResult] = []
    for compiled in policies:
        ground = ground_facts(applicant, compiled.region_fields)
        model = evaluate(compiled.program, ground, applicant.applicant_id)
        results += [programme_result(compiled.policy, programme, model, facts)
                    for programme in compiled.policy.programmes]
    name = next((f.value for f in applicant.facts if f.field == "name"), "")
    versions = (("eligibility", __version__), ("engine", engine_version()),
                ("grammar_sha256", policies[0].grammar_sha256 if policies else ""))
    return Decision(
        applicant.applicant_id, str(name), applicant.context.as_of,
        applicant.context.assessment_year, tuple(results), applicant.source_sha256,
        tuple(PolicyVersion(c.policy.policy_id, c.policy.document_number, c.policy.source_file,
                            c.policy.source_sha256) for c in policies),
        versions,
    )  # fmt: skip
