"""The shipped vocabulary, now declared in eligibility/vocabulary/*.facts, equals the Python
tables it replaced: `data/python-vocabulary.json` is their dump, taken before they were deleted."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from eligibility.facts import vocabulary as v
from eligibility.facts.enum_labels import ENUM_LABELS

DUMP = Path(__file__).parent / "data" / "python-vocabulary.json"


def _spec(spec: v.FieldSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in dataclasses.fields(spec):  # type: ignore[arg-type]
        if field.name == "fixed":  # whatif's table then: compared in tests/unit/whatif/test_fixed
            continue
        value = getattr(spec, field.name)
        out[field.name] = (
            list(value)
            if isinstance(value, tuple)
            else str(value)
            if field.name == "kind"
            else value
        )
    return out


def _collection(spec: v.CollectionSpec) -> dict[str, Any]:
    fields = [_spec(f) for f in spec.fields]
    return {
        "name": spec.name,
        "label": spec.label,
        "id_field": spec.id_field,
        "name_field": spec.name_field,
        "fields": fields,
    }


def test_the_shipped_vocabulary_is_the_python_one() -> None:
    with v.using(v.shipped()):
        groups = v.active().groups.values()
        loaded = {
            "applicant": [
                _spec(s) for n in v.applicant_field_names() if (s := v.applicant_field(n))
            ],
            "context": [_spec(s) for n in v.context_field_names() if (s := v.context_field(n))],
            "collections": [_collection(c) for n in v.collection_names() if (c := v.collection(n))],
            "groups": [
                {
                    "name": g.name,
                    "label": g.label,
                    "is_list": g.is_list,
                    "min_items": g.min_items,
                    "required": list(g.required),
                }
                for g in groups
            ],
            "enum_labels": dict(ENUM_LABELS),
        }
    before = json.loads(DUMP.read_text(encoding="utf-8"))
    for part in before:
        assert loaded[part] == before[part], part


def test_lookups_read_the_active_vocabulary() -> None:
    extra = v.Declarations(applicant=(v.FieldSpec("guanbiao_certified", v.FieldKind.BOOL, "贯标"),))
    assert v.applicant_field("guanbiao_certified") is None
    with v.using(v.for_policies([extra])):
        spec = v.applicant_field("guanbiao_certified")
        assert spec is not None and spec.label == "贯标"
        assert v.applicant_field("credit_good") is not None
    assert v.applicant_field("guanbiao_certified") is None


def test_a_warm_start_reads_the_vocabulary_without_lark(tmp_path: Path) -> None:
    """The shipped vocabulary is parsed once, then read from the compile cache as plain data."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys; from eligibility.facts import vocabulary as v; "
        "assert v.applicant_field('credit_good') is not None; print('lark' in sys.modules)"
    )
    env = {**os.environ, "ELIGIBILITY_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["True", "False"]
