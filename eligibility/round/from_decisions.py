"""Build a `RoundInput` from what one applicant's check already produces: its validated facts,
its `Decision`, and the compiled policies (their pools and applicant limits).

The entitlement is the decision's amount after every per-applicant cap (rounded to the fen):
exact when the programme qualifies with every record decided; a range naming the missing facts
otherwise (0 up to the decision's maximum when the programme itself is undetermined). A record
the decision counts becomes a claim with a cross-applicant identity (`record_identity`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from eligibility.decision.proof import Decision, ProgrammeResult, ProofNode
from eligibility.facts.model import ApplicantFacts, InputError, Record
from eligibility.ir import nodes as ir
from eligibility.round.model import (
    ApplicantInput,
    ApplicantLimit,
    Entitlement,
    InputProblem,
    InvalidApplication,
    LimitMembership,
    PoolSpec,
    ProgrammeClaim,
    RecordClaim,
    RoundInput,
)

DEFAULT_RULE_CITATION = "A-23"


def pool_id(policy_id: str, programme_id: str) -> str:
    return f"{policy_id}.{programme_id}"


def round_input_from_decisions(
    policies: Sequence[ir.Policy],
    decided: Sequence[tuple[ApplicantFacts, Decision]],
    invalid: Sequence[InvalidApplication] = (),
    available: Mapping[str, Decimal] | None = None,
    switches: Mapping[str, str] | None = None,
) -> RoundInput:
    """`available`: money still available per pool id ("<policy_id>.<programme_id>"), default
    the declared pool; `switches`: round switch values (`pool_overflow_rule`)."""
    pools = tuple(spec for policy in policies for spec in pool_specs(policy))
    limits = tuple(limit for policy in policies for limit in applicant_limits(policy))
    by_programme = {
        (policy.policy_id, programme.programme_id): programme
        for policy in policies
        for programme in policy.programmes
    }
    pooled = {(spec.policy_id, spec.programme_id): spec.pool_id for spec in pools}
    applicants = tuple(
        ApplicantInput(
            decision.applicant_id,
            decision.applicant_name,
            tuple(
                _claim(facts, result, pooled, limits, by_programme)
                for result in decision.results
                if result.not_applicable is None  # another document's: it claims nothing
            ),
        )
        for facts, decision in decided
    )
    return RoundInput(
        applicants,
        pools,
        limits,
        tuple(invalid),
        tuple(sorted((available or {}).items())),
        tuple(sorted((switches or {}).items())),
    )


def invalid_application(
    applicant_id: str, errors: Sequence[InputError], policy_ids: Sequence[str] | None = None
) -> InvalidApplication:
    """An application validation refused (`facts.validate`), as the round sees it."""
    problems = tuple(InputProblem(e.path, e.code, e.message) for e in errors)
    return InvalidApplication(
        applicant_id, problems, None if policy_ids is None else tuple(policy_ids)
    )


def pool_specs(policy: ir.Policy) -> Iterator[PoolSpec]:
    for programme in policy.programmes:
        amount = programme.amount
        if amount is None or amount.pool is None:
            continue
        pool = amount.pool
        yield PoolSpec(
            pool_id(policy.policy_id, programme.programme_id),
            policy.policy_id,
            programme.programme_id,
            programme.title,
            pool.label,
            pool.limit,
            pool.citation,
            "text" if pool.prorata else "default",
            pool.prorata or DEFAULT_RULE_CITATION,
            _smallest_constant_cap(amount),
        )


def applicant_limits(policy: ir.Policy) -> Iterator[ApplicantLimit]:
    for programme in policy.programmes:
        for k, limit in enumerate(programme.applicant_limits, 1):
            yield ApplicantLimit(
                f"{policy.policy_id}.{programme.programme_id}.{k}",
                policy.policy_id,
                programme.programme_id,
                limit.maximum,
                limit.hard,
                limit.per_field,
                limit.unless_field,
                limit.unless_values,
                limit.label,
                limit.citation,
                limit.among_field,
            )


def _smallest_constant_cap(amount: ir.Amount) -> Decimal | None:
    limits = [cap.limit.value for cap in amount.caps if isinstance(cap.limit, ir.Const)]
    money = [Decimal(value) for value in limits if isinstance(value, Decimal | int)]
    return min(money) if money else None


def entitlement_of(result: ProgrammeResult) -> Entitlement | None:
    """The decision's amount as the round reads it (None: nothing to claim)."""
    if result.outcome == "does_not_qualify" or result.amount_proof is None:
        return None
    if result.outcome == "qualifies" and result.amount is not None:
        if result.amount_proof.partial:
            return Entitlement(result.amount, result.max_amount, result.missing)
        return Entitlement.exactly(result.amount)
    return Entitlement(Decimal("0.00"), result.max_amount, result.missing)


def _claim(
    facts: ApplicantFacts,
    result: ProgrammeResult,
    pooled: Mapping[tuple[str, str], str],
    limits: Sequence[ApplicantLimit],
    by_programme: Mapping[tuple[str, str], ir.Programme],
) -> ProgrammeClaim:
    key = (result.policy_id, result.programme)
    programme = by_programme.get(key)
    amount = programme.amount if programme else None
    fixed_by = () if amount is None else ((amount.caps or amount.steps)[-1].citation,)
    pool_citation = amount.pool.citation if amount and amount.pool else None
    amount_citations = (
        tuple(
            line.citation
            for line in result.amount_proof.lines
            if line.citation and line.citation != pool_citation
        )
        if result.amount_proof
        else ()
    )
    return ProgrammeClaim(
        result.policy_id,
        result.programme,
        result.title,
        result.outcome,
        entitlement_of(result),
        pooled.get(key),
        tuple(dict.fromkeys(fixed_by + amount_citations)),
        tuple(
            membership(limit, facts)
            for limit in limits
            if (limit.policy_id, limit.programme_id) == key
        ),
        tuple(_record_claims(facts, result.proof)) if key in by_programme else (),
        result.missing,
    )


def membership(limit: ApplicantLimit, facts: ApplicantFacts) -> LimitMembership:
    """The applicant's group under a limit and whether it counts, from its facts."""
    values = {fact.field: str(fact.value) for fact in facts.facts}
    missing = []
    group: str | None = ""
    if limit.per_field is not None:
        group = values.get(limit.per_field)
        if group is None:
            missing.append(limit.per_field)
    verdicts: list[bool | None] = []
    if limit.unless_field is not None:
        exempting = values.get(limit.unless_field)
        verdicts.append(None if exempting is None else exempting not in limit.unless_values)
    if limit.among_field is not None:
        put_forward = values.get(limit.among_field)
        verdicts.append(None if put_forward is None else put_forward == "True")
    missing += [
        field
        for field in (limit.unless_field, limit.among_field)
        if field is not None and field not in values
    ]
    counted = False if False in verdicts else (None if None in verdicts else True)
    return LimitMembership(limit.limit_id, group, counted, tuple(missing))


def _counted_records(node: ProofNode) -> Iterator[str]:
    for note in node.records:
        if note.counted:
            yield note.path
    for child in node.children:
        yield from _counted_records(child)


def _record_claims(facts: ApplicantFacts, proof: ProofNode) -> Iterator[RecordClaim]:
    by_path = {record.path: record for record in facts.records}
    for path in dict.fromkeys(_counted_records(proof)):
        record = by_path.get(path)
        identity = record_identity(record) if record is not None else None
        if record is None or identity is None:
            continue
        role = next((str(f.value) for f in record.facts if f.field == "applicant_role"), "")
        yield RecordClaim(identity, role, record.record_id, record.path)


def record_identity(record: Record) -> str | None:
    """Which real-world record this is, whoever files it; None when the fields that tell are
    not all given (then no cross-applicant check is made for it).

    A contract: its kind, both parties' names, its patents (sorted) and its CNIPA registration
    date (the vocabulary has no contract or registration number). A pledge: both parties'
    names, the CNIPA pledge registration date and the registered amount. Other collections
    (product filings, financial products, training sessions) have one party only."""
    values: dict[str, list[str]] = {}
    for fact in record.facts:
        values.setdefault(fact.field, []).append(str(fact.value))

    def one(field: str) -> str | None:
        found = values.get(field)
        return found[0] if found else None

    if record.collection == "ip_contracts":
        fields = [one("contract_kind"), one("transferor.name"), one("transferee.name")]
        fields.append(one("cnipa_registration_date"))
        patents = sorted(values.get("items.ip_number", []))
        if None in fields or not patents:
            return None
        kind, transferor, transferee, date = fields
        return f"contract {kind} {transferor}→{transferee} {'+'.join(patents)} {date}"
    if record.collection == "pledge_financings":
        fields = [one("borrower.name"), one("lender.name"), one("cnipa_pledge_registration_date")]
        fields.append(one("pledge_registered_amount"))
        if None in fields:
            return None
        borrower, lender, date, amount = fields
        return f"pledge {borrower}→{lender} {date} {amount}"
    return None
