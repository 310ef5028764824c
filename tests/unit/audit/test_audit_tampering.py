"""`audit verify` finds each kind of tampering an auditor can do with `sqlite3` by hand, at the
entry where it was done, and exits 1; an untouched log verifies with 0. A dropped tail, or a
chain recomputed after an edit, is caught against a checkpoint, signed or not."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.audit.entry import GENESIS, canonical, chain_hash
from tests.unit.audit.conftest import RECORDED, check_arguments, run, verdict_of


def _first(log: Path) -> tuple[int | None, str]:
    problems = verdict_of(log).problems
    assert problems, "verify found nothing"
    return problems[0].seq, problems[0].kind


def _rechain(db: sqlite3.Connection) -> None:
    """What a careful forger does after an edit: recompute every hash from the first entry on."""
    previous = GENESIS
    for seq, content in db.execute("SELECT seq, content FROM entries ORDER BY seq").fetchall():
        digest = chain_hash(previous, content)
        db.execute(
            "UPDATE entries SET previous_hash = ?, hash = ? WHERE seq = ?", (previous, digest, seq)
        )
        previous = digest


def test_an_untouched_log_verifies(log: Path) -> None:
    code, out, _ = run(["audit", "verify", str(log)])
    assert code == 0 and out.startswith("ok: 3 entries")
    assert not verdict_of(log).problems


def test_editing_one_byte_of_a_decision_is_found_at_that_entry(
    log: Path, db: sqlite3.Connection
) -> None:
    content = db.execute("SELECT content FROM entries WHERE seq = 2").fetchone()[0]
    assert '"outcome":"does_not_qualify"' in content
    edited = content.replace('"outcome":"does_not_qualify"', '"outcome":"does_not_qualifY"', 1)
    db.execute("UPDATE entries SET content = ? WHERE seq = 2", (edited,))
    assert _first(log) == (2, "edited")
    code, out, _ = run(["audit", "verify", str(log)])
    assert code == 1 and "first problem is at entry 2 (edited)" in out


def test_an_edited_amount_that_stays_canonical_is_still_found(
    log: Path, db: sqlite3.Connection
) -> None:
    db.execute(
        "UPDATE entries SET content = replace(content, '500000.00', '600000.00') WHERE seq = 3"
    )
    assert _first(log) == (3, "edited")


def test_deleting_an_entry_is_found(log: Path, db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM entries WHERE seq = 2")
    seq, kind = _first(log)
    assert (seq, kind) == (3, "deleted")
    assert "entry 2 is missing" in verdict_of(log).problems[0].message


def test_swapping_two_entries_is_found(log: Path, db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT seq, content, previous_hash, hash FROM entries WHERE seq IN (1, 2)"
    ).fetchall()
    (_, c1, p1, h1), (_, c2, p2, h2) = rows
    db.execute(
        "UPDATE entries SET content = ?, previous_hash = ?, hash = ? WHERE seq = 1", (c2, p2, h2)
    )
    db.execute(
        "UPDATE entries SET content = ?, previous_hash = ?, hash = ? WHERE seq = 2", (c1, p1, h1)
    )
    problems = verdict_of(log).problems
    assert problems[0].seq == 1 and {p.kind for p in problems} >= {"reordered"}


def test_inserting_an_entry_is_found(log: Path, db: sqlite3.Connection) -> None:
    """A forged entry 2 (a copy of entry 1, renumbered, with a hash of its own) and the later
    entries moved up by one."""
    db.execute("UPDATE entries SET seq = seq + 10 WHERE seq >= 2")
    db.execute("UPDATE entries SET seq = seq - 9 WHERE seq >= 12")
    content, first_hash = db.execute("SELECT content, hash FROM entries WHERE seq = 1").fetchone()
    forged = canonical(dict(json.loads(content), seq=2))
    db.execute(
        "INSERT INTO entries SELECT 2, kind, recorded_at, recorded_by, applicant_ids, ?, ?, ? "
        "FROM entries WHERE seq = 1",
        (forged, first_hash, chain_hash(first_hash, forged)),
    )
    problems = verdict_of(log).problems
    assert problems[0].seq == 3 and problems[0].kind in ("inserted or reordered", "reordered")


def test_changing_a_stored_policy_text_is_found(log: Path, db: sqlite3.Connection) -> None:
    db.execute(
        "UPDATE policy_texts SET bytes = CAST(replace(CAST(bytes AS TEXT), '500万元', '600万元') AS BLOB)"
    )
    problems = verdict_of(log).problems
    assert problems[0].kind == "file changed" and problems[0].seq == 1
    assert "applied by entries 1, 2, 3" in problems[0].message


def test_a_policy_text_replaced_under_a_new_hash_is_found(
    log: Path, db: sqlite3.Connection
) -> None:
    db.execute("UPDATE policy_texts SET sha256 = 'f' || substr(sha256, 2)")
    kinds = {p.kind for p in verdict_of(log).problems}
    assert kinds == {"file missing", "file changed"}


def test_an_edited_column_is_found(log: Path, db: sqlite3.Connection) -> None:
    db.execute("UPDATE entries SET recorded_by = 'someone else' WHERE seq = 1")
    assert _first(log) == (1, "edited")


def test_an_edit_then_a_recomputed_chain_is_caught_by_the_checkpoint(
    log: Path, db: sqlite3.Connection, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "head.json"
    assert run(["audit", "checkpoint", str(log), "--out", str(checkpoint)])[0] == 0
    db.execute(
        "UPDATE entries SET content = replace(content, '500000.00', '600000.00') WHERE seq = 1"
    )
    _rechain(db)
    assert not verdict_of(log).problems  # the chain alone cannot tell
    code, out, _ = run(["audit", "verify", str(log), "--checkpoint", str(checkpoint)])
    assert code == 1 and "rewritten" in out


def test_dropping_the_tail_is_caught_by_the_checkpoint(
    log: Path, db: sqlite3.Connection, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "head.json"
    assert run(["audit", "checkpoint", str(log), "--out", str(checkpoint)])[0] == 0
    assert run(["audit", "verify", str(log), "--checkpoint", str(checkpoint)])[0] == 0
    db.execute("DELETE FROM entries WHERE seq = 3")
    assert not verdict_of(log).problems  # a shorter chain is still a chain
    code, out, _ = run(["audit", "verify", str(log), "--checkpoint", str(checkpoint)])
    assert code == 1 and "entry 3 was removed" in out


def test_a_log_that_grew_after_its_checkpoint_still_verifies(log: Path, tmp_path: Path) -> None:
    checkpoint = tmp_path / "head.json"
    assert run(["audit", "checkpoint", str(log), "--out", str(checkpoint)])[0] == 0
    extra, applicant = RECORDED[0]
    assert run(check_arguments(applicant, extra, log))[0] == 0
    assert run(["audit", "verify", str(log), "--checkpoint", str(checkpoint)])[0] == 0


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private = tmp_path / "bureau.key"
    code, out, _ = run(["audit", "keygen", "--out", str(private)])
    assert code == 0 and "bureau.key.pub" in out
    assert private.stat().st_mode & 0o077 == 0  # the private key is its owner's only
    return private, Path(f"{private}.pub")


def test_a_signed_checkpoint_verifies_and_an_altered_one_does_not(
    log: Path, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    private, public = keys
    checkpoint = tmp_path / "signed.json"
    arguments = ["audit", "checkpoint", str(log), "--key", str(private), "--out", str(checkpoint)]
    assert run(arguments)[0] == 0
    verify_arguments = ["audit", "verify", str(log), "--checkpoint", str(checkpoint)]
    assert run([*verify_arguments, "--public-key", str(public)])[0] == 0
    document = json.loads(checkpoint.read_text())
    document["checkpoint"]["entries"] = 2  # a forger hiding the last entry
    checkpoint.write_text(json.dumps(document))
    code, out, _ = run([*verify_arguments, "--public-key", str(public)])
    assert code == 1 and "signature does not match" in out


def test_a_checkpoint_signed_by_another_key_is_refused(
    log: Path, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    private, _ = keys
    other = tmp_path / "other.key"
    assert run(["audit", "keygen", "--out", str(other)])[0] == 0
    checkpoint = tmp_path / "signed.json"
    assert (
        run(["audit", "checkpoint", str(log), "--key", str(other), "--out", str(checkpoint)])[0]
        == 0
    )
    code, out, _ = run(
        [
            "audit",
            "verify",
            str(log),
            "--checkpoint",
            str(checkpoint),
            "--public-key",
            f"{private}.pub",
        ]
    )
    assert code == 1 and "signed by another key" in out


def test_no_checkpoint_is_made_of_a_broken_log(log: Path, db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM entries WHERE seq = 1")
    code, out, err = run(["audit", "checkpoint", str(log)])
    assert code == 1 and out == "" and "does not verify" in err


def test_a_rechained_entry_of_another_shape_is_refused_by_name_never_a_crash(
    log: Path, db: sqlite3.Connection
) -> None:
    """A forger who knows the hash rule writes an entry of another shape and recomputes the
    chain: verify calls it edited; show, list and replay name it instead of failing."""
    content = json.loads(db.execute("SELECT content FROM entries WHERE seq = 2").fetchone()[0])
    del content["decisions"][0]["results"][0]["outcome"]
    db.execute("UPDATE entries SET content = ? WHERE seq = 2", (canonical(content),))
    _rechain(db)
    assert _first(log) == (2, "edited")
    assert "$.decisions[0].results[0].outcome is missing" in verdict_of(log).problems[0].message
    code, out, err = run(["audit", "show", str(log), "2"])
    assert (code, out) == (2, "") and "entry 2 cannot be read" in err
    assert "cannot be read" in run(["audit", "list", str(log)])[1].splitlines()[1]
    code, out, _ = run(["audit", "replay", str(log), "2"])
    assert code == 1 and out.startswith(
        "entry 2: not replayed: the entry cannot be read: $.decisions[0]"
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_any_edit_of_any_byte_of_an_entry_is_found_at_that_entry(
    recorded: tuple[Path, tuple[str, ...]], tmp_path: Path, data: st.DataObject
) -> None:
    copy = tmp_path / f"copy-{data.draw(st.uuids())}.db"
    shutil.copyfile(recorded[0], copy)
    db = sqlite3.connect(copy, isolation_level=None)
    try:
        seq = data.draw(st.integers(1, 3), label="entry")
        content = db.execute("SELECT content FROM entries WHERE seq = ?", (seq,)).fetchone()[0]
        at = data.draw(st.integers(0, len(content) - 1), label="position")
        new = data.draw(st.characters(codec="utf-8").filter(lambda c: c != content[at]))
        db.execute(
            "UPDATE entries SET content = ? WHERE seq = ?",
            (content[:at] + new + content[at + 1 :], seq),
        )
    finally:
        db.close()
    assert _first(copy) == (seq, "edited")


def test_replay_of_an_entry_whose_stored_text_was_changed_is_refused(
    log: Path, db: sqlite3.Connection
) -> None:
    db.execute(
        "UPDATE policy_texts SET bytes = CAST(replace(CAST(bytes AS TEXT), 'at most 50万元', 'at most 90万元') AS BLOB)"
    )
    code, out, _ = run(["audit", "replay", str(log), "1"])
    assert code == 1
    assert out.startswith("entry 1: not replayed: the stored file ")
    assert "is missing or changed (run verify)" in out
