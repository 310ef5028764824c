"""Policy-text fuzzing (issue #6): mutants of the shipped policies either compile or are refused
with diagnostics that each name file:line:column; a mutant that compiles decides its document's
examples without any exception but the documented input errors.

The mutations are those of the reliability review's harness (reviews/2026-12/reliability-harness/
fuzz_policy.py): line and token edits, random and invalid UTF-8 bytes, truncation, CJK and
control characters, numbers and identifiers, bad conditions, cycles in shared conditions, deep
nesting and long sums. Bounded for the normal test run (FUZZ_EXAMPLES, default 25, derandomized);
`make fuzz` runs the folder with thousands of examples.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.compiler import compile_text
from eligibility.diagnostics import DiagnosticError, render_all
from eligibility.evaluate import InterpretationError, decide
from eligibility.facts.model import ApplicantFacts
from eligibility.render import text as text_render
from eligibility.render.json import decision_json, dumps
from eligibility.syntax.source import decode_policy
from tests.support import REPO, load_example

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
LONG_RUN = "FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG_RUN,  # the normal run is the same every time
    database=None if not LONG_RUN else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
POLICIES = {
    "chongqing-2024": "chongqing",
    "yubei-2024": "yubei",
    "national-2019": "national",
    "shanghai-2022": "shanghai",
    "beijing-2022": "beijing",
}
FILE = "fuzz.policy"
TOKEN = re.compile(r'"[^"\n]*"|\[[^\]\n]*\]|\S+')
EDGE_TEXT = [
    "\u3000", "\ufeff", "\u200b", "\u2028", "\u0301", "𠀀", "😀", "〔", "（", "：", "“", "，",
    "\uff02", "\uff3b", "％", "＝", "万元", "以上", "不超过", "\r", "\t", "\x00", "\x0b", "\x1b",
    "#", '"', "[", "]", "{", "}", "@", "\\", "\u00a0", "Ａ",
]  # fmt: skip
KEYWORDS = [
    "policy", "document", "in", "force", "from", "until", "applicant", "jurisdiction", "values",
    "conditions", "interpretation", "default", "records", "programme", "requires", "excluded",
    "when", "all", "any", "none", "some", "every", "is", "not", "within", "attested", "selected",
    "exists", "stated", "amount", "let", "award", "at", "most", "pool", "count", "distinct",
    "where", "sum", "if", "then", "else", "year", "min", "max", "true", "false", ">=", "=", "×",
    "+", "-", "(", ")", "{", "}", "[", "]", ":", ",", ".", "@", "以上", "不超过", "0", "-1",
    "99999999999999999999999999999999", "0.000001", "2024-02-30", "100%", "1000%", "亿元",
]  # fmt: skip
NUMBERS = ["0", "1" + "0" * 40, "9" * 400, "0.000000001", "1.5", "00", "4294967296", "999999999999"]
CONDITIONS = [
    "nonexistent_field is true", "credit_good >= 5", "name within 500000",
    "registered_contract_amount is true", "count(ip_contracts) >= 3 人", "applicant_id in {a, b}",
    "year(credit_good) = 2024", "some operating_regions within 999999", "stated stated",
    "interpretation nope is yes", "attested Bad-Id", "exists nonexistent_set",
    "assessment_year = 2024-01-01",
]  # fmt: skip


@cache
def source(name: str) -> str:
    return (REPO / "policies" / f"{name}.policy").read_text(encoding="utf-8")


@cache
def examples(name: str) -> tuple[ApplicantFacts, ...]:
    paths = sorted((REPO / "examples" / POLICIES[name]).glob("*.json"))[:2]
    return tuple(load_example(path) for path in paths)


# ── mutations: each takes the text and hypothesis' `data`, returns text or bytes ──────────────


def _line_edit(text: str, data: Any) -> str:
    lines = text.split("\n")
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1))
    match data.draw(st.sampled_from(["delete", "duplicate", "swap"])):
        case "delete":
            del lines[i]
        case "duplicate":
            lines.insert(i, lines[i])
        case _:
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _token_edit(text: str, data: Any) -> str:
    spans = [m.span() for m in TOKEN.finditer(text)]
    k = data.draw(st.integers(0, len(spans) - 2))
    (a0, a1), (b0, b1) = spans[k], spans[k + 1]
    match data.draw(st.sampled_from(["swap", "delete", "replace"])):
        case "swap":
            return text[:a0] + text[b0:b1] + text[a1:b0] + text[a0:a1] + text[b1:]
        case "delete":
            return text[:a0] + text[a1:]
        case _:
            new = data.draw(st.sampled_from(KEYWORDS) | st.sampled_from(TOKEN.findall(text)[:500]))
            return text[:a0] + new + text[a1:]


def _insert(text: str, data: Any) -> str:
    at = data.draw(st.integers(0, len(text)))
    return text[:at] + data.draw(st.sampled_from(EDGE_TEXT)) + text[at:]


def _random_bytes(text: str, data: Any) -> bytes:
    raw = bytearray(text.encode())
    for _ in range(data.draw(st.integers(1, 3))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    return bytes(raw)


def _invalid_utf8(text: str, data: Any) -> bytes:
    raw = text.encode()
    at = data.draw(st.integers(0, len(raw)))
    bad = data.draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xe4\xb8", b"\xed\xa0\x80", b"\x80"]))
    return raw[:at] + bad + raw[at:]


def _truncate(text: str, data: Any) -> str:
    return text[: data.draw(st.integers(0, len(text)))]


def _long_label(text: str, data: Any) -> str:
    labels = list(re.finditer(r'"[^"\n]*"', text))
    m = labels[data.draw(st.integers(0, len(labels) - 1))]
    return text[: m.start()] + '"' + "长" * 10_000 + '"' + text[m.end() :]


def _number(text: str, data: Any) -> str:
    numbers = list(re.finditer(r"\b[0-9]+(\.[0-9]+)?\b(?!-)", text))
    m = numbers[data.draw(st.integers(0, len(numbers) - 1))]
    return text[: m.start()] + data.draw(st.sampled_from(NUMBERS)) + text[m.end() :]


def _identifier(text: str, data: Any) -> str:
    names = list(re.finditer(r"\b[a-z_][a-z0-9_]*\b", text))
    m = names[data.draw(st.integers(0, len(names) - 1))]
    new = data.draw(
        st.sampled_from([m.group() + "x", "x" * 300, "unknown_field", m.group().upper(), "year"])
    )
    return text[: m.start()] + new + text[m.end() :]


def _condition(text: str, data: Any) -> str:
    leaves = list(re.finditer(r"^(\s+\"[^\"]*\":\s*)(\S.*)$", text, re.MULTILINE))
    m = leaves[data.draw(st.integers(0, len(leaves) - 1))]
    return text[: m.start(2)] + data.draw(st.sampled_from(CONDITIONS)) + text[m.end(2) :]


def _before_first_requires(text: str, block: str, use: str) -> str:
    first = re.search(r"^  requires ", text, re.MULTILINE)
    assert first is not None
    head = text.rfind("\nprogramme ", 0, first.start()) + 1
    return text[:head] + block + text[head : first.start()] + f"  requires {use}\n" + text[first.start() :]  # fmt: skip


def _shared_cycle(text: str, data: Any) -> str:
    target = (re.findall(r"^conditions (\w+) =", text, re.MULTILINE) or ["fz_x"])[0]
    block = data.draw(
        st.sampled_from([
            'conditions fz_a =\n  all "a" [第一条] { @fz_a }\n\n',
            'conditions fz_a =\n  all "a" [第一条] { @fz_b }\nconditions fz_b =\n  any "b" [第一条] { @fz_a }\n\n',
            f"conditions fz_a = @{target}\n\n",
            "conditions fz_a = @fz_b\nconditions fz_b = @fz_a\n\n",
        ])
    )  # fmt: skip
    return _before_first_requires(text, block, data.draw(st.sampled_from(["@fz_a", "@fz_b"])))


def _deep_groups(text: str, data: Any) -> str:
    depth = data.draw(st.sampled_from([2, 99, 100, 101, 1000, 5000]))
    node = '"信用良好": credit_good is true'
    for level in range(depth):
        node = f'all "g{level}" [第一条] {{ {node} }}'
    return _before_first_requires(text, "", node)


def _long_sum(text: str, data: Any) -> str:
    terms = data.draw(st.sampled_from([2, 101, 102, 1000]))
    total = " + ".join(["1笔"] * terms)
    return _before_first_requires(text, "", f'"很多": {total} >= 1笔 [第一条]')


def _line_endings(text: str, data: Any) -> str:
    match data.draw(st.sampled_from(["crlf", "cr", "tabs", "nbsp", "bom"])):
        case "crlf":
            return text.replace("\n", "\r\n")
        case "cr":
            return text.replace("\n", "\r")
        case "tabs":
            return text.replace("  ", "\t")
        case "nbsp":
            return text.replace(" ", "\u00a0", 3)
        case _:
            return "\ufeff" + text


MUTATIONS = [
    _line_edit, _token_edit, _insert, _random_bytes, _invalid_utf8, _truncate, _long_label,
    _number, _identifier, _condition, _shared_cycle, _deep_groups, _long_sum, _line_endings,
]  # fmt: skip


# ── the properties ───────────────────────────────────────────────────────────────────────────


def compile_mutant(mutant: str | bytes) -> Any:
    """The compiled mutant, or None when it is refused with well-placed diagnostics."""
    raw = mutant if isinstance(mutant, bytes) else mutant.encode("utf-8", "surrogatepass")
    try:
        return compile_text(decode_policy(raw, FILE), FILE)
    except DiagnosticError as error:
        assert error.diagnostics  # noqa: PT017 - a fuzz oracle, not a test of one input
        shown = error.sources[FILE]
        for diagnostic in error.diagnostics:
            span = diagnostic.span
            assert span.file == FILE
            assert 1 <= span.line <= shown.count("\n") + 2, diagnostic
            assert span.column >= 1, diagnostic
        rendered = render_all(error)
        assert f"--> {FILE}:" in rendered and "^" in rendered
        return None


def evaluate(compiled: Any, name: str) -> None:
    for facts in examples(name):
        try:
            decision = decide((compiled,), facts)
        except InterpretationError:  # exit 2: the file asks for a reading the mutant lacks
            continue
        dumps(decision_json(decision))
        text_render.plain(text_render.explain_lines(decision))


@FUZZ
@given(
    name=st.sampled_from(sorted(POLICIES)),
    mutation=st.sampled_from(MUTATIONS),
    data=st.data(),
)
def test_mutants_compile_or_get_located_diagnostics(name: str, mutation: Any, data: Any) -> None:
    compiled = compile_mutant(mutation(source(name), data))
    if compiled is not None:
        evaluate(compiled, name)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 3))
@given(
    name=st.sampled_from(sorted(POLICIES)),
    first=st.sampled_from(MUTATIONS),
    second=st.sampled_from(MUTATIONS),
    data=st.data(),
)
def test_two_mutations_in_a_row(name: str, first: Any, second: Any, data: Any) -> None:
    mutant = first(source(name), data)
    if isinstance(mutant, bytes):
        mutant = mutant.decode("utf-8", "replace")
    compiled = compile_mutant(second(mutant, data))
    if compiled is not None:
        evaluate(compiled, name)


def test_every_shipped_policy_compiles_and_decides_unmutated() -> None:
    for name in POLICIES:
        compiled = compile_mutant(source(name))
        assert compiled is not None, name
        evaluate(compiled, name)
