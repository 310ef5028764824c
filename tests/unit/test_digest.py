"""`digest.sha256` is SHA-256 (the built-in module's, or hashlib's): the cache keys and the
recorded hashes of applicant files do not change with it."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from eligibility.digest import sha256


@given(st.binary(max_size=5000))
def test_the_same_digest_as_hashlib(data: bytes) -> None:
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    incremental = sha256()
    incremental.update(data[:7])
    incremental.update(data[7:])
    assert incremental.digest() == hashlib.sha256(data).digest()
