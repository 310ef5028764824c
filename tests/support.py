"""Shared test helpers: the compiled Chongqing policy, applicants built from JSON documents,
and small builders for the documents the decision and differential tests need.

Applicants go through the real validator (`facts.validate`), so a builder that writes a field
the format does not allow fails loudly instead of testing something no file could say.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from eligibility.compiler import CompiledPolicy, compile_text
from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import load_applicant, validate_document

REPO = Path(__file__).resolve().parents[1]
POLICY_FILE = "policies/chongqing-2024.policy"
EXAMPLES = REPO / "examples" / "chongqing"
OPERATION = "cq_operation_performance_subsidy"
CQ = "渝知发〔2024〕22号"


@cache
def chongqing() -> CompiledPolicy:
    return compile_text((REPO / POLICY_FILE).read_text(encoding="utf-8"), POLICY_FILE)


def example_paths() -> tuple[Path, ...]:
    return tuple(sorted(EXAMPLES.glob("*.json")))


def load_example(path: Path) -> ApplicantFacts:
    result = load_applicant(path)
    assert isinstance(result, ApplicantFacts), f"{path.name} does not validate: {result}"
    return result


def applicant(doc: dict[str, Any]) -> ApplicantFacts:
    """The validated applicant of an in-memory document; a test bug if it does not validate."""
    data = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()
    result = validate_document(doc, hashlib.sha256(data).hexdigest())
    assert isinstance(result, ApplicantFacts), f"test document does not validate: {result}"
    return result


# ── document builders ────────────────────────────────────────────────────────────────────────


def party(region: str = "500112", name: str = "重庆某科技有限公司") -> dict[str, Any]:
    return {
        "name": name,
        "legal_form": "company",
        "enterprise_size": "small",
        "registered_region": region,
    }


def _merge(record: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`record` with `over` applied; a value of None removes the key."""
    record.update(over)
    return {key: value for key, value in record.items() if value is not None}


def contract(record_id: str, amount: str, **over: Any) -> dict[str, Any]:
    """A transfer of one invention patent that counts for 第九条 and 第十条 (assessment 2024).
    Keyword arguments replace fields; None removes one."""
    record: dict[str, Any] = {
        "record_id": record_id,
        "contract_kind": "transfer",
        "items": [{"ip_number": f"ZL2023{record_id}.X", "ip_type": "invention_patent"}],
        "applicant_role": "intermediary",
        "transferor": party("500106", "重庆某大学"),
        "transferee": party("500112"),
        "served_party": "both",
        "facilitated_by_applicant": True,
        "contract_date": "2024-02-01",
        "cnipa_registration_status": "registered",
        "registered_contract_amount": amount,
        "cnipa_registration_date": "2024-03-02",
    }
    return _merge(record, over)


def pledge(record_id: str, amount: str, **over: Any) -> dict[str, Any]:
    """A registered pledge the applicant brokered for a Chongqing borrower (assessment 2024)."""
    record: dict[str, Any] = {
        "record_id": record_id,
        "pledged_ip_types": ["invention_patent"],
        "borrower": party("500112", "重庆某制造有限公司"),
        "applicant_role": "intermediary",
        "facilitated_by_applicant": True,
        "served_party": "borrower",
        "cnipa_pledge_registration_status": "registered",
        "cnipa_pledge_registration_date": "2024-08-01",
        "pledge_registered_amount": amount,
    }
    return _merge(record, over)


def period(start: str, end: str, grace_end: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"start": start, "end": end, "acceptance_result": "pass"}
    if grace_end is not None:
        record.update(acceptance_result="fail", grace_end=grace_end)
    return record


_BASE: dict[str, Any] = {
    "schema": "eligibility.applicant/1",
    "context": {"application_date": "2025-03-15", "assessment_year": 2024},
    "applicant": {
        "applicant_id": "T-001",
        "name": "重庆某知识产权运营服务有限公司",
        "legal_form": "company",
        "entity_kinds": ["ip_operation_service_institution"],
        "registered_region": "500103",
        "operating_regions": ["500103"],
        "credit_good": True,
        "cq_centre_type": "none",
        "cq_centre_status": "none",
        "reviewer_attestations": {
            "cq9_2_typical_cases": {"value": True, "reviewer": "评审组", "date": "2025-04-10"},
        },
        "construction_periods": [],
        "ip_contracts": [],
        "pledge_financings": [],
    },
}


def document(
    contracts: Sequence[dict[str, Any]] = (),
    pledges: Sequence[dict[str, Any]] = (),
    periods: Sequence[dict[str, Any]] = (),
    *,
    drop: tuple[str, ...] = (),
    **over: Any,
) -> dict[str, Any]:
    """An operation-service institution meeting every 第九条 condition except the thresholds,
    with the given records; `over` replaces applicant fields, `drop` removes them."""
    doc = copy.deepcopy(_BASE)
    body = doc["applicant"]
    body.update(
        ip_contracts=list(contracts),
        pledge_financings=list(pledges),
        construction_periods=list(periods),
    )
    body.update(over)
    for name in drop:
        body.pop(name, None)
    return doc


def contracts_totalling(total: str, count: int, **over: Any) -> list[dict[str, Any]]:
    """`count` contracts whose amounts add up to exactly `total` (the last takes the rest)."""
    whole = Decimal(total)
    each = (whole / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    amounts = [each] * (count - 1) + [whole - each * (count - 1)]
    return [contract(f"T{k}", f"{a:.2f}", **over) for k, a in enumerate(amounts, 1)]


def decide_small(policy: CompiledPolicy, **fields: Any) -> dict[str, Any]:
    """The results, by programme, of a small inline test policy for a company applying on
    2024-06-01 (assessment year 2024) with `fields`, after requiring the engine's model and the
    reference evaluator's to be equal."""
    from eligibility.datalog.engine import evaluate
    from eligibility.datalog.facts import ground_facts
    from eligibility.decision.reference import reference_model
    from eligibility.evaluate import decide

    facts = applicant(
        {
            "schema": "eligibility.applicant/1",
            "context": {"application_date": "2024-06-01", "assessment_year": 2024},
            "applicant": {"applicant_id": "T-1", "legal_form": "company", **fields},
        }
    )
    model = evaluate(policy.program, ground_facts(facts, policy.region_fields), facts.applicant_id)
    assert model == reference_model(policy.policy, facts)
    return {r.programme: r for r in decide((policy,), facts).results}
