"""Applicant-file fuzzing: hostile variants of every example, through the real `check` command.

Each case takes a file from examples/ (or the facts test data), applies one to three
structure-aware mutations (wrong types, extreme numbers such as 1e400, NaN or 10^30 fen, bad and
edge dates, repeated keys, unknown keys, deep nesting, hostile strings with control and bidi
characters, oversized lists) and sometimes a byte-level one (BOM, UTF-16, invalid UTF-8,
truncation), then runs `eligibility.commands.check_main` in process with stdout and stderr
captured. The oracle, from the reliability review (2026-12, "What the project should add" 1):

- nothing escapes `check_main` (no exception: that would be exit 4, "internal error");
- the exit code is 0 or 2, and 0 only for a file the published schema accepts;
- a mutation that must be refused (a repeated key, a malformed amount or date, nesting deeper
  than the format allows, an amount of 10^15 yuan or more) gives exit 2;
- every error's JSON path resolves in the document (or its last step is the missing key);
- no control, format, separator or surrogate character reaches the text output;
- no case takes longer than `CASE_SECONDS`.

The number of cases is `ELIGIBILITY_FUZZ_EXAMPLES` (default 52: two per example file, about
15-30 s on a shared machine), shared out among the example files; a long campaign sets it higher
(`ELIGIBILITY_FUZZ_EXAMPLES=5000 pytest tests/fuzz`).
Each crash found this way becomes a regression test in tests/unit/facts/.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import io
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from eligibility.commands import check_main
from eligibility.facts.paths import quote

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "examples").glob("*/*.json")) + sorted(
    (ROOT / "tests" / "unit" / "facts" / "data").glob("*.json")
)
SCHEMA = Draft202012Validator(
    json.loads((ROOT / "eligibility" / "schema" / "applicant.schema.json").read_text("utf-8")),
    format_checker=FormatChecker(),
)
EXAMPLES = int(os.environ.get("ELIGIBILITY_FUZZ_EXAMPLES", "52"))
PER_SEED = max(2, -(-EXAMPLES // len(SEEDS)))  # every example file gets its share
CASE_SECONDS = 15.0
_WORK = Path(tempfile.mkdtemp(prefix="eligibility-fuzz-"))
atexit.register(shutil.rmtree, _WORK, ignore_errors=True)


# --- a JSON tree that keeps repeated keys and raw number tokens -------------------------------


class Obj(list):  # type: ignore[type-arg]
    """A JSON object as (key, value) pairs, so a key can be written twice."""


class Raw(str):
    """A JSON token written verbatim: NaN, 1e400, 10^30, a 900-deep list."""


def to_tree(value: object) -> object:
    if isinstance(value, dict):
        return Obj([(key, to_tree(member)) for key, member in value.items()])
    if isinstance(value, list):
        return [to_tree(member) for member in value]
    return value


def dump(value: object) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Obj):
        return "{" + ", ".join(f"{dump(k)}: {dump(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    # ensure_ascii keeps lone surrogates writable (as \ud800 escapes)
    return json.dumps(value, ensure_ascii=not isinstance(value, str) or _has_surrogate(value))


def _has_surrogate(text: str) -> bool:
    return re.search("[\ud800-\udfff]", text) is not None


def nodes(tree: object, path: tuple = ()) -> list[tuple[tuple, object, int, object]]:
    """Every (path, parent, index in parent, value) below `tree`."""
    found = []
    stack = [(tree, path)]
    while stack:
        node, here = stack.pop()
        members = (
            [(k, v) for k, v in node]
            if isinstance(node, Obj)
            else list(enumerate(node))
            if isinstance(node, list)
            else []
        )
        for index, (key, value) in enumerate(members):
            found.append(((*here, key), node, index, value))
            stack.append((value, (*here, key)))
    return found


def put(parent: object, index: int, value: object) -> None:
    if isinstance(parent, Obj):
        parent[index] = (parent[index][0], value)
    else:
        assert isinstance(parent, list)
        parent[index] = value


# --- mutations: each changes `tree` in place and says whether the result must be refused ------

_MONEY_KEYS = re.compile(r"amount|fund|fee|scale|^(guarantee|valuation|other)$")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
BAD_MONEY = ["1.234", "1e5", "-1", "+100", " 100", "１００", "1,000", "50万", "", "NaN", "1.2.3"]
HUGE_MONEY = ["1" + "0" * 15, "1" + "0" * 26, "1" + "0" * 28 + ".00", "9" * 60]
EDGE_MONEY = ["0", "0.00", "00100", "0.1", "999999999999999.99"]
BAD_DATES = ["2024-02-30", "2023-02-29", "2024-13-01", "2024/06/01", "20240601", "２０２４-06-01"]
EDGE_DATES = ["9999-12-31", "2100-01-01", "0001-01-01", "1900-01-01", "2024-02-29"]
NUMBERS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1E+2",
    "1.0",
    "-0",
    str(10**30),
    "9" * 4400,
    "1e-400",
    "18446744073709551616",
]
RETYPES: list[object] = [None, True, 0, -1, 1.5, "", "x", [], Obj(), [None], Raw("NaN")]
# The review's 11 characters (figure 1c), and other strings a hostile file might carry.
CONTROLS = ["\x1b", "\r", "\n", "\x00", "\x07", "\x08", "\x7f", "\x85", "\u2028", "\u202e", "\x9b"]
STRINGS = [
    "A" * 5000,
    "\ufeff",
    "\u200b",
    "\u2066x\u2069",
    "\ud800",
    "x\U0001f600",
    "${jndi:ldap://x}",
    "%s%n",
    "\\",
    '"',
    *(f"X{c}[2J{c}✓ forged" for c in CONTROLS),
]
MAP_KEYS = ("reviewer_attestations", "selection_result", "interpretations")


def _pick(data: st.DataObject, items: list) -> object:  # type: ignore[type-arg]
    return items[data.draw(st.integers(0, len(items) - 1))] if items else None


def _key(path: tuple) -> str:
    return next((t for t in reversed(path) if isinstance(t, str)), "")


def m_retype(data: st.DataObject, tree: object) -> bool:
    _, parent, index, _ = _pick(data, nodes(tree))
    put(parent, index, copy.deepcopy(_pick(data, RETYPES)))
    return False  # some retypes are legal (an empty list, a different bool)


def m_number(data: st.DataObject, tree: object) -> bool:
    candidates = [n for n in nodes(tree) if isinstance(n[3], (bool, int, str))]
    _, parent, index, old = _pick(data, candidates)
    token = _pick(data, NUMBERS)
    put(parent, index, Raw(token))
    # a JSON number is never money, a date, a bool or a string; only a count may take one
    return not isinstance(old, int) or isinstance(old, bool) or not token.isdigit()


def m_money(data: st.DataObject, tree: object) -> bool:
    candidates = [
        n for n in nodes(tree) if isinstance(n[3], str) and _MONEY_KEYS.search(_key(n[0]))
    ]
    if not candidates:
        return False
    _, parent, index, _ = _pick(data, candidates)
    kind = data.draw(st.sampled_from(["bad", "huge", "edge", "number"]))
    if kind == "number":
        put(parent, index, Raw(_pick(data, ["250000.00", "1e400", str(10**30), "NaN"])))
        return True
    value = _pick(data, {"bad": BAD_MONEY, "huge": HUGE_MONEY, "edge": EDGE_MONEY}[kind])
    put(parent, index, value)
    return kind != "edge"


def m_date(data: st.DataObject, tree: object) -> bool:
    candidates = [n for n in nodes(tree) if isinstance(n[3], str) and _DATE.fullmatch(n[3])]
    if not candidates:
        return False
    _, parent, index, _ = _pick(data, candidates)
    bad = data.draw(st.booleans())
    put(parent, index, _pick(data, BAD_DATES if bad else EDGE_DATES))
    return bad


def m_string(data: st.DataObject, tree: object) -> bool:
    candidates = [n for n in nodes(tree) if isinstance(n[3], str)]
    _, parent, index, _ = _pick(data, candidates)
    value = _pick(data, STRINGS)
    put(parent, index, value)
    return _has_surrogate(value) or len(value) > 4096


def m_dupkey(data: st.DataObject, tree: object) -> bool:
    candidates = [n for n in nodes(tree) if isinstance(n[1], Obj)]
    path, parent, index, value = _pick(data, candidates)
    parent.insert(index + 1, (path[-1], _pick(data, [copy.deepcopy(value), "x", 1])))
    return True


def m_unknown_key(data: st.DataObject, tree: object) -> bool:
    candidates = [n for n in nodes(tree) if isinstance(n[3], Obj)]
    if not candidates:
        return False
    path, _, _, obj = _pick(data, candidates)
    key = _pick(data, ["credit_god", "__proto__", "\u202ekey", "a\x1bb", "", "名称", "\ud800", "k"])
    obj.append((key, True))
    in_map = bool(path) and path[-1] in MAP_KEYS
    return not in_map or path[-1] == "interpretations" or not re.fullmatch(r"[A-Za-z]\w*", key)


def m_deep(data: st.DataObject, tree: object) -> bool:
    _, parent, index, _ = _pick(data, nodes(tree))
    depth = data.draw(st.sampled_from([20, 500, 900, 5000, 100_000]))
    opener, closer = data.draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    put(parent, index, Raw(opener * depth + "1" + closer * depth))
    return True


def m_grow(data: st.DataObject, tree: object) -> bool:
    """A list blown up past its limit (a collection past the evaluation budget or the format's
    10,000): it must be refused, and quickly."""
    candidates = [n for n in nodes(tree) if isinstance(n[3], list) and n[3]]
    if not candidates:
        return False
    path, parent, index, value = _pick(data, candidates)
    first = value[0]
    is_collection = len(path) == 2 and path[0] == "applicant" and isinstance(first, Obj)
    count = data.draw(st.sampled_from([2_001, 10_001] if is_collection else [1_001, 10_001]))
    put(parent, index, [copy.deepcopy(first) for _ in range(count)])
    return True


def m_context(data: st.DataObject, tree: object) -> bool:
    assert isinstance(tree, Obj)
    context = next((v for k, v in tree if k == "context"), None)
    if not isinstance(context, Obj):
        return False
    rest = [(k, v) for k, v in context if k not in ("application_date", "assessment_year")]
    choice = data.draw(st.integers(0, 2))
    if choice == 0:
        year = _pick(data, [1899, 2101, 0, -1, 10**6, Raw("2024.0"), "2024", Raw("NaN")])
        context[:] = [*rest, ("application_date", "2024-10-15"), ("assessment_year", year)]
        return True
    day = _pick(data, [*BAD_DATES, "9999-12-31", "0001-01-01"])
    context[:] = [*rest, ("application_date", day)]
    return True


MUTATIONS = [
    m_retype,
    m_number,
    m_money,
    m_date,
    m_string,
    m_dupkey,
    m_unknown_key,
    m_deep,
    m_grow,
    m_context,
]


def byte_mutation(data: st.DataObject, raw: bytes) -> tuple[bytes, bool]:
    kind = data.draw(st.integers(0, 6))
    position = data.draw(st.integers(0, len(raw) - 1))
    if kind == 0:
        return b"\xef\xbb\xbf" + raw, False
    if kind == 1:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + raw, True
    if kind == 2:
        return raw.decode("utf-8").encode("utf-16"), True
    if kind == 3:
        cut = raw.find(b'"', position) + 1
        bad = data.draw(st.sampled_from([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80"]))
        return raw[:cut] + bad + raw[cut:], cut > 0
    if kind == 4:
        return raw[:position], True
    if kind == 5:
        cut = raw.find(b'"', position) + 1
        return raw[:cut] + b"\x1b" + raw[cut:], cut > 0  # raw ESC in a string: not JSON
    return raw, False


# --- the oracle --------------------------------------------------------------------------

_TOKEN = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\]')


def resolves(doc: object, path: str) -> bool:
    """Whether `path` names a value of `doc`, or where a missing key of an object belongs."""
    tokens: list[object] = []
    position = 1
    if not path.startswith("$"):
        return False
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None:
            return False
        name, index, quoted = match.groups()
        tokens.append(int(index) if index is not None else name if name is not None else quoted)
        position = match.end()
    node = doc
    for step, written in enumerate(tokens):
        token = written
        if isinstance(token, str) and token.startswith('"'):
            # an odd key is shown quoted, with escapes (docs/applicant-format.md)
            shown = {quote(k): k for k in node} if isinstance(node, dict) else {}
            token = shown.get(token, token)
        in_list = isinstance(node, list) and isinstance(token, int) and token < len(node)
        if in_list or (isinstance(node, dict) and token in node):
            node = node[token]
        else:  # a missing key: where it belongs must be an object (or inside a missing one)
            return isinstance(node, dict) and all(isinstance(t, str) for t in tokens[step:])
    return True


def _invisible(text: str) -> list[str]:
    """Characters of `text` a terminal would act on or hide (its own line ends excepted)."""
    return sorted(
        {
            ch
            for ch in text
            if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        }
    )


def _lenient(raw: bytes) -> object:
    """The document as a reader of the file sees it (last key wins), or None if not JSON."""
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_float=Decimal, parse_constant=str)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def run_check(raw: bytes, *args: str) -> tuple[int, str, str, float]:
    path = _WORK / "applicant.json"
    path.write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with (
        mock.patch.dict(os.environ, {"ELIGIBILITY_DEBUG": "1", "NO_COLOR": "1"}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = check_main([str(path), *args])  # ELIGIBILITY_DEBUG: an exception propagates
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - start


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: f"{p.parent.name}/{p.name}")
@settings(
    max_examples=PER_SEED,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_hostile_applicant_files_give_exit_0_or_2(seed: Path, data: st.DataObject) -> None:
    tree = to_tree(json.loads(seed.read_text(encoding="utf-8")))
    must_refuse = seed.parent.name == "invalid"
    for _ in range(data.draw(st.integers(1, 3))):
        mutation = data.draw(st.sampled_from(MUTATIONS), label="mutation")
        must_refuse |= mutation(data, tree)
    raw = dump(tree).encode("utf-8", "surrogatepass")
    if data.draw(st.integers(0, 3)) == 0:
        raw, refuse = byte_mutation(data, raw)
        must_refuse |= refuse
    output = data.draw(st.sampled_from(["json", "text", "explain"]), label="format")
    args = (
        ["--format", "json"] if output == "json" else ["--explain"] if output == "explain" else []
    )

    code, out, err, seconds = run_check(raw, *args)

    assert code in (0, 2), err
    if must_refuse:
        assert code == 2, "a file that must be refused was evaluated"
    assert seconds < CASE_SECONDS, f"{seconds:.1f} s"
    if code == 0:
        assert SCHEMA.is_valid(_lenient(raw)), "evaluated a file the published schema rejects"
    if output == "json" and code == 2:
        doc = _lenient(raw)
        for error in json.loads(out)["errors"]:
            assert error["path"] == "$" or resolves(doc, error["path"]), error
    if output != "json":
        assert _invisible(out + err) == [], "a control character reached the text output"
