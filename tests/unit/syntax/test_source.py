"""Policy bytes → text: a BOM is accepted, bytes that are not UTF-8 are E0103 at the line and
column of the bad byte, and both the `compile` command and the cached loader go through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.commands import main
from eligibility.compiler import load_policy
from eligibility.diagnostics import DiagnosticError, render_all
from eligibility.syntax.source import decode_policy
from tests.support import POLICY_FILE, REPO


def not_utf8(data: bytes):
    with pytest.raises(DiagnosticError) as caught:
        decode_policy(data, "s.policy")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E0103"
    return diagnostic, caught.value


def test_plain_utf8_is_returned_unchanged() -> None:
    assert decode_policy('policy t "测试"\n'.encode(), "s.policy") == 'policy t "测试"\n'


def test_one_byte_order_mark_is_dropped() -> None:
    assert decode_policy(b"\xef\xbb\xbfpolicy", "s.policy") == "policy"


def test_a_second_byte_order_mark_is_text() -> None:
    assert decode_policy(b"\xef\xbb\xbf\xef\xbb\xbfp", "s.policy") == "\ufeffp"


def test_line_endings_become_newlines_as_in_text_mode() -> None:
    assert decode_policy(b"a\r\nb\rc\n", "s.policy") == "a\nb\nc\n"


def test_bad_byte_after_crlf_lines_counts_lines_once() -> None:
    diagnostic, error = not_utf8(b"a\r\nb\r\n\xff")
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 1)
    assert error.sources["s.policy"] == "a\nb\n\ufffd"


def test_bad_byte_is_reported_at_its_line_and_character_column() -> None:
    diagnostic, error = not_utf8("ab\n中文".encode() + b"\xffx\n")
    span = diagnostic.span
    assert (span.file, span.line, span.column) == ("s.policy", 2, 3)
    assert "0xFF" in diagnostic.message
    assert error.sources["s.policy"] == "ab\n中文\ufffdx\n"
    rendered = render_all(error)
    assert "--> s.policy:2:3" in rendered and "^ not UTF-8" in rendered


def test_truncated_multibyte_character_at_the_end() -> None:
    diagnostic, _ = not_utf8("policy 中".encode()[:-1])
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 8)


def test_columns_count_after_a_byte_order_mark() -> None:
    diagnostic, _ = not_utf8(b"\xef\xbb\xbfab\x80")
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 3)


def shipped_policy_bytes() -> bytes:
    return (REPO / POLICY_FILE).read_bytes()


def test_compile_command_reports_bad_bytes_with_exit_3(tmp_path: Path, capsys) -> None:
    data = shipped_policy_bytes()
    cut = data.index(b"\n", 200) + 1
    policy = tmp_path / "bad.policy"
    policy.write_bytes(data[:cut] + b"  \xc3\x28 # broken\n" + data[cut:])
    assert main(["compile", str(policy)]) == 3
    err = capsys.readouterr().err
    assert "E0103" in err and "^" in err
    line = data[:cut].count(b"\n") + 1
    assert f"bad.policy:{line}:3" in err


def test_compile_command_accepts_a_byte_order_mark(tmp_path: Path, capsys) -> None:
    policy = tmp_path / "bom.policy"
    policy.write_bytes(b"\xef\xbb\xbf" + shipped_policy_bytes())
    assert main(["compile", str(policy)]) == 0


def test_cached_loader_decodes_too(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(tmp_path / "cache"))
    policy = tmp_path / "bad.policy"
    policy.write_bytes(shipped_policy_bytes() + b"\n\xff\n")
    with pytest.raises(DiagnosticError) as caught:
        load_policy(policy)
    assert [d.code for d in caught.value.diagnostics] == ["E0103"]
