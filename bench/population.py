"""Realistic applicant populations for rounds, benchmarks and differential tests (issue #8, 5–6).

Every applicant is a variant of a realistic one: a legal test case (`policies/*.tests.yaml`, its
`defaults:` laid under it as `eligibility test` does) or a shipped example (`examples/<document>/`)
of one of the five documents (Chongqing 2024, Yubei 2024, national 2019, Shanghai 2022, Beijing
2022). The documents take equal shares, in turn. Each variant gets a new applicant id and,
chosen by a seeded random generator, some of:

- collections resized to 0.5–2.5× (cloned records get new ids and new patent numbers), and now
  and then a large one (a bank or agency with hundreds of pledge records);
- money scaled by a log-normal factor per record (selection amounts too), to the fen;
- the dates of a record shifted together (so their order holds), sometimes across a year end;
- regions moved: the applicant or a party of a record to another district of the same
  jurisdiction, or out of it;
- another applicant profile of the same document (legal form, kinds, size, ownership as a unit);
- flags flipped (credit, fraud debarment, operating status);
- missing facts: an absent collection, an absent amount or date in a record, an unattested or
  negative reviewer finding, an absent applicant fact;
- undecided records: a registration left pending (its date removed) or not stated at all.

Each variation keeps the file valid (the cross-field rules of docs/applicant-format.md hold), so
`check` exits 0 on every one; tests/test_population.py checks a sample. Same count and seed, same
documents, byte for byte. The evaluation budget of today's checker (2,000 records, 60,000
values per file) is respected by `generate`; `generate_large` goes to the format's limit of
10,000 records in a collection and is refused (V-LIMIT) until the set-at-a-time engine lifts
the budget.

    python bench/population.py --count 1000 --seed 7 --out population.jsonl
    python bench/population.py --count 1000 --out population/      # one file per applicant
    python bench/population.py --large 10000 --out bank-10k.json
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `eligibility` from this checkout
    sys.path.insert(0, str(ROOT))

from eligibility.facts.vocabulary import (  # noqa: E402  (after the path is set)
    FORMAT_VERSION,
    FieldKind,
    collection,
    collection_names,
    record_field,
)

Document = dict[str, Any]

# The five documents: the test file's stem and the examples folder of each.
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("chongqing-2024", "chongqing"),
    ("yubei-2024", "yubei"),
    ("national-2019", "national"),
    ("shanghai-2022", "shanghai"),
    ("beijing-2022", "beijing"),
)

# District codes inside each document's jurisdiction, and codes outside all of them. Yubei's
# jurisdiction is 渝北区 (500112) for most items and 重庆市 for intermediaries, so the other
# Chongqing districts are "in" for Chongqing and "out" for Yubei's district rules.
_IN_REGIONS: dict[str, tuple[str, ...]] = {
    "chongqing-2024": ("500103", "500106", "500112", "500105", "500108"),
    "yubei-2024": ("500112", "500112", "500112", "500103", "500106"),
    "shanghai-2022": ("310101", "310104", "310115", "310112"),
    "beijing-2022": ("110105", "110108", "110102", "110114"),
}
_OUT_REGIONS = ("510107", "440305", "320102", "330106", "420106", "110108", "310115", "500112")

# Applicant facts that describe what kind of organisation it is: swapped as one unit, so that an
# enterprise size never lands on a public institution (V-CONTRA).
_PROFILE_KEYS = ("legal_form", "entity_kinds", "enterprise_size", "ownership")
_FLAGS = ("credit_good", "fraud_debarment", "operating_status_normal")
# Applicant facts never taken away: the id (required), the kind (a city without it would be
# read as an organisation with city fields), the profile (swapped instead) and the context.
_KEEP = frozenset({"applicant_id", "applicant_kind", *_PROFILE_KEYS})
# Registration status / date pairs: a date only with status "registered" (V-CONTRA otherwise).
_REGISTRATIONS = (
    ("cnipa_registration_status", "cnipa_registration_date"),
    ("cnipa_pledge_registration_status", "cnipa_pledge_registration_date"),
)
# Fields whose absence leaves a record undecided for some filter of some document.
_RECORD_FACTS = (
    "facilitated_by_applicant",
    "served_party",
    "applicant_role",
    "contract_date",
    "implemented",
    "disbursement_date",
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FEN = Decimal("0.01")
_LARGE_SHARE = 250  # about one applicant in this many gets a large collection


# ── the realistic applicants the variants start from ────────────────────────────────────────


@cache
def bases() -> dict[str, tuple[Document, ...]]:
    """Document name → every legal test case and valid shipped example of it, as applicant
    documents (JSON-ready: dates as ISO text), in file order."""
    out: dict[str, tuple[Document, ...]] = {}
    for document, folder in DOCUMENTS:
        tests = ROOT / "eligibility" / "policies" / f"{document}.tests.yaml"
        found = _test_cases(tests)
        for example in sorted((ROOT / "examples" / folder).glob("*.json")):
            found.append(json.loads(example.read_text(encoding="utf-8")))
        out[document] = tuple(found)
    return out


def _test_cases(tests_file: Path) -> list[Document]:
    """Each case of a test file as `eligibility test` builds it (docs/policy-tests.md): defaults
    merged under the case (mappings key by key, lists replaced), minus `unknown:` fields."""
    # libyaml's loader when built in: the five files take 4 s with the pure-Python one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    suite = yaml.load(tests_file.read_text(encoding="utf-8"), Loader=loader)
    defaults = suite.get("defaults") or {}
    out = []
    for index, case in enumerate(suite["cases"], 1):
        doc: Document = {"schema": FORMAT_VERSION}
        for part in ("context", "applicant"):
            doc[part] = _merged(defaults.get(part) or {}, case.get(part) or {})
        doc["applicant"].setdefault("applicant_id", f"case-{index}")
        for dotted in case.get("unknown") or ():
            *parents, last = dotted.split(".")
            block = doc["applicant"]
            for name in parents:
                block = block[name]
            del block[last]
        out.append(_json_ready(doc))
    return out


def _merged(under: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(under)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _copy(document: Any) -> Any:
    """A deep copy of JSON data, through the C encoder: five times `copy.deepcopy`'s speed."""
    return json.loads(json.dumps(document))


_record_field = cache(record_field)  # called for every value of every record varied


def _json_ready(value: Any) -> Any:
    """YAML's bare dates as ISO text, as an applicant file writes them."""
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# ── the population ──────────────────────────────────────────────────────────────────────────


def generate(count: int, seed: int) -> Iterator[Document]:
    """`count` applicant documents, the five documents in turn; the same for the same seed."""
    rng = random.Random(seed)
    pool = bases()
    for index in range(count):
        document = DOCUMENTS[index % len(DOCUMENTS)][0]
        doc = _copy(rng.choice(pool[document]))
        yield vary(doc, document, rng, f"P{seed}-{index:07d}")


def sample(count: int, seed: int = 0) -> list[Document]:
    """A small population for a differential test: `generate(count, seed)` as a list. Even a
    few dozen cover every document and most variations (each is chosen often)."""
    return list(generate(count, seed))


def vary(doc: Document, document: str, rng: random.Random, applicant_id: str) -> Document:
    """A realistic variant of `doc` (modified in place and returned) with a new id."""
    applicant = doc["applicant"]
    applicant["applicant_id"] = applicant_id
    for probability, variation in _VARIATIONS:
        if rng.random() < probability:
            variation(applicant, document, rng)
    if rng.random() < 0.05:
        _shift_application_date(doc["context"], rng)
    if rng.randrange(_LARGE_SHARE) == 0:
        _grow_one_collection(applicant, rng, rng.randint(100, 400))
    return doc


def _resize_collections(applicant: Document, document: str, rng: random.Random) -> None:
    """Each collection with an id field 0.5–2.5× its size (at least one record kept)."""
    for name in _cloneable(applicant):
        records = applicant[name]
        target = max(1, round(len(records) * rng.uniform(0.5, 2.5)))
        applicant[name] = _resized(name, records, target, rng)


def _grow_one_collection(applicant: Document, rng: random.Random, target: int) -> None:
    names = _cloneable(applicant)
    if names:
        name = rng.choice(names)
        applicant[name] = _resized(name, applicant[name], target, rng)


def _cloneable(applicant: Document) -> list[str]:
    """Collections whose records can be cloned: non-empty, with a free-text id (not a year, as
    `bank_annual_pledge_stats`, nor an enum: one record per value)."""
    out = []
    for name in collection_names():
        spec = collection(name)
        if not applicant.get(name) or spec is None or spec.id_field is None:
            continue
        id_spec = record_field(name, spec.id_field)
        if id_spec is not None and id_spec.kind is FieldKind.STRING:
            out.append(name)
    return out


def _resized(name: str, records: list[Any], target: int, rng: random.Random) -> list[Any]:
    kept = records[:target]
    id_field = _id_field(name)
    for clone in range(len(kept), target):
        record = _copy(rng.choice(records))
        record[id_field] = f"{record[id_field]}-{clone}"
        # a new patent for each item; the position keeps numbers unique within the contract
        for position, item in enumerate(record.get("items", ())):
            item["ip_number"] = f"ZL2024{rng.randrange(10**5):05d}{position:02d}.X"
        _vary_record(name, record, rng)
        kept.append(record)
    return kept


def _id_field(name: str) -> str:
    spec = collection(name)
    assert spec is not None and spec.id_field is not None
    return spec.id_field


def _vary_record(name: str, record: Document, rng: random.Random) -> None:
    """A cloned record: its own amounts and dates, so clones are not all alike."""
    _scale_record_money(name, record, rng)
    _shift_record_dates(record, rng.randint(-40, 40))


def _scale_money(applicant: Document, document: str, rng: random.Random) -> None:
    """Every record's amounts (one factor per record) and the selection results' amounts. The
    applicant-level amounts with a legal range (国家 central funding) are left alone."""
    for name in collection_names():
        for record in applicant.get(name) or ():
            _scale_record_money(name, record, rng)
    for result in (applicant.get("selection_result") or {}).values():
        if "approved_amount" in result:
            result["approved_amount"] = _scaled(result["approved_amount"], rng)


def _scale_record_money(name: str, record: Document, rng: random.Random) -> None:
    factor = Decimal(str(round(rng.lognormvariate(0, 0.5), 4)))
    for path, block, key in _leaves(record):
        spec = _record_field(name, path)
        if spec is not None and spec.kind is FieldKind.MONEY:
            block[key] = _scaled(block[key], rng, factor)


def _scaled(amount: str, rng: random.Random, factor: Decimal | None = None) -> str:
    factor = factor if factor is not None else Decimal(str(round(rng.lognormvariate(0, 0.5), 4)))
    return str((Decimal(amount) * factor).quantize(_FEN, rounding=ROUND_HALF_UP))


def _leaves(block: Document, prefix: str = "") -> Iterator[tuple[str, Document, str]]:
    """(dotted field name, the dict holding it, its key) for each scalar in a record, through
    party groups and `items` (whose element index the dotted name leaves out)."""
    for key, value in list(block.items()):
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key != "reviewer_attestations":
            yield from _leaves(value, f"{path}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for element in value:
                yield from _leaves(element, f"{path}.")
        elif isinstance(value, str):
            yield path, block, key


def _shift_dates(applicant: Document, document: str, rng: random.Random) -> None:
    """Each record's dates moved together by up to 40 days, so a record may change years."""
    for name in collection_names():
        for record in applicant.get(name) or ():
            _shift_record_dates(record, rng.randint(-40, 40))


def _shift_record_dates(record: Document, days: int) -> None:
    for _, block, key in _leaves(record):
        if _DATE.fullmatch(block[key]):
            moved = datetime.date.fromisoformat(block[key]) + datetime.timedelta(days=days)
            block[key] = moved.isoformat()


def _move_regions(applicant: Document, document: str, rng: random.Random) -> None:
    """The applicant, or the parties of some records, to another district: mostly inside the
    document's jurisdiction, a third of the time outside it."""
    inside = _IN_REGIONS.get(document)
    if inside is None:  # the national notice's applicants are cities, not registered bodies
        return

    def region() -> str:
        return rng.choice(_OUT_REGIONS if rng.random() < 0.33 else inside)

    if rng.random() < 0.5 and "registered_region" in applicant:
        applicant["registered_region"] = region()
        if "operating_regions" in applicant:
            applicant["operating_regions"] = sorted({region() for _ in range(rng.randint(1, 3))})
        return
    for name in ("ip_contracts", "pledge_financings"):
        for record in applicant.get(name) or ():
            for party in ("transferor", "transferee", "borrower"):
                block = record.get(party)
                if isinstance(block, dict) and rng.random() < 0.3:
                    block["registered_region"] = region()


def _swap_profile(applicant: Document, document: str, rng: random.Random) -> None:
    """Legal form, kinds, size and ownership of another applicant of the same document."""
    donor = rng.choice(bases()[document])["applicant"]
    if donor.get("applicant_kind", "organisation") != applicant.get(
        "applicant_kind", "organisation"
    ):
        return
    for key in _PROFILE_KEYS:
        applicant.pop(key, None)
        if key in donor:
            applicant[key] = _copy(donor[key])


def _flip_flag(applicant: Document, document: str, rng: random.Random) -> None:
    present = [flag for flag in _FLAGS if isinstance(applicant.get(flag), bool)]
    if present:
        flag = rng.choice(present)
        applicant[flag] = not applicant[flag]


def _drop_collection(applicant: Document, document: str, rng: random.Random) -> None:
    """A collection left out: unknown, not empty, so what counts or excludes by it is undecided."""
    present = [name for name in collection_names() if name in applicant]
    if present:
        del applicant[rng.choice(present)]


def _drop_applicant_fact(applicant: Document, document: str, rng: random.Random) -> None:
    scalars = [
        key
        for key, value in applicant.items()
        if key not in _KEEP and not isinstance(value, list | dict)
    ]
    if scalars:
        del applicant[rng.choice(scalars)]


def _unattest(applicant: Document, document: str, rng: random.Random) -> None:
    """A reviewer finding not (yet) made, or made against the applicant."""
    findings = applicant.get("reviewer_attestations") or {}
    if findings:
        criterion = rng.choice(sorted(findings))
        if rng.random() < 0.6:
            del findings[criterion]
        else:
            findings[criterion]["value"] = not findings[criterion]["value"]


def _undecided_record(applicant: Document, document: str, rng: random.Random) -> None:
    """One record missing what decides whether it counts: its amount, its registration (pending,
    or not stated), or a fact a filter reads."""
    candidates = [
        (name, record) for name in collection_names() for record in applicant.get(name) or ()
    ]
    if not candidates:
        return
    name, record = rng.choice(candidates)
    choice = rng.randrange(3)
    if choice == 0:
        amounts = [
            key
            for key in record
            if (spec := _record_field(name, key)) is not None and spec.kind is FieldKind.MONEY
        ]
        if amounts:
            del record[rng.choice(amounts)]
            return
    if choice <= 1:
        for status, date in _REGISTRATIONS:
            if status in record:
                record.pop(date, None)
                if rng.random() < 0.5:
                    record[status] = "pending"
                else:
                    del record[status]
                return
    facts = [key for key in _RECORD_FACTS if key in record]
    if facts:
        del record[rng.choice(facts)]


def _shift_application_date(context: Document, rng: random.Random) -> None:
    """An application filed up to two months earlier or later: some land outside a document's
    validity window or deadline."""
    if "application_date" in context:
        filed = datetime.date.fromisoformat(context["application_date"])
        context["application_date"] = (filed + datetime.timedelta(rng.randint(-60, 60))).isoformat()


_Variation = Callable[[Document, str, random.Random], None]
# (probability, variation) in the order applied.
_VARIATIONS: tuple[tuple[float, _Variation], ...] = (
    (0.5, _resize_collections),
    (0.7, _scale_money),
    (0.5, _shift_dates),
    (0.3, _move_regions),
    (0.15, _swap_profile),
    (0.15, _flip_flag),
    (0.1, _drop_collection),
    (0.1, _drop_applicant_fact),
    (0.15, _unattest),
    (0.2, _undecided_record),
)


# ── one applicant with many records ─────────────────────────────────────────────────────────


def generate_large(records: int, seed: int = 0) -> Document:
    """A Beijing bank with `records` pledge records (up to the format's 10,000): borrowers of
    every size, mostly in Beijing, amounts from 0.3 to 60 million yuan over two years, a few
    pending or unstated registrations and absent amounts (undecided records)."""
    rng = random.Random(seed)
    example = ROOT / "examples" / "beijing" / "bank-over-300m.json"
    doc: Document = json.loads(example.read_text(encoding="utf-8"))
    applicant = doc["applicant"]
    applicant["applicant_id"] = f"BANK-{records}-{seed}"
    template = applicant["pledge_financings"][0]
    pledges = []
    for index in range(records):
        record = _copy(template)
        record["record_id"] = f"ZY-{index:05d}"
        borrower = record["borrower"]
        borrower["name"] = f"北京某科技企业{index}号有限公司"
        borrower["enterprise_size"] = rng.choice(("micro", "small", "small", "medium", "large"))
        borrower["registered_region"] = rng.choice((*_IN_REGIONS["beijing-2022"], "130102"))
        record["pledged_ip_types"] = rng.choice(
            (["invention_patent"], ["utility_model"], ["invention_patent", "trademark"])
        )
        amount = Decimal(str(round(rng.lognormvariate(15.2, 0.9), 2)))
        record["pledge_registered_amount"] = str(amount.quantize(_FEN, rounding=ROUND_HALF_UP))
        day = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(730))
        record["cnipa_pledge_registration_date"] = day.isoformat()
        roll = rng.random()
        if roll < 0.02:
            record["cnipa_pledge_registration_status"] = "pending"
            del record["cnipa_pledge_registration_date"]
        elif roll < 0.03:
            del record["pledge_registered_amount"]
        pledges.append(record)
    applicant["pledge_financings"] = pledges
    return doc


# ── command line ────────────────────────────────────────────────────────────────────────────


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="applicants (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--large", type=int, metavar="RECORDS", help="one bank with this many pledge records"
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a .jsonl file (one applicant a line), a .json file (--large) or a folder",
    )
    args = parser.parse_args(argv)
    if args.large is not None:
        docs: Iterator[Document] = iter([generate_large(args.large, args.seed)])
    else:
        docs = generate(args.count, args.seed)
    if args.out.suffix == ".jsonl":
        with args.out.open("w", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    elif args.out.suffix == ".json":
        args.out.write_text(json.dumps(next(docs), ensure_ascii=False, indent=2), "utf-8")
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            name = f"{doc['applicant']['applicant_id']}.json"
            (args.out / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
