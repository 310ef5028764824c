"""Missing facts are named for a Chinese-only reader: the zh label, then the path to fill in.

Found by an outside applicant (a contract whose registered amount was left out): the tree said
"缺少：ip_contracts[T3].registered_contract_amount", an identifier only, while an applicant-level
fact got its label ("信用良好/信用记录良好（credit_good）").
"""

from __future__ import annotations

from eligibility.render.wording import Wording


def test_a_record_field_gets_its_label_in_zh() -> None:
    zh = Wording("zh")
    assert zh.facts(["ip_contracts[T3].registered_contract_amount"]) == (
        "登记/备案合同金额（ip_contracts[T3].registered_contract_amount）"
    )
    assert zh.facts(["pledge_financings[P 1].borrower.enterprise_size"]) == (
        "出质人（借款人）·企业规模（pledge_financings[P 1].borrower.enterprise_size）"
    )
    assert zh.facts(["construction_periods[0].end"]) == "建设结束日（construction_periods[0].end）"


def test_an_applicant_field_keeps_its_label() -> None:
    assert Wording("zh").facts(["credit_good"]) == "信用良好/信用记录良好（credit_good）"


def test_generic_and_unknown_paths_stay_as_they_are() -> None:
    zh = Wording("zh")
    attested = "ip_contracts[R1].reviewer_attestations.purpose_conversion_implementation"
    assert zh.facts([attested]) == attested
    assert zh.facts(["ip_contracts[T3].no_such_field"]) == "ip_contracts[T3].no_such_field"
    assert zh.facts(["no_such_collection[T3].end"]) == "no_such_collection[T3].end"


def test_english_names_the_path_only() -> None:
    path = "ip_contracts[T3].registered_contract_amount"
    assert Wording("en").facts([path]) == path
