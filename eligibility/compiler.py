"""Policy file → compiled policy (IR + Datalog program), with an on-disk cache.

Compiling needs lark (slow to import) and the resolver; checking an applicant needs neither.
A compiled policy is cached under a key made of the policy text, its path, the grammar and the
source of every module that shapes the compiled result (parser, resolver, vocabulary, Datalog
compiler), so any change to one of them recompiles. The cache holds plain data only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from eligibility import __version__
from eligibility.datalog.program import Program
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from eligibility.resources import GRAMMAR_FILE, POLICY_DIR, policy_identity

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent
_COMPILER_SOURCES = (
    "span.py",
    "syntax/ast.py",
    "syntax/parser.py",
    "ir/nodes.py",
    "ir/from_ast.py",
    "ir/expressions.py",
    "ir/quantities.py",
    "ir/walk.py",
    "facts/vocabulary.py",
    "datalog/program.py",
    "datalog/from_ir.py",
    "datalog/records.py",
    "datalog/terms.py",
    "compiler.py",
)


@dataclass(frozen=True, slots=True)
class CompiledGates:
    """What deciding whether a document applies at all needs: a view of the policy holding each
    programme's gates only (validity, applicant kind, jurisdiction), and the gate program."""

    policy: ir.Policy
    program: Program
    region_fields: frozenset[str]


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    policy: ir.Policy
    program: Program
    gate_program: Program
    region_fields: frozenset[str]
    grammar_sha256: str

    def gates(self) -> CompiledGates:
        return CompiledGates(gate_view(self.policy), self.gate_program, self.region_fields)

    def full(self) -> CompiledPolicy:
        return self


def gate_view(policy: ir.Policy) -> ir.Policy:
    """The policy cut down to its programmes' gates: all a document that does not apply needs
    for its explanation, and a small fraction of the whole to load."""
    programmes = tuple(
        dataclasses.replace(
            p,
            amount=None,
            condition=ir.AllOf(
                p.condition.meta,
                tuple(c for c in p.condition.children if c.meta.node_id in dict(p.gates)),
            ),
        )
        for p in policy.programmes
    )
    return dataclasses.replace(policy, record_sets=(), programmes=programmes)


class LazyPolicy:
    """A cached policy whose gates are loaded now and whose full program only when a
    document applies: an applicant from Chongqing never unpickles Shanghai's 22 programmes."""

    def __init__(
        self, compiled_gates: CompiledGates, full_file: Path, text: str, display: str
    ) -> None:
        self._gates, self._full_file, self._text, self._display = (
            compiled_gates,
            full_file,
            text,
            display,
        )
        self._full: CompiledPolicy | None = None

    def gates(self) -> CompiledGates:
        return self._gates

    def full(self) -> CompiledPolicy:
        if self._full is None:
            self._full = _read_cache(self._full_file, CompiledPolicy) or _compile_and_cache(
                self._text, self._display, self._full_file
            )
        return self._full


PolicySource = CompiledPolicy | LazyPolicy


def grammar_sha256() -> str:
    return hashlib.sha256(GRAMMAR_FILE.read_bytes()).hexdigest()


def compile_text(text: str, file: str) -> CompiledPolicy:
    """Parse, resolve and compile; raises DiagnosticError with every problem found."""
    from eligibility.ir.from_ast import policy_from_ast
    from eligibility.syntax.parser import parse_policy

    return compile_ir(policy_from_ast(parse_policy(text, file)))


def compile_ir(policy: ir.Policy) -> CompiledPolicy:
    """A resolved policy's Datalog programs (policytests.mutate compiles a part of one)."""
    from eligibility.datalog.from_ir import gate_program_from_ir, program_from_ir

    return CompiledPolicy(
        policy,
        program_from_ir(policy),
        gate_program_from_ir(policy),
        _region_fields(policy),
        grammar_sha256(),
    )


def _region_fields(policy: ir.Policy) -> frozenset[str]:
    roots: list[ir.Cond] = [p.condition for p in policy.programmes]
    roots += [f for s in policy.record_sets for f in s.filters]
    return frozenset(
        node.field.path
        for root in roots
        for node in walk_conditions(root)
        if isinstance(node, ir.Test) and isinstance(node.test, ir.WithinRegion)
    )


def _cache_dir() -> Path:
    base = os.environ.get("ELIGIBILITY_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "eligibility" if base else Path.home() / ".cache" / "eligibility"


def _cache_file(path: Path) -> tuple[Path, str, str]:
    text = path.read_text(encoding="utf-8")
    display = policy_identity(path)
    parts = [text.encode(), display.encode(), __version__.encode(), GRAMMAR_FILE.read_bytes()]
    parts += [(_PACKAGE / name).read_bytes() for name in _COMPILER_SOURCES]
    key = hashlib.sha256(b"\0".join(parts)).hexdigest()
    return _cache_dir() / f"{key}.pickle", text, display


def _read_cache(file: Path, kind: type[T]) -> T | None:
    try:
        with file.open("rb") as handle:
            found = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return found if isinstance(found, kind) else None


def _write_cache(file: Path, value: object) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary = file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(file)
    except OSError:
        pass  # a read-only home still checks, only slower


def _compile_and_cache(text: str, display: str, full_file: Path) -> CompiledPolicy:
    compiled = compile_text(text, display)
    _write_cache(full_file, compiled)
    _write_cache(full_file.with_suffix(".gates"), compiled.gates())
    return compiled


def load_policy(path: Path) -> CompiledPolicy:
    """The compiled policy of a file, from the cache when its key matches."""
    full_file, text, display = _cache_file(path)
    return _read_cache(full_file, CompiledPolicy) or _compile_and_cache(text, display, full_file)


def load_policy_lazily(path: Path) -> PolicySource:
    """Its gates from the cache, its full program when asked for (see LazyPolicy)."""
    full_file, text, display = _cache_file(path)
    compiled_gates = _read_cache(full_file.with_suffix(".gates"), CompiledGates)
    if compiled_gates is None:
        return _compile_and_cache(text, display, full_file)
    return LazyPolicy(compiled_gates, full_file, text, display)


def policy_files(directory: Path = POLICY_DIR) -> tuple[Path, ...]:
    return tuple(sorted(directory.glob("*.policy")))
