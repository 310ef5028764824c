"""Small builders of round inputs for the round's unit and property tests."""

from __future__ import annotations

from decimal import Decimal

from eligibility.round.model import (
    ApplicantInput,
    Entitlement,
    PoolRule,
    PoolSpec,
    ProgrammeClaim,
)

POLICY = "cq_2024"
PROGRAMME = "cq_operation_performance_subsidy"
POOL_ID = f"{POLICY}.{PROGRAMME}"


def pool(
    declared: str = "5000000",
    rule: PoolRule = "text",
    cap: str | None = "500000",
    programme: str = PROGRAMME,
) -> PoolSpec:
    return PoolSpec(
        f"{POLICY}.{programme}", POLICY, programme, "知识产权运营绩效补贴",
        "每年补贴总额不超过500万元", Decimal(declared), "渝知发〔2024〕22号 第十条", rule,
        "渝知发〔2024〕22号 第十条" if rule == "text" else "A-23",
        None if cap is None else Decimal(cap),
    )  # fmt: skip


def claim(
    entitlement: Entitlement | None, programme: str = PROGRAMME, pooled: bool = True
) -> ProgrammeClaim:
    outcome = "does_not_qualify" if entitlement is None else (
        "qualifies" if entitlement.exact is not None else "undetermined"
    )  # fmt: skip
    return ProgrammeClaim(
        POLICY, programme, "知识产权运营绩效补贴", outcome,  # type: ignore[arg-type]
        entitlement, f"{POLICY}.{programme}" if pooled else None,
    )  # fmt: skip


def applicant(applicant_id: str, amount: str | Entitlement | None) -> ApplicantInput:
    entitlement = Entitlement.exactly(Decimal(amount)) if isinstance(amount, str) else amount
    return ApplicantInput(applicant_id, f"申请人{applicant_id}", (claim(entitlement),))
