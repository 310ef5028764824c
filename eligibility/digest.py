"""SHA-256 for the check path (the compile cache's keys, the applicant file's and the grammar's
hashes) from CPython's built-in module: `hashlib` loads OpenSSL first, ~3.5 ms of every cold
`check`. The same digests; `hashlib`'s when the built-in module is not there."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # CPython 3.12 and later
        except ImportError:
            from hashlib import sha256

__all__ = ["sha256"]
