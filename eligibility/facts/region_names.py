"""Names of the GB/T 2260 administrative division codes that the shipped policies and examples
name, for the Chinese explanation: `500112` is shown as `重庆市渝北区（500112）`.

Every province-level division is listed; below it, only the prefectures and counties the
shipped texts, examples and tests use. A code not listed is shown as the bare code: the
checker decides `within` by the code's prefix (rule inventory §8), never by its name, so a
missing name changes no decision.
"""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip

# prefectures and counties, by full code, without their province's name
LOCAL: dict[str, str] = {
    "110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区",
    "110107": "石景山区", "110108": "海淀区", "110114": "昌平区", "110115": "大兴区",
    "310101": "黄浦区", "310104": "徐汇区", "310105": "长宁区", "310106": "静安区",
    "310107": "普陀区", "310109": "虹口区", "310110": "杨浦区", "310112": "闵行区",
    "310113": "宝山区", "310114": "嘉定区", "310115": "浦东新区", "310116": "金山区",
    "310117": "松江区", "310118": "青浦区", "310120": "奉贤区",
    "320100": "南京市", "320300": "徐州市", "320500": "苏州市", "320583": "昆山市",
    "330100": "杭州市", "330200": "宁波市", "340100": "合肥市", "350100": "福州市",
    "350200": "厦门市", "410500": "安阳市", "510100": "成都市", "510107": "武侯区",
    "500101": "万州区", "500102": "涪陵区", "500103": "渝中区", "500104": "大渡口区",
    "500105": "江北区", "500106": "沙坪坝区", "500107": "九龙坡区", "500108": "南岸区",
    "500109": "北碚区", "500110": "綦江区", "500111": "大足区", "500112": "渝北区",
    "500113": "巴南区", "500240": "石柱土家族自治县",
}  # fmt: skip

_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})  # no prefecture between city and district


def region_name(code: str) -> str | None:
    """The full name of a six-digit code (`重庆市渝北区`), or None when it is not listed."""
    if len(code) != 6 or not code.isdigit():
        return None
    province = PROVINCES.get(code[:2])
    if province is None:
        return None
    if code[2:] == "0000":
        return province
    local = LOCAL.get(code)
    if local is None:
        return None
    prefecture = code[:4] + "00"
    middle = ""
    if code[2:] and code != prefecture and code[:2] not in _MUNICIPALITIES:
        middle = LOCAL.get(prefecture, "")
    return province + middle + local
