"""Policy file → compiled policy (IR + Datalog program), with an on-disk cache.

Compiling needs lark (slow to import) and the resolver; checking an applicant needs neither.
A compiled policy is cached under a key made of the policy text, its path, the grammar and the
source of every module that shapes the compiled result (parser, resolver, vocabulary, Datalog
compiler), so any change to one of them recompiles. The cache holds plain data only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from eligibility import __version__
from eligibility.datalog.program import Program
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions

REPO_ROOT = Path(__file__).resolve().parents[1]
GRAMMAR_FILE = REPO_ROOT / "grammar" / "policy.lark"
POLICY_DIR = REPO_ROOT / "policies"
_PACKAGE = Path(__file__).resolve().parent
_COMPILER_SOURCES = (
    "span.py", "syntax/ast.py", "syntax/parser.py", "ir/nodes.py", "ir/from_ast.py",
    "ir/quantities.py", "ir/walk.py", "facts/vocabulary.py", "datalog/program.py",
    "datalog/from_ir.py", "compiler.py",
)


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    policy: ir.Policy
    program: Program
    gate_program: Program
    region_fields: frozenset[str]
    grammar_sha256: str


def grammar_sha256() -> str:
    return hashlib.sha256(GRAMMAR_FILE.read_bytes()).hexdigest()


def compile_text(text: str, file: str) -> CompiledPolicy:
    """Parse, resolve and compile; raises DiagnosticError with every problem found."""
    from eligibility.datalog.from_ir import gate_program_from_ir, program_from_ir
    from eligibility.ir.from_ast import policy_from_ast
    from eligibility.syntax.parser import parse_policy

    policy = policy_from_ast(parse_policy(text, file))
    return CompiledPolicy(policy, program_from_ir(policy), gate_program_from_ir(policy),
                          _region_fields(policy), grammar_sha256())


def _region_fields(policy: ir.Policy) -> frozenset[str]:
    roots: list[ir.Cond] = [p.condition for p in policy.programmes]
    roots += [f for s in policy.record_sets for f in s.filters]
    return frozenset(
        node.field.path for root in roots for node in walk_conditions(root)
        if isinstance(node, ir.Test) and isinstance(node.test, ir.WithinRegion)
    )


def _cache_dir() -> Path:
    base = os.environ.get("ELIGIBILITY_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "eligibility" if base else Path.home() / ".cache" / "eligibility"


def load_policy(path: Path) -> CompiledPolicy:
    """The compiled policy of a file, from the cache when its key matches."""
    text = path.read_text(encoding="utf-8")
    display = os.path.relpath(path) if path.is_absolute() else str(path)
    parts = [text.encode(), display.encode(), __version__.encode(), GRAMMAR_FILE.read_bytes()]
    parts += [(_PACKAGE / name).read_bytes() for name in _COMPILER_SOURCES]
    key = hashlib.sha256(b"\0".join(parts)).hexdigest()
    cached = _cache_dir() / f"{key}.pickle"
    try:
        with cached.open("rb") as handle:
            compiled = pickle.load(handle)
        if isinstance(compiled, CompiledPolicy):
            return compiled
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    compiled = compile_text(text, display)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(cached)
    except OSError:
        pass  # a read-only home still checks, only slower
    return compiled


def policy_files(directory: Path = POLICY_DIR) -> tuple[Path, ...]:
    return tuple(sorted(directory.glob("*.policy")))
