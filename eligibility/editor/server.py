"""The language server (`eligibility lsp`, JSON-RPC over stdio, on pygls): a thin layer that
turns LSP requests into calls of `editor.analysis` and its answers into LSP types, converting
positions between characters and the client's code units (UTF-16 unless the client and server
agree on UTF-8 or UTF-32; `editor.positions`).

Diagnostics are published on open, on save, and after a pause in the changes (compiled in a
thread of their own); hover, definition, symbols and completion are answered from the document's
current text. Only this module imports pygls and lsprotocol.
"""

from __future__ import annotations

import asyncio
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import cast
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from eligibility import __version__
from eligibility.editor import analysis
from eligibility.editor.positions import Encoding, from_units, lines_of, to_units
from eligibility.editor.words import Lang

TYPING_PAUSE = 0.25
"""Seconds without a change before a changed document is compiled (Beijing's policy took 1.05 s
to compile, Shanghai's 0.58 s, with the machine's two cores at a load of 9)."""

_SYMBOLS = {
    "values": types.SymbolKind.Enum,
    "conditions": types.SymbolKind.Function,
    "records": types.SymbolKind.Class,
    "programme": types.SymbolKind.Module,
    "interpretation": types.SymbolKind.Variable,
}
_KINDS = {
    "field": types.CompletionItemKind.Field,
    "value": types.CompletionItemKind.EnumMember,
    "keyword": types.CompletionItemKind.Keyword,
    "values": types.CompletionItemKind.Enum,
    "conditions": types.CompletionItemKind.Function,
    "records": types.CompletionItemKind.Class,
    "programme": types.CompletionItemKind.Module,
    "interpretation": types.CompletionItemKind.Variable,
}


class PolicyServer(LanguageServer):
    def __init__(self, lang: Lang) -> None:
        super().__init__("eligibility-lsp", __version__)
        self.lang = lang
        self.shut_down = self.told_to_exit = False
        self.compiler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compile")

    @property
    def encoding(self) -> Encoding:
        chosen = self.workspace.position_encoding or "utf-16"
        value = chosen.value if isinstance(chosen, types.PositionEncodingKind) else chosen
        return cast("Encoding", value if value in ("utf-8", "utf-32") else "utf-16")

    def document(self, uri: str) -> TextDocument:
        return self.workspace.get_text_document(uri)

    def to_client(self, text: str, r: analysis.Range) -> types.Range:
        lines = lines_of(text)

        def position(line: int, column: int) -> types.Position:
            content = lines[line] if line < len(lines) else ""
            return types.Position(line, to_units(content, column, self.encoding))

        return types.Range(position(r.line, r.column), position(r.end_line, r.end_column))

    def from_client(self, text: str, position: types.Position) -> tuple[int, int]:
        lines = lines_of(text)
        content = lines[position.line] if position.line < len(lines) else ""
        return position.line, from_units(content, position.character, self.encoding)

    async def publish(self, uri: str, wait: float = 0.0) -> None:
        """Compile the document and publish its diagnostics. After `wait` seconds, and only if
        no newer change came meanwhile (typing compiles once per pause, not per keystroke);
        compiled in the one compiler thread, so hovers are answered while it runs."""
        document = self.document(uri)
        version = document.version
        if wait:
            await asyncio.sleep(wait)
            if self.document(uri).version != version:
                return
        text = self.document(uri).source
        problems = await asyncio.get_running_loop().run_in_executor(
            self.compiler, analysis.diagnostics, text, _file_name(uri), self.lang
        )
        if self.document(uri).version != version:
            return  # the text changed while it compiled: the newer change publishes
        diagnostics = [self._diagnostic(text, p) for p in problems]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri, diagnostics, version=version)
        )

    def _diagnostic(self, text: str, problem: analysis.Problem) -> types.Diagnostic:
        severity = (
            types.DiagnosticSeverity.Error if problem.is_error else types.DiagnosticSeverity.Warning
        )
        return types.Diagnostic(
            self.to_client(text, problem.range),
            problem.message,
            severity=severity,
            code=problem.code,
            source="eligibility",
        )


def _file_name(uri: str) -> str:
    """How diagnostics name the file: its path for a file: URI, else the URI."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def make_server(lang: Lang = "zh") -> PolicyServer:
    server = PolicyServer(lang)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: PolicyServer, params: None) -> None:
        ls.shut_down = True

    @server.feature(types.EXIT)
    def exit_(ls: PolicyServer, params: None) -> None:
        ls.told_to_exit = True

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: PolicyServer, params: types.DidOpenTextDocumentParams) -> None:
        await ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: PolicyServer, params: types.DidChangeTextDocumentParams) -> None:
        await ls.publish(params.text_document.uri, wait=TYPING_PAUSE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: PolicyServer, params: types.DidSaveTextDocumentParams) -> None:
        await ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PolicyServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(params.text_document.uri, [])
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PolicyServer, params: types.HoverParams) -> types.Hover | None:
        text = ls.document(params.text_document.uri).source
        found = analysis.hover(text, *ls.from_client(text, params.position), ls.lang)
        if found is None:
            return None
        content = types.MarkupContent(types.MarkupKind.Markdown, found.markdown)
        return types.Hover(content, ls.to_client(text, found.range))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: PolicyServer, params: types.DefinitionParams) -> types.Location | None:
        text = ls.document(params.text_document.uri).source
        found = analysis.definition(text, *ls.from_client(text, params.position))
        if found is None:
            return None
        return types.Location(params.text_document.uri, ls.to_client(text, found))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: PolicyServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        text = ls.document(params.text_document.uri).source
        return [
            types.DocumentSymbol(
                s.name,
                _SYMBOLS[s.kind],
                ls.to_client(text, s.range),
                ls.to_client(text, s.name_range),
                detail=s.label,
            )
            for s in analysis.symbols(text)
        ]

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "@"])
    )
    def completion(ls: PolicyServer, params: types.CompletionParams) -> types.CompletionList:
        text = ls.document(params.text_document.uri).source
        line, column = ls.from_client(text, params.position)
        items = []
        for found in analysis.completions(text, line, column, ls.lang):
            typed = analysis.Range(line, column - found.typed, line, column)
            items.append(
                types.CompletionItem(
                    found.label,
                    kind=_KINDS.get(found.kind, types.CompletionItemKind.Text),
                    detail=found.detail,
                    filter_text=found.insert,
                    text_edit=types.TextEdit(ls.to_client(text, typed), found.insert),
                )
            )
        return types.CompletionList(is_incomplete=False, items=items)

    return server


def serve(lang: Lang = "zh") -> int:
    """Speak LSP on stdin/stdout until the client says exit (0 after `shutdown`, else 1) or
    closes stdin (0).

    The protocol gets its own handle on file descriptor 1, which pygls closes at exit (leaving
    sys.stdout to be flushed as every command's is); while it runs, sys.stdout is stderr, so that
    nothing printed by accident can corrupt the protocol's framing."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    stdout, sys.stdout = sys.stdout, sys.stderr
    server = make_server(lang)
    try:
        server.start_io(sys.stdin.buffer, protocol_out)
    finally:
        sys.stdout = stdout
    # LSP: `exit` without `shutdown` first ends with 1 (the end of stdin is a client gone: 0)
    return 1 if server.told_to_exit and not server.shut_down else 0
