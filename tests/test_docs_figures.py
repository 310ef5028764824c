"""The figures and names `docs/architecture.md` quotes are the code's: a change to either that
is not made to the other fails here.

The page's tables are read as data: the clause counts of every shipped policy, the derived
predicates (by prefix and arity) and the ground facts, the read-out kinds and `Model` fields,
the modules and functions of the stage table, the library fences, and the excerpt of the
Chongqing program (each line must be a clause the compiler emits, printed in the page's
notation). So the page can be edited freely, but not left behind.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from functools import cache
from pathlib import Path

import pytest

from eligibility.compiler import CompiledPolicy, compile_text
from eligibility.datalog import program as dl
from eligibility.datalog.engine import Model
from eligibility.datalog.text import clause_text
from eligibility.resources import shipped_policy_files

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "eligibility"


# ── reading the page ────────────────────────────────────────────────────────────────────────


def page_tables() -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """Every Markdown table of the page: its header cells and its rows of cells."""
    tables: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []
    block: list[str] = []
    for line in [*PAGE.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2:
            header, *rows = (_cells(b) for b in block if not re.fullmatch(r"[|\-\s:]+", b))
            tables.append((header, rows))
        block = []
    return tables


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def table(*header: str) -> list[tuple[str, ...]]:
    matching = [rows for head, rows in page_tables() if head == header]
    assert len(matching) == 1, f"docs/architecture.md has no single table headed {header}"
    return matching[0]


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def quoted_atoms(text: str) -> set[tuple[str, int]]:
    """(name, arity) of every atom written like `h_<node>(A)` or `attr(A, Field, Value)`; a
    name with `_<…>` stands for its prefix."""
    atoms = set()
    for span in code_spans(text):
        match = re.fullmatch(r"([a-z]+)(_<[a-z]+>)?\(([^)]*)\)", span)
        if match:
            atoms.add((match.group(1), len(match.group(3).split(","))))
    return atoms


def number(text: str) -> int:
    return int(text.replace(",", ""))


# ── the code's side ─────────────────────────────────────────────────────────────────────────


@cache
def compiled() -> dict[str, CompiledPolicy]:
    return {
        path.stem: compile_text(path.read_text(encoding="utf-8"), str(path))
        for path in shipped_policy_files()
    }


def atoms_of(clause: dl.Clause) -> list[dl.Atom]:
    body = [b.atom if isinstance(b, dl.Negated) else b for b in clause.body]
    atoms = [b for b in body if isinstance(b, dl.Atom)]
    if isinstance(clause, dl.Rule):
        return [clause.head, *atoms]
    return [dl.Atom(clause.relation, (*clause.group, clause.value)), *atoms]


def emitted_predicates() -> set[tuple[str, int]]:
    """(name, arity) of every predicate of every shipped program; a derived predicate named
    from an id (`h_cq_…`) by its prefix."""
    found = set()
    for policy in compiled().values():
        for program in (policy.program, policy.gate_program):
            for clause in program.clauses:
                for atom in atoms_of(clause):
                    found.add((atom.predicate.split("_", 1)[0], len(atom.args)))
    return found


def read_out_kinds() -> set[str]:
    return {
        str(clause.head.args[0].value)  # type: ignore[union-attr]
        for policy in compiled().values()
        for clause in policy.program.clauses
        if isinstance(clause, dl.Rule) and clause.head.predicate == "result"
    }


# ── the checks ──────────────────────────────────────────────────────────────────────────────


def test_clause_counts_are_the_compilers() -> None:
    quoted = {
        code_spans(name)[0]: (number(clauses), number(gates))
        for name, clauses, gates in table("Policy", "Clauses", "Gate clauses")
    }
    actual = {
        name: (len(policy.program.clauses), len(policy.gate_program.clauses))
        for name, policy in compiled().items()
    }
    assert quoted == actual


def test_the_derived_predicates_are_the_ones_emitted() -> None:
    quoted = set().union(*(quoted_atoms(row[0]) for row in table("Predicate", "For", "Meaning")))
    extensional = set(dl.EDB_PREDICATES)
    assert quoted == emitted_predicates() - extensional


def test_the_ground_facts_are_the_extensional_predicates() -> None:
    quoted = set().union(*(quoted_atoms(row[0]) for row in table("Predicate", "Meaning")))
    assert quoted == set(dl.EDB_PREDICATES)


def test_the_read_out_kinds_and_model_fields_are_the_codes() -> None:
    rows = table("Kind", "`Model` field", "What it holds")
    assert {k for row in rows for k in code_spans(row[0])} == read_out_kinds()
    assert {f for row in rows for f in code_spans(row[1])} == {
        f.name for f in dataclasses.fields(Model)
    }


def test_the_stage_tables_modules_and_functions_exist() -> None:
    for row in table("Stage", "Module", "In", "Out"):
        module = None
        for span in code_spans(row[1]):
            if span.endswith(".py"):
                assert (PACKAGE / span).is_file(), f"{span} does not exist"
                module = importlib.import_module(
                    "eligibility." + span.removesuffix(".py").replace("/", ".")
                )
            else:
                assert module is not None and hasattr(module, span), f"{row[1]}: no {span}"


def test_every_module_the_page_names_exists() -> None:
    text = re.sub(r"```.*?```", "", PAGE.read_text(encoding="utf-8"), flags=re.DOTALL)
    named = {s for s in code_spans(text) if re.fullmatch(r"[\w/]+\.py", s)}
    assert len(named) > 20
    for span in named:
        assert (PACKAGE / span).is_file() or (ROOT / span).is_file(), span


@pytest.mark.parametrize(
    "library",
    ["lark", "pyDatalog", "rich", "jsonschema", "yaml", "duckdb", "sqlglot", "pygments", "pygls"],
)
def test_every_module_importing_a_library_is_named_in_the_fences(library: str) -> None:
    (cell,) = [row[1] for row in table("Library", "Imported by", "When") if row[0] == library]
    named = {s for s in code_spans(cell) if s.endswith(".py")}
    importers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if library in _imported_modules(path)
    }
    assert importers
    assert importers <= named


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_program_excerpt_is_compiled_chongqing() -> None:
    text = PAGE.read_text(encoding="utf-8")
    after = text[text.index("A real excerpt") :]
    start = after.index("```text\n") + len("```text\n")
    excerpt = after[start : after.index("\n```", start)]
    printed = {clause_text(c) for c in compiled()["chongqing-2024"].program.clauses}
    stale = [line for line in excerpt.splitlines() if line not in printed]
    assert excerpt.strip()
    assert stale == []


def test_quoted_compile_lines_are_what_compile_prints() -> None:
    """`eligibility compile` output quoted anywhere in docs/ (docs/language.md shows one)."""
    line = re.compile(
        r"# policies/([\w-]+)\.policy: (.+) · (\d+) programme\(s\), (\d+) record set\(s\), "
        r"(\d+) Datalog clauses"
    )
    quoted = [
        match.groups()
        for page in sorted((ROOT / "docs").glob("*.md"))
        for match in line.finditer(page.read_text(encoding="utf-8"))
    ]
    assert quoted, "docs/language.md quotes a compile line"
    for name, document, programmes, record_sets, clauses in quoted:
        policy = compiled()[name]
        assert (document, int(programmes), int(record_sets), int(clauses)) == (
            policy.policy.document_number,
            len(policy.policy.programmes),
            len(policy.policy.record_sets),
            len(policy.program.clauses),
        )
