"""The validated applicant, as facts: the output of `facts.validate`, the input of evaluation.

Every value carries the JSON path it came from, so an explanation or an audit record can point
back into the applicant file. Nested objects are flattened to dotted field names relative to the
entity they describe ("transferor.registered_region"); a list of scalars becomes one Fact per
element under the same field ("operating_regions"); a list of objects becomes Records.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from eligibility.frozen import frozen_record

FactValue = bool | int | Decimal | str | datetime.date


@frozen_record
class Fact:
    """One known value. `field` is dotted and index-free; `path` is the JSON path of the value."""

    field: str
    value: FactValue
    path: str


@frozen_record
class Record:
    """One element of a collection (ip_contracts, pledge_financings, construction_periods, ...).

    `record_id` is the element's id field when the collection has one ("T1"), else
    "<collection>[<index>]". `fields_present` names every field (dotted) given in the input,
    including lists given empty.
    """

    collection: str
    record_id: str
    path: str
    facts: tuple[Fact, ...]
    fields_present: frozenset[str]


@frozen_record
class EvaluationContext:
    """Parameters of one evaluation, not facts about the applicant (rule-inventory §8.1)."""

    as_of: datetime.date
    assessment_year: int
    interpretations: tuple[tuple[str, str], ...] = ()


@frozen_record
class ApplicantFacts:
    """An applicant that passed validation, with its evaluation context."""

    applicant_id: str
    facts: tuple[Fact, ...]
    fields_present: frozenset[str]
    records: tuple[Record, ...]
    context: EvaluationContext
    source_sha256: str


@frozen_record
class InputError:
    """One violation of the applicant format (rule-inventory §9). `code` is e.g. V-MONEY-NEG."""

    code: str
    path: str
    message: str
