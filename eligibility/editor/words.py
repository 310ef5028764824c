"""The words of the editor's hovers and messages, in Chinese (the default) and English
(`eligibility lsp --lang en`); the same keys in both tables (tests/unit/editor/test_words.py)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

WORDS: dict[Lang, dict[str, str]] = {
    "zh": {
        "kind.bool": "是/否",
        "kind.int": "整数",
        "kind.money": "金额",
        "kind.date": "日期",
        "kind.region": "行政区划代码",
        "kind.enum": "枚举",
        "kind.string": "文本",
        "kind.year": "年份",
        "field.applicant": "申请人字段",
        "field.context": "申请文件 context 字段",
        "field.record": "记录字段（{0}：{1}）",
        "field.group": "字段组",
        "field.type": "类型：{0}",
        "field.many": "（多个值）",
        "field.unit": "单位：{0}",
        "field.values": "取值：{0}",
        "def.values": "取值集合",
        "def.conditions": "具名条件",
        "def.records": "记录集",
        "def.programme": "项目",
        "def.interpretation": "解释口径",
        "def.from": "来源：{0}",
        "def.members": "取值：{0}",
        "value": "取值 `{0}`：{1}",
        "article.missing": "{0}：未在种子文件《{1}》中找到此条款",
        "article.no_document": "本政策未对应已收录的种子文件，无法显示条款原文",
        "internal_error": "内部错误（程序缺陷，请报告）：{0}",
        "completion.keyword": "关键字",
    },
    "en": {
        "kind.bool": "true/false",
        "kind.int": "integer",
        "kind.money": "money",
        "kind.date": "date",
        "kind.region": "region code",
        "kind.enum": "enumeration",
        "kind.string": "text",
        "kind.year": "year",
        "field.applicant": "applicant field",
        "field.context": "field of the applicant file's context",
        "field.record": "record field ({0}: {1})",
        "field.group": "group of fields",
        "field.type": "type: {0}",
        "field.many": " (several values)",
        "field.unit": "unit: {0}",
        "field.values": "values: {0}",
        "def.values": "value set",
        "def.conditions": "named conditions",
        "def.records": "record set",
        "def.programme": "programme",
        "def.interpretation": "interpretation",
        "def.from": "from: {0}",
        "def.members": "values: {0}",
        "value": "value `{0}`: {1}",
        "article.missing": "{0}: no such article found in the seed document {1}",
        "article.no_document": "this policy is not written from a shipped seed document: no article text",
        "internal_error": "internal error (a bug, please report it): {0}",
        "completion.keyword": "keyword",
    },
}


def word(lang: Lang, key: str, *args: object) -> str:
    return WORDS[lang][key].format(*args)
