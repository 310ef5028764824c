"""The facts files a recorded policy `uses` are stored in the log and named in the entry: replay
and `audit show --report` compile against the stored copies, so a facts file changed or deleted
on disk afterwards changes nothing; a stored copy tampered with fails `verify`. A log of format 1
(before facts files were stored) still verifies and replays, and gains the table when written."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from eligibility.audit import store
from eligibility.audit.entry import GENESIS, canonical, chain_hash, sha256_hex
from eligibility.audit.errors import NotRecordedError
from eligibility.audit.record import read_policies
from eligibility.compiler import load_policy
from tests.unit.audit.conftest import EXAMPLES, check_arguments, run, verdict_of

AUTHORING = Path(__file__).resolve().parents[3] / "examples" / "authoring"
LABEL = "通过《企业知识产权管理规范》（GB/T 29490）贯标认证"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of examples/authoring (the Xuhui policy and the facts file it uses)."""
    folder = tmp_path / "authoring"
    shutil.copytree(AUTHORING, folder)
    return folder


def _record(folder: Path, applicant: str, log: Path, *extra: str) -> str:
    code, out, err = run(
        [
            "check", str(folder / applicant), "--policy", str(folder / "xuhui-2025.policy"),
            *extra, "--record", str(log),
        ]
    )  # fmt: skip
    assert code == 0, err
    return out


def _content(log: Path, seq: int = 1) -> dict[str, object]:
    with store.reading(log) as connection:
        entry = store.entry_at(connection, seq)
    assert entry is not None
    return dict(json.loads(entry.content))


def test_the_entry_names_the_facts_file_and_the_log_stores_its_bytes(
    example: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.db"
    _record(example, "qualifies.json", log)
    data = (example / "xuhui-2025.facts").read_bytes()
    policies = _content(log)["policies"]
    assert isinstance(policies, list)
    assert policies[0]["uses"] == [{"file": "xuhui-2025.facts", "sha256": sha256_hex(data)}]
    with store.reading(log) as connection:
        assert store.stored_file(connection, "facts_files", sha256_hex(data)) == data
        info = dict(connection.execute("SELECT key, value FROM log_info").fetchall())
    assert info["format_version"] == "2"


def test_a_policy_without_facts_files_is_named_as_before(tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    assert run(check_arguments(EXAMPLES / "cap-binds.json", [], log))[0] == 0
    policies = _content(log)["policies"]
    assert isinstance(policies, list) and set(policies[0]) == {"file", "sha256"}


def test_replay_and_report_use_the_stored_facts_file_not_the_one_on_disk(
    example: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.db"
    recorded = _record(example, "not-yet-certified.json", log, "--format", "json")
    assert LABEL in recorded
    facts = example / "xuhui-2025.facts"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("（GB/T 29490）", "（新标准）"), encoding="utf-8"
    )
    policy = ["--policy", str(example / "xuhui-2025.policy")]
    fresh = run(["check", str(example / "not-yet-certified.json"), *policy, "--format", "json"])
    assert fresh[0] == 0 and LABEL not in fresh[1]  # the file on disk now decides otherwise
    assert run(["audit", "replay", str(log)])[:2] == (0, "entry 1: identical\n")
    facts.unlink()
    assert run(["audit", "replay", str(log)])[:2] == (0, "entry 1: identical\n")
    report = tmp_path / "report.html"
    code, out, err = run(
        ["audit", "show", str(log), "1", "--format", "json", "--report", str(report)]
    )
    assert (code, out) == (0, recorded), err
    assert LABEL in report.read_text(encoding="utf-8")
    assert run(["audit", "verify", str(log)])[0] == 0


def test_tampered_stored_facts_bytes_fail_verify_and_replay(example: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    _record(example, "qualifies.json", log)
    db = sqlite3.connect(log, isolation_level=None)
    db.execute(
        "UPDATE facts_files SET bytes = CAST(replace(CAST(bytes AS TEXT), '失信名单', '黑名单') AS BLOB)"
    )
    db.close()
    problems = verdict_of(log).problems
    assert [(p.seq, p.kind) for p in problems] == [(1, "file changed")]
    assert "the stored facts file" in problems[0].message
    code, out, _ = run(["audit", "verify", str(log)])
    assert code == 1 and "first problem is at entry 1 (file changed)" in out
    code, out, _ = run(["audit", "replay", str(log)])
    assert code == 1 and out.startswith("entry 1: not replayed: the stored file")


def test_a_deleted_stored_facts_file_is_missing_to_verify(example: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    _record(example, "qualifies.json", log)
    db = sqlite3.connect(log, isolation_level=None)
    db.execute("DELETE FROM facts_files")
    db.close()
    problems = verdict_of(log).problems
    assert [(p.seq, p.kind) for p in problems] == [(1, "file missing")]
    assert "the facts file" in problems[0].message


def test_a_facts_file_edited_while_the_policy_was_applied_is_not_recorded(example: Path) -> None:
    policy = example / "xuhui-2025.policy"
    decided = load_policy(policy).policy.vocabulary
    assert read_policies([policy], [decided])[0].facts[0][0] == "xuhui-2025.facts"
    facts = example / "xuhui-2025.facts"
    facts.write_text(facts.read_text(encoding="utf-8").replace("失信名单", "黑名单"), "utf-8")
    with pytest.raises(NotRecordedError, match=r"xuhui-2025\.facts.*changed while it was applied"):
        read_policies([policy], [decided])


def _as_format_1(log: Path) -> None:
    """What a log written before facts files were stored looks like: no `uses` in the entries
    (hashes recomputed as that version made them), no facts_files table, format_version 1."""
    db = sqlite3.connect(log, isolation_level=None)
    previous = GENESIS
    for seq, stored in db.execute("SELECT seq, content FROM entries ORDER BY seq").fetchall():
        content = json.loads(stored)
        for policy in content["policies"]:
            policy.pop("uses", None)
        text = canonical(content)
        digest = chain_hash(previous, text)
        db.execute(
            "UPDATE entries SET content = ?, previous_hash = ?, hash = ? WHERE seq = ?",
            (text, previous, digest, seq),
        )
        previous = digest
    db.execute("DROP TABLE facts_files")
    db.execute("UPDATE log_info SET value = '1' WHERE key = 'format_version'")
    db.close()


def test_a_log_of_format_1_verifies_replays_and_is_migrated_when_written(
    example: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.db"
    _record(example, "qualifies.json", log)
    assert run(check_arguments(EXAMPLES / "cap-binds.json", [], log))[0] == 0
    _as_format_1(log)
    assert run(["audit", "verify", str(log)])[0] == 0
    code, out, _ = run(["audit", "replay", str(log)])
    assert code == 0
    assert out.splitlines() == [
        "entry 1: identical (decided alike despite: facts files read from disk (the entry "
        "predates their storage): xuhui-2025.facts)",
        "entry 2: identical",
    ]
    _record(example, "qualifies.json", log)  # the next write adds the table
    assert run(["audit", "verify", str(log)])[0] == 0
    assert "uses" in _content(log, 3)["policies"][0]  # type: ignore[index]
    (example / "xuhui-2025.facts").unlink()
    out = run(["audit", "replay", str(log), "3"])[1]
    assert out == "entry 3: identical\n"
