"""The audit log's SQLite file: opening it, appending an entry, reading entries and files.

One transaction per entry, begun with `BEGIN IMMEDIATE`: the chain head is read and extended
while this connection holds the write lock, so concurrent writers queue instead of forking the
chain. WAL with `synchronous=FULL`: once `append` returns, the entry survives a crash or power
cut; a writer killed before that leaves nothing of the entry (SQLite rolls the WAL back).
The tables are plain so that `sqlite3` or Datasette can read them (docs/audit-log.md).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from eligibility.audit.entry import GENESIS, Entry, NewEntry, canonical, chain_hash, content_of
from eligibility.audit.errors import LogInputError, NotRecordedError

LOG_FORMAT = "eligibility audit log"
LOG_FORMAT_VERSION = "2"  # 2: the facts files policies use are stored (facts_files)
BUSY_TIMEOUT_MS = 60_000  # a writer waits this long for the others before giving up

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,        -- the entry id: 1, 2, 3, ...
    kind TEXT NOT NULL,             -- 'check' or 'round'
    recorded_at TEXT NOT NULL,      -- UTC, ISO 8601
    recorded_by TEXT NOT NULL,      -- --by, else the OS user
    applicant_ids TEXT NOT NULL,    -- the applicants decided, comma-separated
    content TEXT NOT NULL,          -- the whole entry, RFC 8785 canonical JSON
    previous_hash TEXT NOT NULL,    -- the hash of entry seq-1 (64 zeros for the first)
    hash TEXT NOT NULL              -- SHA-256(previous_hash || content)
);
CREATE TABLE IF NOT EXISTS applicant_files (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS policy_texts (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS facts_files (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL);
CREATE VIEW IF NOT EXISTS results AS
    SELECT e.seq, e.recorded_at, e.recorded_by,
           json_extract(d.value, '$.applicant_id') AS applicant_id,
           json_extract(r.value, '$.policy_id') AS policy_id,
           json_extract(r.value, '$.programme') AS programme,
           json_extract(r.value, '$.title') AS title,
           json_extract(r.value, '$.outcome') AS outcome,
           json_extract(r.value, '$.amount') AS amount
    FROM entries e, json_each(e.content, '$.decisions') d, json_each(d.value, '$.results') r;
"""


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun and ended explicitly)."""
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    return sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)


def open_for_reading(path: Path) -> sqlite3.Connection:
    """An existing log, read-only; LogInputError when it is missing or not a log."""
    if not path.is_file():
        raise LogInputError(f"error: no audit log at {path}")
    try:
        connection = _connect(path, read_only=True)
        _check_is_log(connection, path)
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise LogInputError(f"error: {path} is not an audit log ({error})") from None
        raise LogInputError(f"error: cannot read the audit log {path} ({error})") from None
    return connection


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """`open_for_reading`, closed at the end of the `with` block."""
    connection = open_for_reading(path)
    try:
        yield connection
    finally:
        connection.close()


def open_for_writing(path: Path) -> sqlite3.Connection:
    """The log at `path`, created when absent; NotRecordedError when it cannot be written."""
    if path.exists() and not path.is_file():
        raise LogInputError(f"error: {path} is not an audit log (not a file)")
    try:
        if not path.exists():
            _create(path)
        connection = _connect(path, read_only=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        _create_tables(connection)
        _check_is_log(connection, path)
        _migrate(connection)
    except sqlite3.DatabaseError as error:
        raise _not_recorded(error, path) from None
    return connection


def _create(path: Path) -> None:
    """Make a new log under a temporary name and link it into place, so that a writer killed
    while creating it never leaves a file at `path` without the tables (another writer may win
    the race: its log is as good)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.creating")
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")  # kept in the file's header
            _create_tables(connection)
        finally:
            connection.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise NotRecordedError(f"error: cannot create the audit log {path}: {reason}") from None
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            leftover.unlink(missing_ok=True)


def _create_tables(connection: sqlite3.Connection) -> None:
    if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'log_info'").fetchone():
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.executemany(
                "INSERT OR IGNORE INTO log_info VALUES (?, ?)",
                (("format", LOG_FORMAT), ("format_version", LOG_FORMAT_VERSION)),
            )
        connection.execute("COMMIT")
    except BaseException:
        connection.rollback()
        raise


def _migrate(connection: sqlite3.Connection) -> None:
    """A log of format 1 (before facts files were stored) gains the `facts_files` table when
    it is next written to; its entries are untouched, so they verify as before."""
    if _has_table(connection, "facts_files"):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS facts_files (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL)"
        )
        connection.execute(
            "UPDATE log_info SET value = ? WHERE key = 'format_version'", (LOG_FORMAT_VERSION,)
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.rollback()
        raise


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return found is not None


def _check_is_log(connection: sqlite3.Connection, path: Path) -> None:
    try:
        row = connection.execute("SELECT value FROM log_info WHERE key = 'format'").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None or row[0] != LOG_FORMAT:
        raise LogInputError(f"error: {path} is an SQLite database but not an audit log")


def _not_recorded(error: sqlite3.DatabaseError, path: Path) -> Exception:
    """One clear line for each way SQLite refuses to write; a file that is not SQLite at all
    is the user's input to fix (exit 2), anything else means nothing was recorded (exit 6)."""
    name = getattr(error, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return LogInputError(f"error: {path} is not an audit log (not an SQLite database)")
    reasons = {
        "SQLITE_READONLY": "the log is read-only",
        "SQLITE_FULL": "the disk (or the log's size limit) is full",
        "SQLITE_CANTOPEN": "the log cannot be opened or created there",
        "SQLITE_BUSY": "other writers held the log for too long",
        "SQLITE_IOERR": "the disk reported an I/O error",
        "SQLITE_PERM": "permission denied",
    }
    reason = next((text for key, text in reasons.items() if name.startswith(key)), str(error))
    return NotRecordedError(f"error: cannot record in the audit log {path}: {reason} ({error})")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")


def append(connection: sqlite3.Connection, path: Path, new: NewEntry) -> Entry:
    """Add `new` after the current head, in one transaction; the returned entry is durable.
    On any failure the transaction is rolled back and NotRecordedError raised."""
    try:
        connection.execute("BEGIN IMMEDIATE")  # the write lock, before the head is read
        try:
            entry = _insert(connection, new)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    except sqlite3.DatabaseError as error:
        raise _not_recorded(error, path) from None
    return entry


def _insert(connection: sqlite3.Connection, new: NewEntry) -> Entry:
    head = connection.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    seq, previous = (head[0] + 1, head[1]) if head else (1, GENESIS)
    recorded_at = _now()
    content = canonical(content_of(new, seq, recorded_at))
    entry = Entry(
        seq,
        new.kind,
        recorded_at,
        new.recorded_by,
        ", ".join(new.applicant_ids),
        content,
        previous,
        chain_hash(previous, content),
    )
    for table, files in (
        ("applicant_files", new.applicant_files),
        ("policy_texts", new.policy_texts),
        ("facts_files", new.facts_files),
    ):
        connection.executemany(
            f"INSERT OR IGNORE INTO {table} (sha256, bytes) VALUES (?, ?)",
            ((f.sha256, f.data) for f in files),
        )
    connection.execute(
        "INSERT INTO entries (seq, kind, recorded_at, recorded_by, applicant_ids, content, "
        "previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.seq,
            entry.kind,
            entry.recorded_at,
            entry.recorded_by,
            entry.applicant_ids,
            entry.content,
            entry.previous_hash,
            entry.hash,
        ),
    )
    return entry


_ENTRY_COLUMNS = "seq, kind, recorded_at, recorded_by, applicant_ids, content, previous_hash, hash"


def entries(connection: sqlite3.Connection) -> Iterator[Entry]:
    """Every entry in seq order, as stored."""
    for row in connection.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries ORDER BY seq"):
        yield Entry(*row)


def entry_at(connection: sqlite3.Connection, seq: int) -> Entry | None:
    row = connection.execute(
        f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE seq = ?", (seq,)
    ).fetchone()
    return Entry(*row) if row else None


FILE_TABLES = ("applicant_files", "policy_texts", "facts_files")


def stored_file(connection: sqlite3.Connection, table: str, sha256: str) -> bytes | None:
    assert table in FILE_TABLES
    if not _has_table(connection, table):  # a log of format 1 has no facts_files
        return None
    row = connection.execute(f"SELECT bytes FROM {table} WHERE sha256 = ?", (sha256,)).fetchone()
    return _as_bytes(row[0]) if row else None


def stored_files(connection: sqlite3.Connection, table: str) -> Iterator[tuple[str, bytes]]:
    assert table in FILE_TABLES
    if not _has_table(connection, table):
        return
    for sha256, data in connection.execute(f"SELECT sha256, bytes FROM {table} ORDER BY sha256"):
        yield sha256, _as_bytes(data)


def _as_bytes(value: bytes | str) -> bytes:
    """A stored file's bytes; a hand edit with SQL's replace() turns a BLOB into TEXT."""
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)
