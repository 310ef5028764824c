"""A small policy written from the Chongqing document (so its citations have article texts),
with a CJK label and a character outside the Basic Multilingual Plane (𠮷, two UTF-16 code
units) before a name on the same line, to check the server's columns."""

POLICY = """\
# 示例：𠮷 is outside the Basic Multilingual Plane (two UTF-16 code units)
policy t "测试"
  document "渝知发〔2024〕22号"
  in force from 2024-05-06 [第二十一条]
  applicant organisation [第五条]

values forms "市场主体" = {company, partnership}

conditions good = "信用良好": credit_good is true [第九条（一）]

records deals "促成交易" from ip_contracts [第十一条] {
  "转让": contract_kind in {transfer} [第十一条（一）]
}

programme p "运营绩效补贴" [第九条] {
  requires "市场主体𠮷": legal_form in forms [第九条（一）]
  requires @good
  requires "交易3笔以上": count(deals) 3笔以上 [第九条（二）]
}
"""


def position(text: str, needle: str, nth: int = 0, inside: int = 1) -> tuple[int, int]:
    """The 0-based (line, character column) `inside` characters into the nth `needle`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    before = text[:start]
    return before.count("\n"), start - (before.rfind("\n") + 1) + inside
