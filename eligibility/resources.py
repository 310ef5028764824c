"""Where the shipped data lives: the grammar, the fact vocabulary, the policies of the five
documents with their test cases, and the published applicant schema. All of it is inside the package (found beside this
module, as `importlib.resources.files` would find it, without the 5-10 ms its import costs every
check), so a wheel installed anywhere finds it; the repository's top-level
`grammar/`, `policies/` and `schema/` are links to these folders, kept for the layout legal staff
know.

A shipped policy is named in decisions and caches by a stable logical name
(`policies/chongqing-2024.policy`), not by where the package happens to be installed, so output
does not depend on the working directory or the install location.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
GRAMMAR_FILE = PACKAGE_DIR / "grammar" / "policy.lark"
POLICY_DIR = PACKAGE_DIR / "policies"
SCHEMA_FILE = PACKAGE_DIR / "schema" / "applicant.schema.json"
VOCABULARY_DIR = PACKAGE_DIR / "vocabulary"


def shipped_vocabulary_files() -> tuple[Path, ...]:
    """Every shipped `*.facts` (the fact vocabulary every policy reads), in name order."""
    return tuple(sorted(VOCABULARY_DIR.glob("*.facts")))


def shipped_policy_files() -> tuple[Path, ...]:
    """Every shipped `*.policy`, in name order."""
    return tuple(sorted(POLICY_DIR.glob("*.policy")))


def policy_identity(path: Path) -> str:
    """How a policy is named in decisions and in the compile cache: `policies/<file>` for a
    shipped one (wherever the package is, and whichever link led to it), else its absolute path
    with symbolic links resolved; either way independent of the working directory."""
    resolved = Path(os.path.realpath(path))
    if resolved.parent == Path(os.path.realpath(POLICY_DIR)):
        return f"policies/{resolved.name}"
    return str(resolved)


def policy_display_name(path: Path) -> str:
    """How a file is named to the person at the terminal (diagnostics, test reports): shipped
    files as in `policy_identity`, others as given, relative to the working directory."""
    if Path(os.path.realpath(path)).parent == Path(os.path.realpath(POLICY_DIR)):
        return policy_identity(path)
    return os.path.relpath(path) if path.is_absolute() else str(path)


def policy_directory(identity: str) -> Path:
    """The folder a policy named `identity` (as `policy_identity` or `policy_display_name`
    give it) lies in: where the files it `uses` are found."""
    shipped = POLICY_DIR / Path(identity).name
    if identity == f"policies/{shipped.name}" and shipped.is_file():
        return POLICY_DIR
    return Path(identity).parent
