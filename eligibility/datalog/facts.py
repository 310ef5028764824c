"""Validated applicant facts → ground Datalog facts (plain data, see `datalog.program`).

Besides the facts as given, it adds what rules need but cannot compute safely in pyDatalog:
the year of every date ("year:<field>"), the evaluation context ("@as_of",
"@assessment_year"), and for every region code the regions it lies within (itself, its
prefecture, its province: 500112 lies within 500100 and 500000).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from eligibility.collector import pausing
from eligibility.datalog.program import GroundFact, Value
from eligibility.datalog.terms import year_field
from eligibility.facts.model import ApplicantFacts, Fact, Record
from eligibility.frozen import frozen_record


def record_key(collection: str, record_id: str) -> str:
    """Records are keyed by collection and id, so ids may repeat across collections."""
    return f"{collection}/{record_id}"


def ground_facts(
    applicant: ApplicantFacts, region_fields: frozenset[str]
) -> tuple[GroundFact, ...]:
    """`region_fields` names the fields (applicant or record, dotted) that hold region codes."""
    return ground_base(applicant, region_fields).with_regions(region_fields)


@frozen_record
class Grounding:
    """An applicant's ground facts without `within`, and every (field, value) a `within` fact
    could be drawn from: the part every policy shares, made once per applicant in a round
    (five documents grounded it five times), then completed per policy by `with_regions`."""

    facts: tuple[GroundFact, ...]
    regions: tuple[tuple[str, str], ...]  # (field, value as text), in the facts' order

    def with_regions(self, region_fields: frozenset[str]) -> tuple[GroundFact, ...]:
        """The facts `ground_facts(applicant, region_fields)` gives."""
        within = self.within(region_fields)
        return self.facts + within if within else self.facts

    def within(self, region_fields: frozenset[str]) -> tuple[GroundFact, ...]:
        """The `within` facts of the codes in `region_fields` (what a policy adds)."""
        codes = {code for name, code in self.regions if name in region_fields}
        return tuple(
            GroundFact("within", (code, ancestor))
            for code in sorted(codes)
            for ancestor in region_ancestors(code)
        )


_OBJECTS: dict[frozenset[str], tuple[str, ...]] = {}
_OBJECTS_HELD = 1_000  # distinct sets of stated fields remembered (a bank's records share few)


def _with_objects(fields_present: frozenset[str]) -> tuple[str, ...]:
    """`_stated_and_objects`, remembered: the records of a collection mostly state the same
    fields (a bank's 10,000 pledges)."""
    found = _OBJECTS.get(fields_present)
    if found is None:
        found = _stated_and_objects(fields_present)
        if len(_OBJECTS) < _OBJECTS_HELD:
            _OBJECTS[fields_present] = found
    return found


def _stated_and_objects(fields_present: frozenset[str]) -> tuple[str, ...]:
    """The fields a record states, and each object one of them is part of (`financing_service_
    fees` when `financing_service_fees.guarantee` is given): a part of a stated breakdown that
    is not given counts as 0 in a per-record sum, a field of an absent one does not."""
    objects = {name.rsplit(".", 1)[0] for name in fields_present if "." in name}
    while any("." in name for name in objects - fields_present):
        objects |= {name.rsplit(".", 1)[0] for name in objects if "." in name}
    return tuple(sorted(fields_present | objects))


@pausing
def ground_base(applicant: ApplicantFacts, region_fields: frozenset[str]) -> Grounding:
    """Every ground fact but `within`, and the values of the fields in `region_fields` (the
    union of the region fields of the policies to be applied)."""
    a = applicant.applicant_id
    out = [GroundFact("applicant", (a,))]
    out += [
        GroundFact("chosen", (a, name, value)) for name, value in applicant.context.interpretations
    ]
    out += [GroundFact("present", (a, name)) for name in sorted(applicant.fields_present)]
    context = applicant.context
    out.append(GroundFact("attr", (a, "@as_of", context.as_of)))
    out.append(GroundFact("attr", (a, "@assessment_year", context.assessment_year)))
    regions: list[tuple[str, str]] = []
    for fact in applicant.facts:
        out += (GroundFact("attr", (a, name, value)) for name, value in _with_year(fact))
        if fact.field in region_fields:
            regions.append((fact.field, str(fact.value)))
    for record in applicant.records:
        key = record_key(record.collection, record.record_id)
        out.append(GroundFact("record", (record.collection, a, key)))
        out += [
            GroundFact("rpresent", (key, name)) for name in _with_objects(record.fields_present)
        ]
        for fact in record.facts:  # `_with_year` written out: a bank has 10,000 records
            field, value = fact.field, fact.value
            out.append(GroundFact("rattr", (key, field, value)))
            if isinstance(value, datetime.date):
                out.append(GroundFact("rattr", (key, year_field(field), value.year)))
            if field in region_fields:
                regions.append((field, str(value)))
        for (sub, index), facts in sub_records(record).items():
            sub_key = f"{key}/{sub}[{index}]"
            out.append(GroundFact("record", (f"{record.collection}.{sub}", a, sub_key)))
            out.append(GroundFact("subrecord", (key, sub, sub_key)))
            out += [GroundFact("rattr", (sub_key, name, value)) for name, value in facts]
    return Grounding(tuple(out), tuple(regions))


_SUB = re.compile(r"\.([a-z_]+)\[(\d+)\]\.")


def sub_records(record: Record) -> dict[tuple[str, int], list[tuple[str, Value]]]:
    """A record's lists of objects (a contract's `items`), each element as its own facts.

    The reader flattens them into list fields ("items.ip_type"); the JSON path of each value
    ("….items[1].ip_type") still says which element it belongs to, which per-item counting
    (件: one patent within one contract, A-14) needs."""
    found: dict[tuple[str, int], list[tuple[str, Value]]] = {}
    start = len(record.path)
    for fact in record.facts:
        if fact.path.find("[", start) < 0:  # no list below the record: most of its facts
            continue
        match = _SUB.search(fact.path[start:])
        if match and fact.field.startswith(match.group(1) + "."):
            name = fact.field[len(match.group(1)) + 1 :]
            found.setdefault((match.group(1), int(match.group(2))), []).append((name, fact.value))
    return found


def _with_year(fact: Fact) -> Iterator[tuple[str, Value]]:
    yield fact.field, fact.value
    if isinstance(fact.value, datetime.date):
        yield year_field(fact.field), fact.value.year


def region_ancestors(code: str) -> tuple[str, ...]:
    """A GB/T 2260 code, its prefecture (xxxx00) and its province (xx0000), without repeats."""
    return tuple(dict.fromkeys((code, code[:4] + "00", code[:2] + "0000")))
