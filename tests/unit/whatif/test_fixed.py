"""Which facts are fixed is declared in the vocabulary (`fixed` on a field of `applicant { … }`,
or implied by a date, year, region or text; reviewers' findings are fixed), and comes out the
same as the table `whatif/fixed.py` held before it moved there."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.diagnostics import DiagnosticError
from eligibility.facts import vocabulary
from eligibility.facts.declared import declarations_from_ast
from eligibility.facts.vocabulary import FieldKind
from eligibility.syntax import ast
from eligibility.syntax.parser import parse_facts
from eligibility.whatif.fixed import changeable

# The table as whatif/fixed.py held it before `fixed` was declared in vocabulary/standard.facts.
FORMER_FIXED_FIELDS = frozenset(
    {
        "applicant_id", "applicant_kind", "name", "legal_form", "entity_kinds", "ownership",
        "enterprise_size", "parent_university_id", "registered_region", "operating_regions",
        "fraud_debarment", "cq_centre_type", "cq_centre_status", "livelihood_sector",
        "district_supermarket_sequence", "city_id", "city_kind", "province_code",
        "central_service_fund_ip_operation_support_years", "plan_covers_mandatory_tasks",
        "central_funding_total", "central_funding_2019",
    }
)  # fmt: skip
FORMER_FIXED_KINDS = frozenset({FieldKind.DATE, FieldKind.YEAR, FieldKind.REGION, FieldKind.STRING})


def _formerly_changeable(path: str, kind: FieldKind) -> bool:
    if path in FORMER_FIXED_FIELDS or path.startswith(
        (vocabulary.ATTESTATIONS, vocabulary.SELECTION)
    ):
        return False
    return kind not in FORMER_FIXED_KINDS


def test_the_shipped_vocabulary_fixes_the_fields_the_table_fixed() -> None:
    fields = vocabulary.shipped().applicant
    fixed = {path for path, spec in fields.items() if spec.fixed}
    formerly = {path for path, spec in fields.items() if not _formerly_changeable(path, spec.kind)}
    assert fixed == formerly
    assert {path for path in fields if not changeable(path)} == formerly


def test_the_fields_declared_fixed_are_the_table() -> None:
    """Every field the table named carries the keyword in standard.facts (not only by kind)."""
    tree = parse_facts(_standard(), "standard.facts")
    marked = {
        decl.path.dotted
        for item in tree.items
        if isinstance(item, ast.EntityDecl) and item.entity == "applicant"
        for decl in item.facts
        if any(option.name == "fixed" for option in decl.options)
    }
    assert marked == FORMER_FIXED_FIELDS


@pytest.mark.parametrize(
    "path",
    [
        "reviewer_attestations.cq9_2_typical_cases",
        "reviewer_attestations.cq9_2_typical_cases.date",
        "selection_result.cq_x.selected",
        "selection_result.cq_x.approved_amount",
    ],
)
def test_findings_of_others_are_fixed(path: str) -> None:
    assert not changeable(path)


def _declare(text: str) -> vocabulary.Declarations:
    declared, problems = declarations_from_ast(
        parse_facts(text, "x.facts").items, vocabulary.shipped()
    )
    if problems:
        raise DiagnosticError(problems, {"x.facts": text})
    return declared


def test_fixed_is_declared_per_field_and_dates_are_fixed_by_nature() -> None:
    declared = _declare(
        'applicant {\n  gt_certified: bool fixed "已认证"\n  gt_staff: integer 人 "人数"\n'
        '  gt_since: date "认证日期"\n}\n'
    )
    specs = {spec.name: spec.fixed for spec in declared.applicant}
    assert specs == {"gt_certified": True, "gt_staff": False, "gt_since": True}
    with vocabulary.using(vocabulary.shipped().extended(declared)):
        assert not changeable("gt_certified") and changeable("gt_staff")


def test_fixed_on_a_record_field_is_refused() -> None:
    with pytest.raises(DiagnosticError) as raised:
        _declare('collection gt_things "东西" {\n  size: integer 人 fixed "人数"\n}\n')
    (problem,) = raised.value.diagnostics
    assert problem.code == "E0212" and "`fixed` is for an applicant fact" in problem.message


def _standard() -> str:
    from eligibility.resources import shipped_vocabulary_files

    (file,) = [f for f in shipped_vocabulary_files() if f.name == "standard.facts"]
    return file.read_text(encoding="utf-8")


def test_a_policy_facts_file_fixes_its_own_fact(tmp_path: Path) -> None:
    """examples/authoring declares on_dishonesty_list `fixed`: an applicant on the list is
    told nothing can change, not to leave the list; the certification is still proposed."""
    import contextlib
    import io
    import json

    from eligibility.commands import main

    folder = Path(__file__).resolve().parents[3] / "examples" / "authoring"
    listed = json.loads((folder / "qualifies.json").read_text(encoding="utf-8"))
    listed["applicant"]["on_dishonesty_list"] = True
    applicant = tmp_path / "listed.json"
    applicant.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    policy = ["--policy", str(folder / "xuhui-2025.policy"), "--format", "json"]
    for path, changed in (
        (applicant, None),
        (folder / "not-yet-certified.json", "guanbiao_certified"),
    ):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["check", str(path), *policy]) == 0
        (result,) = json.loads(out.getvalue())["results"]
        fields = {c["field"] for p in result["would_change"] for c in p["changes"]}
        assert fields == ({changed} if changed else set())
