"""The round file (`ROUND.yaml`, `eligibility.round-file/1`) → RoundFile, or every problem in it.

The format is documented in docs/round-format.md and published as schema/round-file.schema.json.
The YAML is composed into nodes first, so that each problem is reported at the line and column
of the value at fault (a `Diagnostic`, rendered like a policy-text error with a caret); the
document is then checked against the published schema, and the values the schema cannot check
(a date that does not exist, a file that is not there) one by one. Dates stay strings while the
YAML is read (YAML would turn 2025-03-01 into a date and 2025-02-30 into an error without a
place), and repeated keys are reported instead of silently keeping the last.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from eligibility.diagnostics import Diagnostic
from eligibility.facts.limits import year_problem
from eligibility.resources import PACKAGE_DIR
from eligibility.span import Span

ROUND_FILE_FORMAT = "eligibility.round-file/1"
ROUND_FILE_SCHEMA = PACKAGE_DIR / "schema" / "round-file.schema.json"
MAX_ROUND_FILE_BYTES = 1_000_000

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class RoundFile:
    """A valid round file. Paths are resolved against the round file's folder."""

    source: Path
    batch_id: str
    title: str
    policies: tuple[Path, ...]
    as_of: datetime.date
    assessment_year: int
    applications: Path
    applications_kind: Literal["folder", "jsonl"]
    pools: tuple[tuple[str, Decimal], ...]  # ("<policy_id>.<programme_id>", money available)
    interpretations: tuple[tuple[str, str], ...]
    places: tuple[tuple[KeyPath, Span], ...]  # where each value stands, for later checks

    def span(self, path: KeyPath) -> Span:
        """Where the value at `path` stands in the file (the file's start when unknown)."""
        return dict(self.places).get(path, Span(str(self.source), 1, 1, 1, 2))


class RoundFileError(Exception):
    """Every problem of a round file, with the file's text to show them in: exit 2."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...], source: str) -> None:
        super().__init__(f"{len(diagnostics)} problem(s) in the round file")
        self.diagnostics = diagnostics
        self.source = source

    def render(self) -> str:
        from eligibility.diagnostics import render_diagnostic

        parts = [render_diagnostic(d, self.source) for d in self.diagnostics]
        parts.append(f"{len(self.diagnostics)} error(s) in the round file; nothing was decided")
        return "\n\n".join(parts)


def show_path(path: KeyPath) -> str:
    """The key path as the documentation writes it: `context.as_of`, `policies[1]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(the document)"


def load_round_file(path: Path) -> RoundFile:
    """Read and check the round file at `path`; RoundFileError names every problem."""
    shown = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_ROUND_FILE_BYTES + 1)
    except OSError as error:
        raise _single(shown, f"cannot read the round file: {error.strerror or error}") from None
    if len(data) > MAX_ROUND_FILE_BYTES:
        raise _single(shown, f"the round file is larger than {MAX_ROUND_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _single(shown, "the round file is not UTF-8 text", line) from None
    document, places = _compose(text, shown)
    problems = _schema_problems(document, places, shown)
    if problems:
        raise RoundFileError(problems, text)
    round_file, problems = _values(document, places, path)
    if problems or round_file is None:
        raise RoundFileError(problems, text)
    return round_file


def _single(file: str, message: str, line: int = 1) -> RoundFileError:
    return RoundFileError((Diagnostic("E0801", message, Span(file, line, 1, line, 2)),), "")


def _compose(text: str, file: str) -> tuple[Any, dict[KeyPath, Span]]:
    """The YAML document as plain data (dates left as strings) and where each value stands."""
    import yaml  # type: ignore[import-untyped]  # no stubs: see types-PyYAML

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        pass

    # No implicit timestamps: a date is checked (and placed) by this module, not by YAML.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"not valid YAML: {error.problem or error.context}"
        span = Span(file, line, column, line, column + 1)
        raise RoundFileError((Diagnostic("E0801", message, span, "here"),), text) from None
    except yaml.YAMLError as error:
        raise _single(file, f"not valid YAML: {error}") from None
    if node is None:
        return None, {}
    places: dict[KeyPath, Span] = {}
    repeated: list[Diagnostic] = []
    _place(node, (), file, places, repeated)
    if repeated:
        raise RoundFileError(tuple(repeated), text)
    return Loader(text).construct_document(node), places


def _place(
    node: Any, path: KeyPath, file: str, places: dict[KeyPath, Span], repeated: list[Diagnostic]
) -> None:
    import yaml

    places[path] = _span(node, file)
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            if name in seen:
                shown = show_path((*path, name))
                repeated.append(
                    Diagnostic("E0802", f"{shown} is given twice", _span(key, file), "repeated key")
                )
            seen.add(name)
            places[(*path, name, "<key>")] = _span(key, file)
            _place(value, (*path, name), file, places, repeated)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _place(item, (*path, index), file, places, repeated)


def _span(node: Any, file: str) -> Span:
    start, end = node.start_mark, node.end_mark
    if end.line != start.line:  # a block value: point at its first line only
        return Span(file, start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    return Span(
        file, start.line + 1, start.column + 1, end.line + 1, max(end.column, start.column + 1) + 1
    )


def _schema_problems(
    document: Any, places: dict[KeyPath, Span], file: str
) -> tuple[Diagnostic, ...]:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    schema = json.loads(ROUND_FILE_SCHEMA.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    out = []
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.path]):
        path: KeyPath = tuple(error.absolute_path)
        out.append(_schema_diagnostic(error, path, places, file))
    return tuple(out)


def _schema_diagnostic(
    error: Any, path: KeyPath, places: dict[KeyPath, Span], file: str
) -> Diagnostic:
    """One schema violation in words that name the key and say what is allowed."""
    where = show_path(path)
    span = places.get(path, Span(file, 1, 1, 1, 2))
    validator, value = error.validator, error.instance
    if validator == "required":
        missing = [name for name in error.validator_value if name not in value]
        return Diagnostic(
            "E0803", f"{where}: the key {missing[0]} is required", span, f"add {missing[0]}"
        )
    if validator == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(value) - set(allowed))
        key_span = places.get((*path, unknown[0], "<key>"), span)
        return Diagnostic(
            "E0804",
            f"{show_path((*path, unknown[0]))} is not a key of the round file",
            key_span,
            "unknown key",
            help=f"allowed here: {', '.join(allowed)}",
        )
    if "propertyNames" in error.schema_path:  # a key of pools or interpretations
        what = "a pool id <policy_id>.<programme_id>" if path[:1] == ("pools",) else "a switch name"
        return Diagnostic(
            "E0805",
            f"{where}: {value!r} is not {what}",
            places.get((*path, value, "<key>"), span),
            "not an allowed name",
        )
    if validator == "const":
        return Diagnostic(
            "E0805",
            f"{where} must be {error.validator_value!r}: got {value!r}",
            span,
            "unknown format",
        )
    if validator == "pattern" and path and path[0] == "pools":
        return Diagnostic(
            "E0805",
            f"{where}: {value!r} is not an amount of money",
            span,
            'write yuan as a quoted decimal such as "3000000.00"',
        )
    if validator == "type" and path and path[0] == "pools" and isinstance(value, (int, float)):
        return Diagnostic(
            "E0805",
            f'{where}: write money as a quoted string such as "{value}", not a YAML number',
            span,
            "quote it",
        )
    return Diagnostic("E0805", f"{where}: {error.message}", span, "here")


def _values(
    document: dict[str, Any], places: dict[KeyPath, Span], path: Path
) -> tuple[RoundFile | None, tuple[Diagnostic, ...]]:
    """The checks the schema cannot make: real dates, existing files, the kind of source."""
    file = str(path)
    problems: list[Diagnostic] = []

    def problem(at: KeyPath, message: str, label: str = "here") -> None:
        problems.append(Diagnostic("E0806", message, places.get(at, Span(file, 1, 1, 1, 2)), label))

    folder = path.parent
    context = document["context"]
    as_of: datetime.date | None = None
    try:
        as_of = datetime.date.fromisoformat(context["as_of"])
    except ValueError:
        problem(
            ("context", "as_of"),
            f"context.as_of: {context['as_of']!r} is not a date",
            "no such day",
        )
    year = context.get("assessment_year", as_of.year if as_of else None)
    if as_of is not None and "assessment_year" not in context and year_problem(as_of.year):
        problem(("context", "as_of"), f"context.as_of: {year_problem(as_of.year)}")
    policies = []
    for index, name in enumerate(document["policies"]):
        found = _policy_file(name, folder)
        if found is None:
            problem(
                ("policies", index),
                f"policies[{index}]: no policy {name!r}",
                "neither a shipped policy nor a .policy file",
            )
        else:
            policies.append(found)
    applications = folder / document["applications"]
    kind: Literal["folder", "jsonl"] = "folder"
    if applications.is_dir():
        kind = "folder"
    elif applications.is_file() and applications.suffix == ".jsonl":
        kind = "jsonl"
    else:
        what = "a file, but not .jsonl" if applications.is_file() else "not there"
        problem(
            ("applications",),
            f"applications: {applications} is {what}",
            "a folder of applicant JSON files, or a .jsonl file",
        )
    if problems or as_of is None or year is None:
        return None, tuple(problems)
    pools = tuple(sorted((key, Decimal(value)) for key, value in document.get("pools", {}).items()))
    return RoundFile(
        source=path,
        batch_id=document["batch_id"],
        title=document.get("title", ""),
        policies=tuple(policies),
        as_of=as_of,
        assessment_year=year,
        applications=applications,
        applications_kind=kind,
        pools=pools,
        interpretations=tuple(sorted(document.get("interpretations", {}).items())),
        places=tuple(places.items()),
    ), ()


def _policy_file(name: str, folder: Path) -> Path | None:
    """A shipped policy by its name (`chongqing-2024`), or a policy file beside the round file."""
    from eligibility.resources import POLICY_DIR

    shipped = POLICY_DIR / f"{name}.policy"
    if "/" not in name and shipped.is_file():
        return shipped
    given = folder / name
    if given.suffix == ".policy" and given.is_file():
        return given
    return None
