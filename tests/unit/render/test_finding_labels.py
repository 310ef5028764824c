"""A missing reviewer finding is named by the label its `criterion` declaration gives it, not by
the condition that reads it: an unlabelled `attested x` made the checklist and the missing-facts
line say "attested x" (Beijing's bj14_different_projects), and two conditions reading one
finding named it two ways."""

from __future__ import annotations

from eligibility.compiler import compile_text
from eligibility.facts import vocabulary
from eligibility.ir.checklist import programme_checklist, rows_for_missing

POLICY = """policy t "测试"
  document "徐知发〔2025〕8号"
  applicant organisation [第二条]

facts {
  criterion xh_guanbiao_ok "通过贯标认证（评审认定）" [第三条]
}

programme p "奖励" [第三条] {
  requires all "评审" [第三条] {
    none "未经评审认定" { attested xh_guanbiao_ok }
  }
}

programme q "另一奖励" [第四条] {
  requires "经评审认定通过贯标": attested xh_guanbiao_ok [第四条]
}
"""
FINDING = "reviewer_attestations.xh_guanbiao_ok"


def test_the_checklist_names_a_finding_by_its_declared_label() -> None:
    policy = compile_text(POLICY, "t.policy").policy
    for programme in policy.programmes:  # unlabelled, and labelled otherwise: the same name
        rows = {r.path: r for r in programme_checklist(policy, programme).rows}
        assert rows[FINDING].label == "通过贯标认证（评审认定）"
        assert rows[FINDING].supplier == "reviewer"


def test_a_missing_finding_outside_the_checklist_gets_its_declared_label() -> None:
    policy = compile_text(POLICY, "t.policy").policy
    checklist = programme_checklist(policy, policy.programmes[0])
    without = type(checklist)(
        checklist.policy_id, checklist.document, checklist.programme, checklist.title, ()
    )
    with vocabulary.using(vocabulary.for_policies([policy.vocabulary])):
        ((row, paths),) = rows_for_missing(without, [FINDING])
    assert (row.label, paths) == ("通过贯标认证（评审认定）", (FINDING,))
