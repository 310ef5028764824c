"""The on-disk cache of compiled policies: entries that can neither lie nor run code.

An entry is JSON data (`plaindata`), never pickle: reading one builds only IR and Datalog
records. Each entry opens with a header line naming what it was made from: the policy's
identity (`resources.policy_identity`), the SHA-256 of the policy text, the fingerprint of the
compiler (package version, grammar and the source of every module that shapes the compiled
result) and the SHA-256 of the payload that follows. An entry is used only when all four match
the text just read and the running compiler; anything else (a stale, swapped, truncated, edited or
undecodable entry) is a miss, and the policy is compiled again and the entry rewritten.

The directory is `$ELIGIBILITY_CACHE_DIR/eligibility`, else `$XDG_CACHE_HOME/eligibility`, else
`$HOME/.cache/eligibility` (only when `HOME` names an existing directory). It is created 0700
and used only while it is a real directory owned by this user and writable by nobody else;
otherwise checks compile without caching and say so once on stderr. Entries are written to a
private temporary file and renamed into place, so concurrent cold starts never see half an entry.
"""

from __future__ import annotations

import gc
import json
import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eligibility.digest import sha256
from eligibility.frozen import frozen_record

FORMAT = "eligibility.compiled/2"  # 2: references as bare integers
_MAX_ENTRIES = 200  # oldest entries beyond this are removed when a new one is written
_STALE_TEMPORARY_SECONDS = 3600
_warned: set[str] = set()


@frozen_record
class EntryKey:
    """What an entry must have been made from to be used."""

    kind: str  # "full" or "gates"
    identity: str
    source_sha256: str
    compiler: str

    def file_name(self) -> str:
        digest = sha256(
            f"{self.identity}\0{self.source_sha256}\0{self.compiler}".encode()
        ).hexdigest()
        return f"{digest}.{self.kind}.json"

    def header(self, payload_sha256: str) -> dict[str, str]:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "identity": self.identity,
            "source_sha256": self.source_sha256,
            "compiler": self.compiler,
            "payload_sha256": payload_sha256,
        }


def cache_directory() -> Path | None:
    """The cache directory, created if need be, or None when there is none safe to use."""
    base = _base_directory()
    if base is None:
        return None
    directory = base / "eligibility"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.lstat(directory)
    except OSError:
        return None  # a read-only or missing home still checks, only slower
    problem = _unsafe(status)
    if problem:
        _warn_once(f"note: not caching compiled policies: {directory} {problem}")
        return None
    return directory


def _base_directory() -> Path | None:
    for variable in ("ELIGIBILITY_CACHE_DIR", "XDG_CACHE_HOME"):
        value = os.environ.get(variable)
        if value and os.path.isabs(value):
            return Path(value)
    home = os.environ.get("HOME")
    if home and os.path.isabs(home) and os.path.isdir(home):
        return Path(home) / ".cache"
    return None


def _unsafe(status: os.stat_result) -> str:
    if stat.S_ISLNK(status.st_mode) or not stat.S_ISDIR(status.st_mode):
        return "is not a directory"
    if hasattr(os, "geteuid") and status.st_uid != os.geteuid():
        return f"is owned by another user (uid {status.st_uid})"
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "is writable by other users"
    return ""


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(message, file=sys.stderr)


def read_entry(key: EntryKey, decode: Callable[[Any], Any]) -> Any | None:
    """The decoded payload of the entry made from exactly `key`, or None."""
    directory = cache_directory()
    if directory is None:
        return None
    collecting = gc.isenabled()
    try:
        data = (directory / key.file_name()).read_bytes()
        header_line, _, payload = data.partition(b"\n")
        header = json.loads(header_line)
        if header != key.header(sha256(payload).hexdigest()):
            return None
        # The cyclic collector paused: parsing and decoding allocate a cold check's largest
        # burst of objects (~10,000 records and their JSON), none of them in a cycle, and the
        # collections that burst triggered found nothing to free.
        gc.disable()
        return decode(json.loads(payload))
    except Exception:  # noqa: BLE001 - any unreadable entry is a miss, never an error
        return None
    finally:
        if collecting:
            gc.enable()


def memoised(name: str, files: list[Path], compute: Callable[[], str]) -> str:
    """`compute()`, a digest of the contents of `files`, remembered in the cache directory
    against each file's size and modification time: while none of them changes, one small
    read and a stat per file instead of reading and hashing them all (the compiler's ~60
    source files: ~4.5 ms of every check). Without a safe directory, computed each time."""
    directory = cache_directory()
    try:
        stamps = [(file.as_posix(), os.stat(file)) for file in files]
    except OSError:
        return compute()  # a file gone: the digest reports it (or fails) as it always did
    stamp = sha256(
        "\n".join(f"{p}\0{s.st_size}\0{s.st_mtime_ns}" for p, s in stamps).encode()
    ).hexdigest()
    if directory is None:
        return compute()
    target = directory / f"{name}.memo"
    try:
        remembered, _, value = target.read_text(encoding="ascii").partition("\n")
        if remembered == stamp and len(value) == 64 and value.isalnum():
            return value
    except (OSError, UnicodeDecodeError):
        pass
    value = compute()
    temporary = directory / f"{target.name}.{os.getpid()}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(f"{stamp}\n{value}")
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
    return value


def write_entry(key: EntryKey, value: Any, encode: Callable[[Any], Any]) -> None:
    """Store `value` under `key`; silently nothing when there is no safe directory or no room."""
    directory = cache_directory()
    if directory is None:
        return
    try:
        payload = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode()
    except (TypeError, ValueError, RecursionError):
        return  # an IR too deep to store: compiled each time
    header = json.dumps(key.header(sha256(payload).hexdigest())).encode()
    target = directory / key.file_name()
    temporary = directory / f"{target.name}.{os.getpid()}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(header + b"\n" + payload)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        return
    _tidy(directory)


def _tidy(directory: Path) -> None:
    """Remove temporary files left by a killed writer, and the oldest entries beyond the cap."""
    now = time.time()
    try:
        entries = []
        for path in directory.iterdir():
            modified = path.stat().st_mtime
            if path.name.endswith(".tmp") and now - modified > _STALE_TEMPORARY_SECONDS:
                path.unlink(missing_ok=True)
            elif path.name.endswith(".json"):
                entries.append((modified, path))
        for _, path in sorted(entries)[:-_MAX_ENTRIES]:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # tidying is best effort; another process may be doing the same
