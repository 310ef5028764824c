"""Vocabulary files (`*.facts`) → `vocabulary.Declarations`: the shipped ones, and those a
policy `uses`.

The shipped vocabulary is read by every check, which should not pay for lark: once parsed, it
is kept in the compile cache as plain data (`plaindata`, kind "vocab"), under the SHA-256 of the
shipped files and the compiler's fingerprint, and read from there by later processes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from eligibility.diagnostics import DiagnosticError, PolicyFileError
from eligibility.digest import sha256
from eligibility.facts.vocabulary import Declarations, Vocabulary
from eligibility.resources import PACKAGE_DIR, shipped_vocabulary_files


def load_facts_file(
    path: Path, shown: str, known: Vocabulary | None, *, allow_context: bool = False
) -> Declarations:
    """The declarations of one `*.facts` file, checked against `known`; raises DiagnosticError
    (every problem, each at file:line:column) or PolicyFileError (an unreadable file)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PolicyFileError(f"error: cannot read facts file {shown}: {error.strerror}") from None
    return facts_from_bytes(data, shown, known, allow_context=allow_context)


def facts_from_bytes(
    data: bytes, shown: str, known: Vocabulary | None, *, allow_context: bool = False
) -> Declarations:
    """`load_facts_file` of bytes already read (a policy's facts file as the compile cache key
    hashed it, or as an audit log stored it); raises DiagnosticError."""
    from eligibility.facts.declared import declarations_from_ast
    from eligibility.syntax.parser import parse_facts
    from eligibility.syntax.source import decode_policy

    text = decode_policy(data, shown)
    tree = parse_facts(text, shown)
    declarations, diagnostics = declarations_from_ast(
        tree.items, known, allow_context=allow_context
    )
    if diagnostics:
        raise DiagnosticError(diagnostics, {shown: text})
    return declarations


def policy_vocabulary(path: Path) -> Vocabulary:
    """The shipped vocabulary with the facts the policy at `path` declares (compiling it, or
    from the compile cache): what an applicant file for that policy is read against."""
    from eligibility.compiler import load_policy
    from eligibility.facts.vocabulary import for_policies

    return for_policies([load_policy(path).policy.vocabulary])


def shipped_declarations() -> tuple[Declarations, ...]:
    """The declarations of every shipped `*.facts` file, in name order."""
    from eligibility.compile_cache import EntryKey, read_entry, write_entry
    from eligibility.compiler import compiler_fingerprint

    files = shipped_vocabulary_files()
    digest = sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    key = EntryKey("vocab", "vocabulary", digest.hexdigest(), compiler_fingerprint())
    cached: tuple[Declarations, ...] | None = read_entry(key, _decode)
    if cached is not None:
        return cached
    parsed = _parse_shipped(files)
    write_entry(key, parsed, _codec().encode)
    return parsed


def _parse_shipped(files: tuple[Path, ...]) -> tuple[Declarations, ...]:
    parts: list[Declarations] = []
    for file in files:
        known = Vocabulary(tuple(parts)) if parts else None
        shown = file.relative_to(PACKAGE_DIR).as_posix()
        parts.append(load_facts_file(file, shown, known, allow_context=True))
    return tuple(parts)


@cache
def _codec() -> Any:
    from eligibility import plaindata
    from eligibility.facts import vocabulary

    return plaindata.codec_for({"vocab": vocabulary})


def _decode(data: Any) -> tuple[Declarations, ...]:
    parts = _codec().decode(data)
    if not isinstance(parts, tuple) or not all(isinstance(p, Declarations) for p in parts):
        raise TypeError("a vocabulary cache entry holds something else")
    return parts
