"""`audit checkpoint` and `audit verify --checkpoint`: the log's head (entry count and hash),
optionally signed with an Ed25519 key, for the bureau to keep elsewhere.

A chain proves that no entry was changed relative to its neighbours, but not that the last
entries are still there, nor that the whole chain was not recomputed after an edit; the
checkpoint does: entry `entries` of the log must still have hash `head`. The signature covers
the RFC 8785 text of the "checkpoint" object. cryptography is imported only here.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eligibility.audit.entry import canonical
from eligibility.audit.errors import LogInputError
from eligibility.audit.verify import Problem, Verdict

CHECKPOINT_FORMAT = "eligibility audit checkpoint"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    entries: int
    head: str
    made_at: str
    signature: dict[str, str] | None  # {"algorithm", "public_key", "value"} (base64)


def make(verdict: Verdict, key_file: Path | None) -> dict[str, Any]:
    """The checkpoint document of a verified log, signed when a private key is given."""
    body = {
        "format": CHECKPOINT_FORMAT,
        "entries": verdict.entries,
        "head": verdict.head,
        "made_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    signature = None
    if key_file is not None:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        key = _private_key(key_file)
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        signature = {
            "algorithm": "Ed25519",
            "public_key": base64.b64encode(public).decode(),
            "value": base64.b64encode(key.sign(canonical(body).encode())).decode(),
        }
    return {"checkpoint": body, "signature": signature}


def make_key_pair(private_file: Path) -> Path:
    """Write a new Ed25519 private key (PEM, readable by its owner only) and its public key
    beside it (`<file>.pub`); returns the public key's path."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    if private_file.exists():
        raise LogInputError(f"error: {private_file} exists; not overwriting a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    descriptor = os.open(private_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public_file = private_file.with_name(private_file.name + ".pub")
    public_file.write_bytes(
        key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    return public_file


def _private_key(path: Path) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise LogInputError(f"error: cannot read the key {path}: {error.strerror}") from None
    except (ValueError, TypeError) as error:
        raise LogInputError(
            f"error: {path} is not an unencrypted PEM private key ({error})"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise LogInputError(f"error: {path} is not an Ed25519 key")
    return key


def _public_key_raw(path: Path) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_public_key,
    )

    try:
        key = load_pem_public_key(path.read_bytes())
    except OSError as error:
        raise LogInputError(f"error: cannot read the key {path}: {error.strerror}") from None
    except (ValueError, TypeError) as error:
        raise LogInputError(f"error: {path} is not a PEM public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise LogInputError(f"error: {path} is not an Ed25519 public key")
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def load(path: Path) -> Checkpoint:
    """A checkpoint file; LogInputError when it is missing or not a checkpoint."""
    try:
        document = json.loads(path.read_bytes())
        body, signature = document["checkpoint"], document["signature"]
        if body["format"] != CHECKPOINT_FORMAT:
            raise ValueError(f"format is {body['format']!r}")
        entries, head = body["entries"], body["head"]
        if not isinstance(entries, int) or not isinstance(head, str):
            raise ValueError("entries must be a number and head a hash")
        return Checkpoint(entries, head, str(body.get("made_at", "")), signature)
    except OSError as error:
        raise LogInputError(f"error: cannot read the checkpoint {path}: {error.strerror}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise LogInputError(f"error: {path} is not an audit checkpoint ({error})") from None


def check(
    verdict: Verdict, checkpoint_file: Path, public_key_file: Path | None
) -> tuple[Problem, ...]:
    """What is wrong between the log and a checkpoint (empty: the log extends it)."""
    point = load(checkpoint_file)
    problems = list(_signature_problems(checkpoint_file, point, public_key_file))
    if verdict.entries < point.entries:
        problems.append(
            Problem(
                verdict.entries + 1,
                "truncated",
                f"the log has {verdict.entries} entries, "
                f"the checkpoint of {point.made_at} saw {point.entries}: "
                f"{_entries(verdict.entries + 1, point.entries)} removed",
            )
        )
    elif point.entries and verdict.hashes[point.entries - 1] != point.head:
        problems.append(
            Problem(
                point.entries,
                "rewritten",
                f"entry {point.entries} no longer has the hash "
                f"the checkpoint of {point.made_at} saw: the log was rewritten up to it",
            )
        )
    return tuple(problems)


def _entries(first: int, last: int) -> str:
    return f"entry {first} was" if first == last else f"entries {first}–{last} were"


def _signature_problems(
    path: Path, point: Checkpoint, public_key_file: Path | None
) -> list[Problem]:
    if point.signature is None:
        if public_key_file is None:
            return []
        return [Problem(None, "unsigned", f"the checkpoint {path} is not signed")]
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        embedded = base64.b64decode(point.signature["public_key"], validate=True)
        value = base64.b64decode(point.signature["value"], validate=True)
        key = Ed25519PublicKey.from_public_bytes(embedded)
    except (KeyError, ValueError, TypeError) as error:
        raise LogInputError(f"error: {path}: the signature is malformed ({error})") from None
    if public_key_file is not None and _public_key_raw(public_key_file) != embedded:
        return [Problem(None, "signature", f"the checkpoint {path} was signed by another key")]
    body = {
        "format": CHECKPOINT_FORMAT,
        "entries": point.entries,
        "head": point.head,
        "made_at": point.made_at,
    }
    try:
        key.verify(value, canonical(body).encode())
    except InvalidSignature:
        return [
            Problem(
                None,
                "signature",
                f"the checkpoint {path}'s signature does not match "
                "its content: the checkpoint was altered",
            )
        ]
    return []
