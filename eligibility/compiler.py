"""Policy file → compiled policy (IR + Datalog program), through the compile cache.

Compiling needs lark (slow to import) and the resolver; checking an applicant needs neither.
A compiled policy is cached (`compile_cache`) as plain data, under the policy's identity, the
SHA-256 of its text and the fingerprint of the compiler: the package version, the grammar and the
source of every module that shapes the compiled result, so any change to one of them recompiles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from eligibility import __version__, frozen
from eligibility.compile_cache import EntryKey, memoised, read_entry, write_entry
from eligibility.datalog.program import Program
from eligibility.diagnostics import Diagnostic, DiagnosticError, PolicyFileError
from eligibility.digest import sha256
from eligibility.frozen import frozen_record
from eligibility.ir import nodes as ir
from eligibility.ir.walk import walk_conditions
from eligibility.resources import (
    GRAMMAR_FILE,
    PACKAGE_DIR,
    POLICY_DIR,
    policy_directory,
    policy_identity,
    shipped_vocabulary_files,
)
from eligibility.syntax.source import decode_policy

# What shapes a compiled policy: every module of these stages, and these top-level modules.
_COMPILER_PACKAGES = ("syntax", "ir", "datalog", "facts", "checks")
_COMPILER_MODULES = (
    "span.py", "diagnostics.py", "compiler.py", "plaindata.py", "frozen.py", "resources.py",
)  # fmt: skip


@frozen_record
class CompiledGates:
    """What deciding whether a document applies at all needs: a view of the policy holding each
    programme's gates only (validity, applicant kind, jurisdiction), and the gate program."""

    policy: ir.Policy
    program: Program
    region_fields: frozenset[str]


@frozen_record
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
        frozen.replace(
            p,
            amount=None,
            condition=ir.AllOf(
                p.condition.meta,
                tuple(c for c in p.condition.children if c.meta.node_id in dict(p.gates)),
            ),
        )
        for p in policy.programmes
    )
    return frozen.replace(policy, record_sets=(), programmes=programmes)


class LazyPolicy:
    """A cached policy whose gates are loaded now and whose full program only when a
    document applies: an applicant from Chongqing never decodes Shanghai's 22 programmes."""

    def __init__(self, compiled_gates: CompiledGates, source: _PolicyText) -> None:
        self._gates, self._source = compiled_gates, source
        self._full: CompiledPolicy | None = None

    def gates(self) -> CompiledGates:
        return self._gates

    def full(self) -> CompiledPolicy:
        if self._full is None:
            cached = read_entry(self._source.key("full"), _decode_full)
            self._full = cached or _compile_and_cache(self._source)
        return self._full


PolicySource = CompiledPolicy | LazyPolicy


def grammar_sha256() -> str:
    return sha256(GRAMMAR_FILE.read_bytes()).hexdigest()


def compile_text(
    text: str, file: str, facts_files: Mapping[str, bytes] | None = None
) -> CompiledPolicy:
    """Parse, resolve and compile; raises DiagnosticError with every problem found. The files
    the policy `uses` are read beside `file`, or taken from `facts_files` (by the name the
    `uses` line gives) when it is given."""
    return compile_text_with_warnings(text, file, facts_files)[0]


def compile_text_with_warnings(
    text: str, file: str, facts_files: Mapping[str, bytes] | None = None
) -> tuple[CompiledPolicy, tuple[Diagnostic, ...]]:
    """`compile_text`, and the warnings of the checks (`eligibility.checks`): the errors among
    the checks' diagnostics are raised as DiagnosticError like any other."""
    from eligibility.checks import policy_checks
    from eligibility.ir.from_ast import policy_from_ast
    from eligibility.syntax.parser import parse_policy

    tree = parse_policy(text, file)
    policy = policy_from_ast(tree, facts_files)
    found = policy_checks(tree, policy)
    if any(d.is_error for d in found):
        raise DiagnosticError(found, {file: text})
    return compile_ir(policy), found


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


@frozen_record
class _PolicyText:
    """A policy file as read: its identity, its text, the hash of its bytes (and of its facts
    files'), and its facts files' bytes when they were given (None: read beside the policy)."""

    identity: str
    text: str
    sha256: str
    facts: tuple[tuple[str, bytes], ...] | None

    def key(self, kind: str) -> EntryKey:
        return EntryKey(kind, self.identity, self.sha256, compiler_fingerprint())


def _read_policy(path: Path) -> _PolicyText:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PolicyFileError(f"error: cannot read policy file {path}: {error.strerror}") from None
    return _policy_text(data, policy_identity(path))


def _policy_text(
    data: bytes, identity: str, facts: Mapping[str, bytes] | None = None
) -> _PolicyText:
    text = decode_policy(data, identity)
    given = None if facts is None else tuple(sorted(facts.items()))
    return _PolicyText(identity, text, _source_sha256(data, text, identity, facts), given)


def uses_names(text: str) -> tuple[str, ...]:
    """The facts files a policy text `uses`, as its header names them, in order, once each."""
    return tuple(dict.fromkeys(_USES.findall(text)))


def read_facts_files(data: bytes, identity: str) -> tuple[tuple[str, bytes], ...]:
    """The bytes of every facts file the policy `uses`, read beside it (an audit log stores
    them with the policy text); raises OSError for one that cannot be read."""
    text = decode_policy(data, identity)
    directory = policy_directory(identity)
    return tuple((name, (directory / name).read_bytes()) for name in uses_names(text))


# A header's `uses "…"` line (grammar: header_item `uses`). Found without parsing, so that a
# cached policy is keyed by the facts files it reads too: editing one recompiles the policy.
_USES = re.compile(r'^[ \t]*uses[ \t]+"([^"\n]*)"', re.MULTILINE)


def _source_sha256(
    data: bytes, text: str, identity: str, facts: Mapping[str, bytes] | None = None
) -> str:
    """The SHA-256 of the policy's bytes, followed by those of each facts file it uses (so,
    for a policy that uses none, the SHA-256 of its bytes): read beside it, or from `facts`."""
    digest = sha256(data)
    for name in _USES.findall(text):
        digest.update(b"\0" + name.encode())
        content = _facts_bytes(name, identity, facts)
        # a missing file: compiling reports it; the key only has to differ
        digest.update(b"\0" + (content if content is not None else b"(missing)"))
    return digest.hexdigest()


def _facts_bytes(name: str, identity: str, facts: Mapping[str, bytes] | None) -> bytes | None:
    if facts is not None:
        return facts.get(name)
    try:
        return (policy_directory(identity) / name).read_bytes()
    except OSError:
        return None


@cache
def compiler_fingerprint() -> str:
    """The SHA-256 of the package version, the grammar, the shipped vocabulary and every
    compiler source file; remembered against the files' sizes and times (`memoised`)."""
    files = [GRAMMAR_FILE, *shipped_vocabulary_files()]
    files += [PACKAGE_DIR / name for name in _COMPILER_MODULES]
    for package in _COMPILER_PACKAGES:
        files += sorted((PACKAGE_DIR / package).glob("*.py"))
    place = sha256(PACKAGE_DIR.as_posix().encode()).hexdigest()[:16]  # one memo per install
    return memoised(f"compiler-{__version__}-{place}", files, lambda: _fingerprint(files))


def _fingerprint(files: list[Path]) -> str:
    digest = sha256(__version__.encode())
    for file in files:
        digest.update(b"\0" + file.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


@cache
def _codec() -> Any:
    from eligibility import plaindata, span
    from eligibility.datalog import program
    from eligibility.facts import vocabulary

    return plaindata.codec_for({"ir": ir, "dl": program, "span": span, "vocab": vocabulary})


def _encode_full(compiled: CompiledPolicy) -> Any:
    return _codec().encode(
        (
            compiled.policy,
            compiled.program,
            compiled.gate_program,
            compiled.region_fields,
            compiled.grammar_sha256,
        )
    )


def _decode_full(data: Any) -> CompiledPolicy:
    policy, program, gate_program, region_fields, grammar = _codec().decode(data)
    _expect(policy, ir.Policy)
    _expect(program, Program)
    _expect(gate_program, Program)
    _expect(region_fields, frozenset)
    _expect(grammar, str)
    return CompiledPolicy(policy, program, gate_program, region_fields, grammar)


def _encode_gates(gates: CompiledGates) -> Any:
    return _codec().encode((gates.policy, gates.program, gates.region_fields))


def _decode_gates(data: Any) -> CompiledGates:
    policy, program, region_fields = _codec().decode(data)
    _expect(policy, ir.Policy)
    _expect(program, Program)
    _expect(region_fields, frozenset)
    return CompiledGates(policy, program, region_fields)


def _expect(value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"a cache entry holds {type(value).__name__} where {kind.__name__} belongs")


def _compile_and_cache(source: _PolicyText) -> CompiledPolicy:
    facts = None if source.facts is None else dict(source.facts)
    compiled = compile_text(source.text, source.identity, facts)
    write_entry(source.key("full"), compiled, _encode_full)
    write_entry(source.key("gates"), compiled.gates(), _encode_gates)
    return compiled


def load_policy(path: Path) -> CompiledPolicy:
    """The compiled policy of a file, from the cache when an entry made from it is there."""
    return _cached_or_compiled(_read_policy(path))


def load_policy_bytes(
    data: bytes, identity: str, facts_files: Mapping[str, bytes] | None = None
) -> CompiledPolicy:
    """The compiled policy of a text held in memory under the name `identity` (an audit log's
    stored copy, replayed), through the cache like `load_policy`. The files it `uses` are taken
    from `facts_files` (name as the `uses` line gives it → bytes) when given, else read beside
    `identity`; the cache key hashes the bytes used either way."""
    return _cached_or_compiled(_policy_text(data, identity, facts_files))


def _cached_or_compiled(source: _PolicyText) -> CompiledPolicy:
    cached: CompiledPolicy | None = read_entry(source.key("full"), _decode_full)
    return cached or _compile_and_cache(source)


def load_policy_lazily(path: Path) -> PolicySource:
    """Its gates from the cache, its full program when asked for (see LazyPolicy)."""
    source = _read_policy(path)
    compiled_gates: CompiledGates | None = read_entry(source.key("gates"), _decode_gates)
    if compiled_gates is None:
        return _compile_and_cache(source)
    return LazyPolicy(compiled_gates, source)


def policy_files(directory: Path = POLICY_DIR) -> tuple[Path, ...]:
    return tuple(sorted(directory.glob("*.policy")))
