"""The language server driven over stdio as an editor drives it: `python -m eligibility lsp` in
a subprocess, JSON-RPC with Content-Length framing. One session walks initialize, didOpen of a
broken policy (→ publishDiagnostics at the right UTF-16 range), hover on a field and on a
citation, definition, completion, didChange that repairs the text (→ no diagnostics),
shutdown and exit (→ exit code 0)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.unit.editor.policy_text import POLICY, position

pytest.importorskip("pygls")

URI = "file:///tmp/editor-test/t.policy"
BROKEN = POLICY.replace("legal_form in forms", "legal_fom in forms")
TIMEOUT = 60  # seconds for one message: the first compile imports lark and builds the parser


class Client:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            headers: dict[str, str] = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any] | None) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        message = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        assert "error" not in message, message
        return message["result"]

    def wait(self, wanted: Any) -> dict[str, Any]:
        while True:
            message = self.messages.get(timeout=TIMEOUT)
            if wanted(message):
                return message

    def diagnostics(self) -> list[dict[str, Any]]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert message["params"]["uri"] == URI
        result: list[dict[str, Any]] = message["params"]["diagnostics"]
        return result


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    env = {**os.environ, "ELIGIBILITY_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "eligibility", "lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=Path(__file__).parent,
    )
    try:
        yield Client(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT)


def _at(text: str, needle: str, inside: int = 1) -> dict[str, int]:
    line, column = position(text, needle, inside=inside)
    prefix = text.split("\n")[line][:column]
    return {"line": line, "character": len(prefix.encode("utf-16-le")) // 2}


def _doc(**more: Any) -> dict[str, Any]:
    return {"textDocument": {"uri": URI}, **more}


def test_a_whole_session(client: Client) -> None:
    init = client.request(
        "initialize",
        {
            "processId": None,
            "rootUri": None,
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
        },
    )
    capabilities = init["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["definitionProvider"]
    assert capabilities["completionProvider"]["triggerCharacters"] == [".", "@"]
    client.notify("initialized", {})

    client.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": URI,
                "languageId": "eligibility-policy",
                "version": 1,
                "text": BROKEN,
            }
        },
    )
    [diagnostic] = client.diagnostics()
    assert diagnostic["code"] == "E0204" and diagnostic["severity"] == 1
    assert (
        "legal_fom" in diagnostic["message"]
        and "did you mean `legal_form`" in diagnostic["message"]
    )
    start = _at(BROKEN, "legal_fom", inside=0)
    # 2 spaces, `requires `, `"市场主体𠮷": `: 𠮷 counts 2 UTF-16 units, each CJK character 1
    assert start["character"] == len('  requires "市场主体𠮷": ') + 1
    assert diagnostic["range"] == {
        "start": start,
        "end": {"line": start["line"], "character": start["character"] + len("legal_fom")},
    }

    field = client.request("textDocument/hover", _doc(position=_at(BROKEN, "credit_good")))
    assert field["contents"]["kind"] == "markdown"
    assert "信用良好" in field["contents"]["value"] and "是/否" in field["contents"]["value"]

    article = client.request("textDocument/hover", _doc(position=_at(BROKEN, "第九条（二）")))
    assert "促成知识产权交易3笔以上" in article["contents"]["value"]
    assert "渝知发〔2024〕22号 第九条（二）" in article["contents"]["value"]

    where = client.request("textDocument/definition", _doc(position=_at(BROKEN, "deals)")))
    assert where["uri"] == URI
    assert where["range"]["start"] == _at(BROKEN, "deals", inside=0)

    outline = client.request("textDocument/documentSymbol", _doc())
    assert [(s["name"], s["kind"]) for s in outline] == [
        ("forms", 10),
        ("good", 12),
        ("deals", 5),
        ("p", 2),
    ]

    typed = BROKEN.split("\n").index("  requires @good")
    items = client.request(
        "textDocument/completion", _doc(position={"line": typed, "character": len("  requires @g")})
    )["items"]
    assert [i["label"] for i in items] == ["good"]

    for version, text in ((2, BROKEN.replace("good", "goo")), (3, POLICY)):  # typed quickly
        client.notify(
            "textDocument/didChange",
            _doc(contentChanges=[{"text": text}])
            | {"textDocument": {"uri": URI, "version": version}},
        )
    published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert published["params"] == {"uri": URI, "version": 3, "diagnostics": []}  # 2 was skipped

    assert client.request("shutdown", None) is None
    client.notify("exit", {})
    assert client.process.wait(timeout=TIMEOUT) == 0


def test_columns_in_utf8_when_the_client_asks_for_them(client: Client) -> None:
    init = client.request(
        "initialize",
        {
            "processId": None,
            "rootUri": None,
            "capabilities": {"general": {"positionEncodings": ["utf-8"]}},
        },
    )
    assert init["capabilities"]["positionEncoding"] == "utf-8"
    client.notify("initialized", {})
    client.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": URI,
                "languageId": "eligibility-policy",
                "version": 1,
                "text": BROKEN,
            }
        },
    )
    [diagnostic] = client.diagnostics()
    assert diagnostic["range"]["start"]["character"] == len('  requires "市场主体𠮷": '.encode())
    hover = client.request("textDocument/hover", _doc(position=diagnostic["range"]["start"]))
    assert hover is None  # legal_fom is no field; and no hover at a wrong column either
    start = diagnostic["range"]["start"]
    typed = {"line": start["line"], "character": start["character"] + len("legal_fo")}
    items = client.request("textDocument/completion", _doc(position=typed))["items"]
    assert "legal_form" in [i["label"] for i in items]
    assert items[0]["textEdit"]["range"]["start"] == start
    assert client.request("shutdown", None) is None
    client.notify("exit", {})
    assert client.process.wait(timeout=TIMEOUT) == 0


def test_exit_without_shutdown_is_status_1(client: Client) -> None:
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    client.notify("exit", {})
    assert client.process.wait(timeout=TIMEOUT) == 1


def test_lsp_without_pygls_says_so(tmp_path: Path) -> None:
    """A Python that cannot import pygls (a package of that name that refuses to load shadows
    the installed one): a clear message and exit 69, no traceback."""
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('blocked for the test')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "eligibility", "lsp"],
        check=False,
        capture_output=True,
        env=env,
        timeout=TIMEOUT,
    )
    assert done.returncode == 69
    assert b"needs pygls" in done.stderr and b"Traceback" not in done.stderr
