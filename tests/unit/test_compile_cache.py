"""The compile cache cannot lie or run code: entries are data checked against the policy text and
the compiler, a bad entry is recompiled, and an unsafe directory is not used.

Each test gets its own cache directory (ELIGIBILITY_CACHE_DIR) and a copy of the Chongqing policy,
so entries written here never serve another test.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from eligibility import compile_cache
from eligibility.compiler import (
    _decode_full,
    _encode_full,
    compile_text,
    compiler_fingerprint,
    load_policy,
    load_policy_lazily,
)
from eligibility.ir import nodes as ir
from eligibility.plaindata import DecodeError, codec_for
from eligibility.resources import POLICY_DIR, shipped_policy_files

CQ_CAP = Decimal(500000)


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(root))
    compile_cache._warned.clear()
    return root / "eligibility"


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    copy = tmp_path / "cq.policy"
    shutil.copyfile(POLICY_DIR / "chongqing-2024.policy", copy)
    return copy


def _entries(directory: Path, kind: str) -> list[Path]:
    return sorted(directory.glob(f"*.{kind}.json"))


def _caps(policy_file: Path) -> list[Decimal]:
    compiled = load_policy(policy_file)
    return [
        cap.limit.value
        for programme in compiled.policy.programmes
        if programme.amount
        for cap in programme.amount.caps
        if isinstance(cap.limit, ir.Const)
    ]


@pytest.mark.parametrize("path", shipped_policy_files(), ids=lambda p: p.stem)
def test_every_shipped_policy_round_trips_exactly(path: Path) -> None:
    compiled = compile_text(path.read_text(encoding="utf-8"), f"policies/{path.name}")
    encoded = json.loads(json.dumps(_encode_full(compiled), ensure_ascii=False))
    assert _same(_decode_full(encoded), compiled)


def _typed(item: object) -> tuple[str, str]:
    return type(item).__name__, repr(item)


def _same(left: object, right: object) -> bool:
    """Equal and of the same types all the way down: == alone takes Const(False) for
    Const(Decimal(0)), and repr depends on a frozenset's iteration order."""
    if type(left) is not type(right):
        return False
    if dataclasses.is_dataclass(left):
        return all(
            _same(getattr(left, f.name), getattr(right, f.name)) for f in dataclasses.fields(left)
        )
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, frozenset) and isinstance(right, frozenset):
        return sorted(map(_typed, left)) == sorted(map(_typed, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    return left == right


def test_a_warm_load_equals_a_fresh_compile(cache_root: Path, policy: Path) -> None:
    cold = load_policy(policy)
    assert len(_entries(cache_root, "full")) == 1
    assert load_policy(policy) == cold


def test_entries_are_private(cache_root: Path, policy: Path) -> None:
    load_policy(policy)
    assert cache_root.stat().st_mode & 0o777 == 0o700
    for entry in cache_root.iterdir():
        assert entry.stat().st_mode & 0o077 == 0


def _edit_payload(entry: Path, old: bytes, new: bytes) -> None:
    data = entry.read_bytes()
    assert old in data
    entry.write_bytes(data.replace(old, new, 1))


def test_an_edited_amount_is_not_believed(cache_root: Path, policy: Path) -> None:
    """The review's 3f: 500000 → 5000000 in the entry gave 560,000.00 with exit 0."""
    caps = _caps(policy)
    assert CQ_CAP in caps
    (entry,) = _entries(cache_root, "full")
    _edit_payload(entry, b'"500000"', b'"5600000"')
    assert _caps(policy) == caps


@pytest.mark.parametrize("cut", [0, 1, 100, 1000, -1])
def test_a_truncated_entry_is_recompiled(cache_root: Path, policy: Path, cut: int) -> None:
    expected = load_policy(policy)
    for entry in cache_root.iterdir():
        entry.write_bytes(entry.read_bytes()[:cut])
    assert load_policy(policy) == expected
    assert load_policy_lazily(policy).gates() == expected.gates()


def test_flipped_bytes_never_escape(cache_root: Path, policy: Path) -> None:
    """The review's 3d: 28 of 70 flips ended in exit 4. Any flip is now a miss or harmless."""
    expected = load_policy(policy)
    (entry,) = _entries(cache_root, "full")
    original = entry.read_bytes()
    for position in range(0, len(original), max(1, len(original) // 60)):
        flipped = bytearray(original)
        flipped[position] ^= 0x5A
        entry.write_bytes(bytes(flipped))
        assert load_policy(policy) == expected, position


def test_another_policys_entry_is_not_taken_for_this_one(cache_root: Path, policy: Path) -> None:
    """The review's 3g: Shanghai's entry copied over Chongqing's replaced the programmes."""
    expected = load_policy(policy)
    other = policy.with_name("sh.policy")
    shutil.copyfile(POLICY_DIR / "shanghai-2022.policy", other)
    load_policy(other)
    (mine,) = [e for e in _entries(cache_root, "full") if b"cq.policy" in e.read_bytes()[:400]]
    (theirs,) = [e for e in _entries(cache_root, "full") if e != mine]
    shutil.copyfile(theirs, mine)
    assert load_policy(policy) == expected


def test_an_entry_naming_another_class_is_refused() -> None:
    codec = codec_for({"span": __import__("eligibility.span", fromlist=["Span"])})
    for crafted in (
        {"objects": [["builtins.eval", "1"]], "root": {"r": 0}},
        {"objects": [["os.system", "true"]], "root": {"r": 0}},
        {"objects": [], "root": {"r": 5}},
        {"objects": [], "root": {"e": "span.Span", "v": 1}},
    ):
        with pytest.raises(DecodeError):
            codec.decode(crafted)


def test_a_world_writable_directory_is_not_used(
    cache_root: Path, policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_root.mkdir(parents=True)
    cache_root.chmod(0o777)
    load_policy(policy)
    load_policy(policy)
    assert list(cache_root.iterdir()) == []
    assert capsys.readouterr().err.count("writable by other users") == 1


def test_a_symbolic_link_is_not_used(cache_root: Path, policy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache_root.parent.mkdir(parents=True)
    cache_root.symlink_to(elsewhere)
    load_policy(policy)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_directory_owned_by_another_user_is_not_used(
    cache_root: Path, policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_root.mkdir(parents=True, mode=0o700)
    os.chown(cache_root, 4242, 4242)
    load_policy(policy)
    assert list(cache_root.iterdir()) == []
    assert "owned by another user" in capsys.readouterr().err


def test_no_home_means_no_cache(monkeypatch: pytest.MonkeyPatch, policy: Path) -> None:
    """The review's 3j: HOME="" created /.cache/eligibility."""
    for variable in ("ELIGIBILITY_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    for home in ("", "relative/home", "/nonexistent-home-for-test"):
        monkeypatch.setenv("HOME", home)
        assert compile_cache.cache_directory() is None
        load_policy(policy)
    assert not Path("/nonexistent-home-for-test").exists()


def test_stale_temporary_files_are_swept(cache_root: Path, policy: Path) -> None:
    cache_root.mkdir(parents=True, mode=0o700)
    orphan = cache_root / "abc.full.json.999.tmp"
    orphan.write_bytes(b"half")
    os.utime(orphan, (0, 0))
    load_policy(policy)
    assert not orphan.exists()


_COLD_START = """
import sys
from pathlib import Path
from eligibility.compiler import load_policy_lazily
source = load_policy_lazily(Path(sys.argv[1]))
caps = [c.limit.value for p in source.full().policy.programmes if p.amount
        for c in p.amount.caps if hasattr(c.limit, "value")]
print(sorted(str(c) for c in caps))
"""


def test_concurrent_cold_starts_agree(cache_root: Path, policy: Path) -> None:
    environment = {**os.environ, "ELIGIBILITY_CACHE_DIR": str(cache_root.parent)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _COLD_START, str(policy)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            text=True,
        )
        for _ in range(6)
    ]
    outputs = {run.communicate(timeout=300)[0] for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(outputs) == 1
    assert not list(cache_root.glob("*.tmp"))
    assert len(_entries(cache_root, "full")) == 1
    assert len(_entries(cache_root, "gates")) == 1


def test_values_equal_in_python_but_of_other_types_stay_apart() -> None:
    """False == 0 == Decimal(0) in Python: sharing equal records once made an amount `false`."""
    from eligibility.datalog import program

    codec = codec_for({"dl": program})
    value = (program.Const(False), program.Const(Decimal(0)), program.Const(0), program.Const(1))
    decoded = codec.decode(json.loads(json.dumps(codec.encode(value))))
    assert [type(c.value) for c in decoded] == [bool, Decimal, int, int]


def test_references_are_bare_indexes_of_records_already_built() -> None:
    """Format 2: a reference is a bare integer, an integer value `{"i": n}`; a reference may
    only point back (no cycles, nothing negative), and nothing else passes for either."""
    from eligibility.datalog import program

    codec = codec_for({"dl": program})
    encoded = codec.encode((program.Const(7), program.Var("A")))
    assert encoded == {
        "objects": [["dl.Const", {"i": 7}], ["dl.Var", "A"]],
        "root": [0, 1],
    }
    assert codec.decode(encoded) == (program.Const(7), program.Var("A"))
    for crafted in (
        {"objects": [["dl.Var", "A"]], "root": -1},
        {"objects": [["dl.Atom", "p", [1]], ["dl.Var", "A"]], "root": 0},  # forward
        {"objects": [["dl.Atom", "p", [0]]], "root": 0},  # itself
        {"objects": [["dl.Const", 1.5]], "root": 0},
        {"objects": [["dl.Const", {"i": True}]], "root": 0},
    ):
        with pytest.raises(DecodeError):
            codec.decode(crafted)


def test_the_compiler_fingerprint_is_remembered_against_its_files(
    cache_root: Path, tmp_path: Path
) -> None:
    """`compile_cache.memoised`: the digest of the files' contents, computed again as soon as
    one file's size or time changes, and whenever the memo is unreadable."""
    files = [tmp_path / "a.py", tmp_path / "b.py"]
    for file in files:
        file.write_text(f"# {file.name}\n")
    calls: list[str] = []

    def digest() -> str:
        calls.append("computed")
        return "".join(f.read_text() for f in files).encode().hex()[:64].ljust(64, "0")

    first = compile_cache.memoised("test", files, digest)
    assert compile_cache.memoised("test", files, digest) == first and len(calls) == 1
    files[1].write_text("# b.py, edited\n")
    second = compile_cache.memoised("test", files, digest)
    assert second != first and len(calls) == 2
    memo = cache_root / "test.memo"
    memo.write_text("garbage")
    assert compile_cache.memoised("test", files, digest) == second and len(calls) == 3
    assert compile_cache.memoised("test", files[:1], digest) and len(calls) == 4  # other files
    assert compiler_fingerprint.__wrapped__() == compiler_fingerprint.__wrapped__()
