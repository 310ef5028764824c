"""The `rounds:` of a policy's test file → `RoundCase`s: funding rounds over the file's cases,
each problem reported at its file:line:column (docs/policy-tests.md, "Funding rounds").

A round names the cases whose applicants apply together. `copies: N` stands for N applicants
with one case's facts, each another enterprise: its applicant id, its name and the names of
its records' parties are numbered (`CQ-A` → `CQ-A-01`, `重庆某公司` → `重庆某公司（01）`), and
its record ids too, so that no two copies file the same record. A pool of 500万元 shared by
applicants capped at 50万元 each needs eleven of them; the copies say so in one line, and
the round checks that every copy is decided as its case is.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eligibility.facts.model import ApplicantFacts
from eligibility.facts.validate import validate_document
from eligibility.policytests.model import AwardExpectation, PolicyCase, PoolExpectation, RoundCase
from eligibility.policytests.source import Location, Mapping, Sequence
from eligibility.round.from_decisions import pool_specs

if TYPE_CHECKING:
    from eligibility.policytests.load import _Reader


class RoundReader:
    """Reads `rounds:` with the case reader's helpers (blocks, money, problems)."""

    def __init__(
        self, cases: _Reader, by_name: dict[str, PolicyCase], lines: dict[str, int]
    ) -> None:
        self.cases, self.by_name, self.lines = cases, by_name, lines
        self.pooled = [spec.programme_id for spec in pool_specs(cases.policy)]

    def rounds(self, value: Any, where: Location) -> tuple[RoundCase, ...]:
        from eligibility.policytests.load import ROUND_KEYS

        if not isinstance(value, Sequence) or not value:
            self.cases.problem(where, "`rounds:` must be a list of rounds, each `- name: …`")
            return ()
        out: list[RoundCase] = []
        names: dict[str, int] = {}
        for index, (item, at) in enumerate(zip(value, value.at, strict=True), 1):
            block = self.cases.block(item, at, f"round {index}", ROUND_KEYS)
            loaded = self.round(block, index, names)
            if loaded:
                out.append(loaded)
        return tuple(out)

    def round(self, block: Mapping, index: int, names: dict[str, int]) -> RoundCase | None:
        from eligibility.policytests.load import _suggest

        name = block.get("name")
        if not isinstance(name, str) or not name.strip():
            self.cases.problem(block.at.get("name", block.where), f"round {index} needs a `name:`")
            return None
        what = f"round {name!r}"
        if name in names or name in self.lines:
            self.cases.problem(
                block.at["name"],
                f"{what}: a case or round has this name already "
                f"(line {names.get(name) or self.lines[name]}): names must be unique",
            )
        names[name] = block.at["name"].line
        description = block.get("description", "")
        if not isinstance(description, str):
            self.cases.problem(block.at["description"], f"{what}: `description` must be a text")
        members = self.members(block, what)
        available = self.available(block, what)
        switches = self.switches(block, what)
        if members is None or available is None or switches is None:
            return None
        applicants, copies_of = members
        ids = [a.applicant_id for a in applicants]
        expected = self.expected(block, what, ids, _suggest)
        if expected is None:
            return None
        pools, awards, issues = expected
        return RoundCase(
            self.cases.suite_name, name, str(description), applicants, copies_of,
            available, switches, pools, awards, issues, block.at["name"],
        )  # fmt: skip

    # ── the applicants ─────────────────────────────────────────────────────────────────────

    def members(
        self, block: Mapping, what: str
    ) -> tuple[tuple[ApplicantFacts, ...], tuple[tuple[str, str], ...]] | None:
        from eligibility.policytests.load import MAX_COPIES, MEMBER_KEYS, _suggest

        listed = block.get("applicants")
        if not isinstance(listed, Sequence) or not listed:
            self.cases.problem(
                block.at.get("applicants", block.where),
                f"{what} needs `applicants:`, a list of case names (or `case: …` with `copies: N`)",
            )
            return None
        applicants: list[ApplicantFacts] = []
        copies_of: list[tuple[str, str]] = []
        ok = True
        for item, at in zip(listed, listed.at, strict=True):
            member = Mapping(at)
            if isinstance(item, str):
                member.put("case", item, at)
            else:
                member = self.cases.block(item, at, f"{what}, an applicant", MEMBER_KEYS)
            case = member.get("case")
            copies = member.get("copies", 1)
            if not isinstance(case, str) or case not in self.by_name:
                shown = f"`{case}`" if isinstance(case, str) else "(no `case:`)"
                self.cases.problem(
                    member.at.get("case", at),
                    f"{what}: {shown} is not a valid case of this file"
                    f"{_suggest(str(case), self.by_name)}",
                )
                ok = False
                continue
            if (
                isinstance(copies, bool)
                or not isinstance(copies, int)
                or not 1 <= copies <= MAX_COPIES
            ):
                self.cases.problem(
                    member.at.get("copies", at),
                    f"{what}: `copies` must be a whole number from 1 to {MAX_COPIES}",
                )
                ok = False
                continue
            if "copies" not in member:
                applicants.append(self.by_name[case].applicant)
                continue
            for k in range(1, copies + 1):
                facts = self.copy(case, f"{k:0{len(str(copies))}d}", at, what)
                if facts is None:
                    ok = False
                    break
                applicants.append(facts)
                copies_of.append((facts.applicant_id, case))
        return (tuple(applicants), tuple(copies_of)) if ok else None

    def copy(self, case: str, k: str, where: Location, what: str) -> ApplicantFacts | None:
        from eligibility.policytests.load import document_sha

        data = numbered(self.cases.documents[case], k)
        result = validate_document(data, document_sha(data))
        if isinstance(result, ApplicantFacts):
            return result
        reasons = "; ".join(f"{e.path}: {e.message}" for e in result[:3])
        self.cases.problem(
            where, f"{what}: copy {k} of `{case}` is not a valid applicant: {reasons}"
        )
        return None

    # ── money, switches, expectations ──────────────────────────────────────────────────────

    def table(self, value: Any, where: Location, what: str) -> Mapping:
        """A block whose keys are names (programmes, applicants): any key is allowed."""
        if isinstance(value, Mapping):
            return value
        self.cases.problem(where, f"{what} must be a block of `name: value` lines")
        return Mapping(where)

    def available(self, block: Mapping, what: str) -> tuple[tuple[str, Decimal], ...] | None:
        given = block.get("available")
        if given is None:
            return ()
        money = self.table(given, block.at["available"], f"{what}, `available`")
        out = []
        for programme in money:
            if not self.pool(programme, money.key_at[programme], what):
                return None
            amount = self.cases.money(money, programme, f"{what}, `available`")
            if amount is None:
                return None
            out.append((programme, amount))
        return tuple(sorted(out))

    def pool(self, programme: str, where: Location, what: str) -> bool:
        from eligibility.policytests.load import _suggest

        if programme in self.pooled:
            return True
        self.cases.problem(
            where,
            f"{what}: `{programme}` is no programme with a pool in this policy"
            f"{_suggest(programme, self.pooled)} (pools: {', '.join(self.pooled) or 'none'})",
        )
        return False

    def switches(self, block: Mapping, what: str) -> tuple[tuple[str, str], ...] | None:
        given = block.get("switches")
        if given is None:
            return ()
        if not isinstance(given, Mapping) or not all(isinstance(v, str) for v in given.values()):
            self.cases.problem(
                block.at["switches"], f"{what}: `switches` must be `name: value` lines of text"
            )
            return None
        return tuple(sorted((str(k), str(v)) for k, v in given.items()))

    def expected(
        self, block: Mapping, what: str, ids: list[str], suggest: Any
    ) -> (
        tuple[tuple[PoolExpectation, ...], tuple[AwardExpectation, ...], tuple[str, ...] | None]
        | None
    ):
        from eligibility.policytests.load import POOL_EXPECT_KEYS, POOL_STATUSES, ROUND_EXPECT_KEYS

        expect = self.cases.block(
            block.get("expect"), block.at.get("expect", block.where), f"{what}, `expect`",
            ROUND_EXPECT_KEYS,
        )  # fmt: skip
        if not expect:
            self.cases.problem(
                expect.where, f"{what} needs `expect:` with `pools:`, `awards:` or `issues:`"
            )
            return None
        pools: list[PoolExpectation] = []
        given = expect.get("pools")
        if given is not None:
            table = self.table(given, expect.at["pools"], f"{what}, `pools`")
            for programme, value in table.items():
                at = table.at[programme]
                if not self.pool(programme, table.key_at[programme], what):
                    return None
                one = self.cases.block(value, at, f"{what}, pool `{programme}`", POOL_EXPECT_KEYS)
                status = one.get("status")
                if status is not None and status not in POOL_STATUSES:
                    self.cases.problem(
                        one.at["status"],
                        f"{what}, pool `{programme}`: `status` is {status!r}; write one of "
                        f"{', '.join(POOL_STATUSES)}",
                    )
                    return None
                shown = f"{what}, pool `{programme}`"
                pools.append(
                    PoolExpectation(
                        programme,
                        status,
                        self.cases.money(one, "requested", shown),
                        self.cases.money(one, "allocated", shown),
                        at,
                    )
                )
        awards: list[AwardExpectation] = []
        given = expect.get("awards")
        if given is not None:
            table = self.table(given, expect.at["awards"], f"{what}, `awards`")
            for applicant_id, value in table.items():
                if applicant_id not in ids:
                    self.cases.problem(
                        table.key_at[applicant_id],
                        f"{what}: `{applicant_id}` is not an applicant of this round"
                        f"{suggest(applicant_id, ids)}",
                    )
                    return None
                shares = self.table(value, table.at[applicant_id], f"{what}, `{applicant_id}`")
                for programme in shares:
                    if not self.pool(programme, shares.key_at[programme], what):
                        return None
                    share = self.cases.money(shares, programme, f"{what}, `{applicant_id}`")
                    if share is None:
                        return None
                    at = shares.at[programme]
                    awards.append(AwardExpectation(applicant_id, programme, share, at))
        issues = self.cases.texts(expect, "issues", what)
        return tuple(pools), tuple(awards), issues


def numbered(document: dict[str, Any], k: str) -> dict[str, Any]:
    """Copy `k` ("01" … "11": as wide as the number of copies, so that ids sort as numbers) of
    a case's applicant file: another enterprise with the same facts. Its id, its name, its
    records' ids and the names of its records' parties are numbered, consistently (a party
    named as the applicant is still named as the applicant)."""
    data = copy.deepcopy(document)
    applicant = data["applicant"]
    applicant["applicant_id"] = f"{applicant['applicant_id']}-{k}"
    if isinstance(applicant.get("name"), str):
        applicant["name"] = f"{applicant['name']}（{k}）"
    for value in applicant.values():
        if isinstance(value, list):
            for record in value:
                if isinstance(record, dict):
                    _number_record(record, k)
    return data


def _number_record(record: dict[str, Any], k: str) -> None:
    if isinstance(record.get("record_id"), str):
        record["record_id"] = f"{record['record_id']}-{k}"
    for value in record.values():
        parties = value if isinstance(value, list) else [value]
        for party in parties:
            if isinstance(party, dict) and isinstance(party.get("name"), str):
                party["name"] = f"{party['name']}（{k}）"
