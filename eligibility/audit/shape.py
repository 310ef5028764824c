"""The shape of an entry's content, checked before anything reads it.

The hash chain proves an entry unchanged, not well formed: anyone can write a canonical JSON
entry of another shape and recompute the hashes (only a checkpoint catches that). `verify`
reports a misshapen entry as edited, and `replay`, `show` and `list` refuse it with its id
instead of failing on a missing key.
"""

from __future__ import annotations

import json
from typing import Any

_TEXT, _NUMBER, _OPTIONAL_TEXT = str, int, (str, type(None))
_NAMED_FILE = {"file": _TEXT, "sha256": _TEXT}
_PROVENANCE_POLICY = {"policy_id": _TEXT, "document": _TEXT, "file": _TEXT, "sha256": _TEXT}
_RESULT = {
    "policy_id": _TEXT,
    "programme": _TEXT,
    "title": _TEXT,
    "outcome": _TEXT,
    "amount": _OPTIONAL_TEXT,
}


class ShapeError(ValueError):
    """str(): where the content departs from the recorded shape."""


def read_content(text: str) -> dict[str, Any]:
    """An entry's content as a dict whose keys the audit modules read all exist with the
    right types; raises ShapeError otherwise."""
    try:
        content = json.loads(text)
    except ValueError:
        raise ShapeError("its content is not JSON") from None
    _object(
        content, "$", {"seq": _NUMBER, "kind": _TEXT, "recorded_at": _TEXT, "recorded_by": _TEXT}
    )
    for key in ("applicant_ids", "applicants", "policies", "decisions"):
        _list(content.get(key), f"$.{key}")
    for i, name in enumerate(content["applicant_ids"]):
        _is(name, _TEXT, f"$.applicant_ids[{i}]")
    for key in ("applicants", "policies"):
        for i, named in enumerate(content[key]):
            _object(named, f"$.{key}[{i}]", _NAMED_FILE)
    for i, named in enumerate(content["policies"]):
        if "uses" in named:  # the facts files it uses (entries since log format 2)
            _list(named["uses"], f"$.policies[{i}].uses")
            for j, facts in enumerate(named["uses"]):
                _object(facts, f"$.policies[{i}].uses[{j}]", _NAMED_FILE)
    _object(
        content.get("context"),
        "$.context",
        {
            "engine": _TEXT,
            "engine_requested": _TEXT,
            "as_of_option": _OPTIONAL_TEXT,
            "assessment_year_option": (int, type(None)),
        },
    )
    for i, decision in enumerate(content["decisions"]):
        _decision(decision, f"$.decisions[{i}]")
    if content["kind"] == "check":
        _object(
            content.get("printed"),
            "$.printed",
            {"summary": _TEXT, "explanation": _TEXT, "json": _TEXT},
        )
    return dict(content)


def _decision(decision: Any, path: str) -> None:
    _object(decision, path, {"applicant_id": _TEXT})
    _list(decision.get("results"), f"{path}.results")
    for i, result in enumerate(decision["results"]):
        _object(result, f"{path}.results[{i}]", _RESULT)
    provenance = decision.get("provenance")
    _object(provenance, f"{path}.provenance", {})
    _list(provenance.get("policies"), f"{path}.provenance.policies")
    for i, policy in enumerate(provenance["policies"]):
        _object(policy, f"{path}.provenance.policies[{i}]", _PROVENANCE_POLICY)
    versions = provenance.get("versions")
    _object(versions, f"{path}.provenance.versions", {})
    for key, value in versions.items():
        _is(value, _TEXT, f"{path}.provenance.versions.{key}")


def _object(value: Any, path: str, keys: dict[str, Any]) -> None:
    _is(value, dict, path)
    for key, kind in keys.items():
        _is(value.get(key, ...), kind, f"{path}.{key}")


def _list(value: Any, path: str) -> None:
    _is(value, list, path)


def _is(value: Any, kind: Any, path: str) -> None:
    if value is ... or not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ShapeError(f"{path} is missing or not of the recorded type")
