"""A policy's test file (`policies/<name>.tests.yaml`) → `Suite`: every case validated, or every
problem found, each at its file:line:column. The format is described in docs/policy-tests.md.

Each case's applicant is `defaults.applicant` with the case's `applicant` laid over it (mappings
merged key by key, lists replaced), minus the fields listed under `unknown:`. It then goes
through the same validator as an applicant file (`facts.validate`), so a case can say nothing
an applicant file could not, and the validator's messages are reported where the value was
written in the YAML.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from eligibility.decision.proof import Outcome
from eligibility.facts import vocabulary
from eligibility.facts.model import ApplicantFacts, InputError
from eligibility.facts.validate import validate_document
from eligibility.facts.vocabulary import FORMAT_VERSION
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import citation_prefix
from eligibility.policytests.model import OUTCOMES, Expectation, PolicyCase, Suite
from eligibility.policytests.source import (
    Location,
    Mapping,
    Problem,
    Sequence,
    locate,
    merge,
    parse,
    plain,
)  # fmt: skip

TOP_KEYS = ("defaults", "templates", "binding_articles", "cases")
DEFAULT_KEYS = ("context", "applicant")
CASE_KEYS = ("name", "description", "context", "applicant", "unknown", "expect")
EXPECT_KEYS = ("outcome", "amount", "max_amount", "missing", "citations", "because")
_MONEY = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


def suite_name(tests_file: Path) -> str:
    """`policies/chongqing-2024.tests.yaml` → `chongqing-2024`."""
    return tests_file.name.removesuffix(".yaml").removesuffix(".tests")


def full_citation(text: str, document: str) -> str:
    """A citation as the policy writes it: `第十三条` → `渝知发〔2024〕22号 第十三条`.

    Every citation of a policy starts with its document number, so any text not starting with
    it is taken as an article of it. ASCII parentheses become full-width ones, with no space
    before them: `第九条 (二)`, `渝知发〔2024〕22号第九条（二）` and `渝知发〔2024〕22号 第九条（二）`
    are the same citation.
    """
    text = text.strip()
    article = text.removeprefix(document)
    article = " ".join(article.split()).replace("(", "（").replace(")", "）")
    article = re.sub(r"\s+([（）])", r"\1", article)
    return citation_prefix(document) + article if article else document


def load_suite(tests_file: Path, policy_file: Path, policy: ir.Policy, display: str) -> Suite:
    """Read and check the test file of `policy`. Never raises for a bad file."""
    try:
        text = tests_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem(Location(display, 1, 1), f"cannot read the test file: {error}")
        return Suite(
            suite_name(tests_file), display, policy_file, policy.document_number, (), (), (problem,)
        )
    root, problems = parse(text, display)
    reader = _Reader(suite_name(tests_file), display, policy, problems)
    # the cases' applicants are read against the facts the policy declares
    with vocabulary.using(vocabulary.for_policies([policy.vocabulary])):
        cases = reader.suite(root)
    return Suite(
        reader.suite_name,
        display,
        policy_file,
        policy.document_number,
        cases,
        reader.binding,
        tuple(reader.problems),
    )


class _Reader:
    def __init__(
        self, name: str, display: str, policy: ir.Policy, problems: tuple[Problem, ...]
    ) -> None:
        self.suite_name, self.display, self.policy = name, display, policy
        self.problems = list(problems)
        self.reported = {p.where for p in problems}  # a refused float is not reported twice
        self.binding: tuple[str, ...] = ()
        self.programmes = [p.programme_id for p in policy.programmes]

    def problem(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message))

    # ── structure ──────────────────────────────────────────────────────────────────────────

    def block(self, value: Any, where: Location, what: str, keys: tuple[str, ...]) -> Mapping:
        """`value` as a mapping with only `keys`; an empty one (and a problem) otherwise."""
        if not isinstance(value, Mapping):
            if value is not None or where not in self.reported:
                self.problem(where, f"{what} must be a block of `name: value` lines")
            return Mapping(where)
        for key in value:
            if key not in keys:
                self.problem(
                    value.key_at[key],
                    f"unknown key `{key}` in {what}{_suggest(key, keys)}"
                    f"; allowed here: {', '.join(keys)}",
                )
        return value

    def texts(self, block: Mapping, key: str, what: str) -> tuple[str, ...] | None:
        """A list of texts (a single text is a list of one); None when absent or wrong."""
        value = block.get(key)
        if value is None:
            return None
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self.problem(block.at[key], f"`{key}` in {what} must be a list of texts")
            return None
        return tuple(items)

    def suite(self, root: Any) -> tuple[PolicyCase, ...]:
        where = Location(self.display, 1, 1)
        if root is None and not self.problems:
            self.problem(where, "the test file is empty: it needs a `cases:` list")
        if root is None:
            return ()
        top = self.block(root, where, "the test file", TOP_KEYS)
        defaults = self.block(
            top.get("defaults", Mapping(where)),
            top.at.get("defaults", where),
            "`defaults`",
            DEFAULT_KEYS,
        )
        cited = self.texts(top, "binding_articles", "the test file") or ()
        self.binding = tuple(full_citation(c, self.policy.document_number) for c in cited)
        cases = top.get("cases")
        if not isinstance(cases, Sequence) or not cases:
            self.problem(
                top.at.get("cases", top.where),
                "`cases:` must be a list of cases, each starting with `- name: …`",
            )
            return ()
        out: list[PolicyCase] = []
        names: dict[str, int] = {}
        for index, (case, at) in enumerate(zip(cases, cases.at, strict=True), 1):
            loaded = self.case(case, at, index, defaults, names)
            if loaded:
                out.append(loaded)
        return tuple(out)

    # ── one case ───────────────────────────────────────────────────────────────────────────

    def case(
        self, value: Any, where: Location, index: int, defaults: Mapping, names: dict[str, int]
    ) -> PolicyCase | None:
        block = self.block(value, where, f"case {index}", CASE_KEYS)
        name = block.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem(block.at.get("name", where), f"case {index} needs a `name:` (a text)")
            return None
        what = f"case {name!r}"
        if name in names:
            self.problem(
                block.at["name"],
                f"{what}: another case has this name (line {names[name]}): names must be unique",
            )
        names[name] = block.at["name"].line
        description = block.get("description", "")
        if not isinstance(description, str):
            self.problem(block.at["description"], f"{what}: `description` must be a text")
        expectations = self.expectations(block, what)
        applicant = self.applicant(block, defaults, index, what)
        if applicant is None or expectations is None:
            return None
        return PolicyCase(
            self.suite_name, name, str(description), applicant, expectations, block.at["name"]
        )

    def applicant(
        self, block: Mapping, defaults: Mapping, index: int, what: str
    ) -> ApplicantFacts | None:
        doc = Mapping(block.where)
        doc.put("schema", FORMAT_VERSION, block.where)
        for part in DEFAULT_KEYS:
            merged = Mapping(block.at.get(part, block.where))
            for layer in (self.layer(defaults, part), self.layer(block, part)):
                merged = merge(merged, layer) if layer is not None else merged
            doc.put(part, merged, merged.where)
        body = doc["applicant"]
        if "applicant_id" not in body:
            body.put("applicant_id", f"case-{index}", block.where)
        for field in self.texts(block, "unknown", what) or ():
            if not _remove(body, field):
                self.problem(
                    block.at["unknown"],
                    f"{what}: `unknown: {field}` names no field "
                    f"given by `defaults:` or by the case",
                )
        return self.validate(doc, what)

    def layer(self, block: Mapping, part: str) -> Mapping | None:
        value = block.get(part)
        if value is None or isinstance(value, Mapping):
            return value
        self.problem(block.at[part], f"`{part}` must be a block of `name: value` lines")
        return None

    def validate(self, doc: Mapping, what: str) -> ApplicantFacts | None:
        data = plain(doc)
        sha = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode())
        result = validate_document(data, sha.hexdigest())
        if isinstance(result, ApplicantFacts):
            return self.readings_ok(result, doc, what)
        for error in result:
            where, value = locate(doc, error.path, doc.where)
            if where not in self.reported:
                self.problem(
                    where,
                    f"{what}: {_shown_path(error)}: {error.message}{_yaml_hint(error, value)}",
                )
        return None

    def readings_ok(
        self, applicant: ApplicantFacts, doc: Mapping, what: str
    ) -> ApplicantFacts | None:
        """The applicant, if every interpretation it names is one the policy offers."""
        from eligibility.evaluate import InterpretationError, interpretations_in_force

        try:
            interpretations_in_force(self.policy, applicant)
        except InterpretationError as error:
            path, _, message = str(error).partition(": ")
            where, _ = locate(doc, path, doc.where)
            self.problem(where, f"{what}: {path.removeprefix('$.')}: {message}")
            return None
        return applicant

    # ── expectations ───────────────────────────────────────────────────────────────────────

    def expectations(self, block: Mapping, what: str) -> tuple[Expectation, ...] | None:
        expect = block.get("expect")
        if not isinstance(expect, Mapping) or not expect:
            self.problem(
                block.at.get("expect", block.where),
                f"{what} needs `expect:` with at least one programme, e.g. "
                f"`{self.programmes[0] if self.programmes else 'programme_id'}:` "
                f"then `outcome: qualifies`",
            )
            return None
        out = []
        for programme, value in expect.items():
            if programme not in self.programmes:
                self.problem(
                    expect.key_at[programme],
                    f"{what}: `{programme}` is not a programme "
                    f"of {self.policy.source_file}"
                    f"{_suggest(programme, self.programmes)}",
                )
                continue
            one = self.expectation(programme, value, expect.at[programme], what)
            if one:
                out.append(one)
        return tuple(out) if len(out) == len(expect) else None

    def expectation(
        self, programme: str, value: Any, where: Location, what: str
    ) -> Expectation | None:
        block = self.block(value, where, f"{what}, `{programme}`", EXPECT_KEYS)
        outcome = block.get("outcome")
        if outcome not in OUTCOMES:
            shown = "is missing" if outcome is None else f"is {outcome!r}"
            self.problem(
                block.at.get("outcome", where),
                f"{what}, `{programme}`: `outcome` {shown}; write one of {', '.join(OUTCOMES)}",
            )
            return None
        cite = self.policy.document_number
        citations = tuple(
            full_citation(c, cite) for c in self.texts(block, "citations", what) or ()
        )
        because = tuple(full_citation(c, cite) for c in self.texts(block, "because", what) or ())
        return Expectation(
            programme, _outcome(outcome), self.money(block, "amount", what),
            self.money(block, "max_amount", what), self.texts(block, "missing", what),
            citations, because, where,
        )  # fmt: skip

    def money(self, block: Mapping, key: str, what: str) -> Decimal | None:
        if key not in block or (block[key] is None and block.at[key] in self.reported):
            return None
        value = block[key]
        if isinstance(value, str) and _MONEY.fullmatch(value.strip()):
            return Decimal(value.strip())
        shown = f'"{value}"' if isinstance(value, str) else "(empty)" if value is None else value
        self.problem(
            block.at[key],
            f"{what}: `{key}` {shown} is not an amount of money: write "
            f'yuan in quotes with at most two decimals, e.g. "8000.00"',
        )
        return None


def _outcome(value: str) -> Outcome:
    return next(o for o in OUTCOMES if o == value)


def _remove(body: Mapping, dotted: str) -> bool:
    *parents, last = dotted.split(".")
    block: Any = body
    for name in parents:
        block = block.get(name) if isinstance(block, Mapping) else None
    if not isinstance(block, Mapping) or last not in block:
        return False
    block.drop(last)
    return True


def _suggest(word: str, known: Any) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _shown_path(error: InputError) -> str:
    return error.path.removeprefix("$.") if error.path != "$" else "the case"


def _yaml_hint(error: InputError, value: Any) -> str:
    if value is None and error.code == "V-TYPE":
        return " (to make a fact from `defaults:` unknown in one case, list it under `unknown:`)"
    if isinstance(value, bool):
        return (
            ""
            if "true or false" in error.message
            else " (YAML reads yes/no/on/off/true/false as true or false: quote it if it is text)"
        )
    wants_text = error.code in ("V-MONEY-FMT", "V-REGION", "V-ENUM", "V-DATE") or (
        error.code == "V-TYPE" and "string" in error.message
    )
    if isinstance(value, int) and wants_text:
        return f' (YAML reads {value} as a number: write it in quotes, "{value}")'
    return ""
