"""The syntax mistakes people make in policy text, recognised at a syntax error so that the
diagnostic names the mistake and its fix instead of listing the tokens the parser wanted.

Each hint looks at the source around the place the parser stopped (the line, the column, the
word found there and the words it expected) and returns a `Hint`, or None when the generic
E0101 "unexpected …" is the best that can be said. Pure functions over text: no lark here.
"""

from __future__ import annotations

import difflib
import re

from eligibility.frozen import frozen_record

# full-width (and typographic) punctuation a Chinese keyboard types → what the language wants
FULL_WIDTH = {
    "：": ":", "，": ",", "、": ",", "【": "[", "】": "]", "（": "(", "）": ")",
    "｛": "{", "｝": "}", "＝": "=", "＞": ">", "＜": "<", "＋": "+", "－": "-", "．": ".",
    "“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "‘": '"', "’": '"', "＂": '"',
    "　": " ", "；": "(a new line)", "＠": "@", "％": "%",
}  # fmt: skip
_QUOTES = frozenset("“”„「」‘’＂")
_CONNECTIVES = {
    "and": "all", "和": "all", "且": "all", "并且": "all", "而且": "all", "以及": "all",
    "or": "any", "或": "any", "或者": "any", "not": "none",
}  # fmt: skip
_POSTFIX = frozenset({"以上", "以下", "以内"})
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[\u3400-\u9fff]+")


@frozen_record
class Hint:
    code: str
    message: str
    line: int
    column: int
    width: int  # in characters
    label: str
    help: str


def hint(
    lines: list[str], line: int, column: int, found: str, expected: frozenset[str], at_end: bool
) -> Hint | None:
    """The hint for a syntax error at `line`:`column` (1-based) where `found` stands (the
    offending token's text, "" at the end of the file) and the parser `expected` these literal
    words and terminal names; None when no known mistake fits."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return (
        _unclosed_brace(lines, line, at_end, found)
        or _unclosed_paren(text, line, column, expected)
        or _unclosed_label(text, line, column)
        or _full_width(text, line, column, found)
        or _wan_without_unit(text, line, column, found)
        or _slashed_date(line, column, found)
        or _misplaced_word(line, column, found, expected)
    )


def _full_width(text: str, line: int, column: int, found: str) -> Hint | None:
    """`：`, `，`, `【】`, `“”` … where the language wants ASCII punctuation."""
    index = column - 1
    char = text[index] if index < len(text) else ""
    if char not in FULL_WIDTH:
        return None
    wanted = FULL_WIDTH[char]
    if char in _QUOTES:
        quoted = re.match(r"[“”„「」‘’＂]([^“”„「」‘’＂\n]*)[“”„「」‘’＂]", text[index:])
        label = f'"{quoted.group(1)}"' if quoted else '"企业"'
        return Hint(
            "E0104", f"typographic quote `{char}`: labels are in straight quotes", line,
            index + 1, len(quoted.group(0)) if quoted else 1, "not straight quotes",
            f"write the label in ASCII double quotes: {label}",
        )  # fmt: skip
    if char == "；":
        return Hint(
            "E0104", "full-width semicolon `；`: rules are separated by new lines", line,
            index + 1, 1, "full-width punctuation", "put the next rule on a line of its own",
        )  # fmt: skip
    return Hint(
        "E0104", f"full-width `{char}` where the language wants `{wanted.strip() or 'a space'}`",
        line, index + 1, 1, "full-width punctuation",
        f"use {char} → {wanted!r}" if char == "　" else f"use {char} → {wanted}",
    )  # fmt: skip


def _wan_without_unit(text: str, line: int, column: int, found: str) -> Hint | None:
    """`5万` or `1亿`: a count of ten thousands with no unit after it."""
    if not found.startswith(("万", "亿")) or found.startswith(("万元", "亿元")):
        return None
    before = re.search(r"([0-9]+(?:\.[0-9]+)?)\s*$", text[: column - 1])
    if before is None:
        return None
    number, word = before.group(1), found[0]
    return Hint(
        "E0105", f"`{number}{word}` needs a unit", line, before.start(1) + 1,
        len(number) + (column - 1 - before.end(1)) + 1, "no unit",
        f"{number}{word} needs a unit: {number}{word}元 (money is written 元, 万元 or 亿元)",
    )  # fmt: skip


def _slashed_date(line: int, column: int, found: str) -> Hint | None:
    """`2025/01/02` or `2025.1.2` where a date goes."""
    match = re.match(r"([0-9]{4})[/.年]([0-9]{1,2})[/.月]([0-9]{1,2})日?", found)
    if match is None:
        return None
    year, month, day = match.groups()
    return Hint(
        "E0101", f"unexpected `{match.group(0)}`: dates are written YYYY-MM-DD", line, column,
        len(match.group(0)), "not an ISO date",
        f"write {year}-{int(month):02d}-{int(day):02d}",
    )  # fmt: skip


def _misplaced_word(line: int, column: int, found: str, expected: frozenset[str]) -> Hint | None:
    """A connective (`and`, `或者`), a comparison word before its number (`以上 2025年`), a
    keyword misspelt (`exclude`) or a Chinese word where a field name goes."""
    match = _WORD.match(found)
    if match is None:
        return None
    word = match.group(0)
    if word in _CONNECTIVES:
        group = _CONNECTIVES[word]
        both = "all of them" if group == "all" else "any one" if group == "any" else "none"
        return Hint(
            "E0101", f"unexpected `{word}`: conditions are not joined by words", line, column,
            len(word), "not a keyword",
            f"put the conditions in a group, one per line: `{group} {{ … }}` ({both} must hold)",
        )  # fmt: skip
    if word in _POSTFIX:
        return Hint(
            "E0101", f"unexpected `{word}`: it follows the quantity it bounds", line, column,
            len(word), "misplaced",
            f"write the quantity first, `year >= 2025年` or `count(…) 3笔{word}` "
            f"({word} follows a number and its unit)",
        )  # fmt: skip
    keywords = sorted(w for w in expected if w.isascii() and w.isalpha() and w.islower())
    close = difflib.get_close_matches(word, keywords, n=1, cutoff=0.75)
    if close and word != close[0]:
        return Hint(
            "E0101", f"unexpected `{word}`", line, column, len(word), "not a keyword",
            f"did you mean `{close[0]}`?",
        )  # fmt: skip
    if _CJK.match(word) and "NAME" in expected:
        field = _field_for_label(word)
        suggestion = f": did you mean `{field}`?" if field else ""
        return Hint(
            "E0101", f"unexpected `{word}`: fields are named in ASCII", line, column, len(word),
            "a Chinese word where a field name goes",
            f'a field is named as in the applicant file (e.g. `credit_good`); Chinese goes in a "quoted label"{suggestion}',
        )  # fmt: skip
    return None


def _unclosed_label(text: str, line: int, column: int) -> Hint | None:
    """A label whose closing quote is not on its line (a line break inside it)."""
    if not text[column - 1 : column].startswith('"'):
        return None
    if '"' in text[column:]:
        return None
    return Hint(
        "E0107", "this label is not closed on its line", line, column,
        max(1, len(text) - column + 1), "no closing quote",
        'a "quoted label" stays on one line: join the lines, or close the quote',
    )  # fmt: skip


def _unclosed_brace(lines: list[str], line: int, at_end: bool, found: str) -> Hint | None:
    """An opening `{` never closed: point at it, not at the end of the file. Reported at the
    end of the file, or where a top-level definition starts inside a still-open block."""
    top_level = found in {"programme", "records", "values", "conditions", "interpretation"}
    if not at_end and not top_level:
        return None
    opener = _unmatched_opener(lines, len(lines) if at_end else line - 1)
    if opener is None:
        return None
    open_line, open_column, closer = opener
    if closer is not None:
        fix = f"add `}}` where its block ends (the `}}` on line {closer} is indented as the end of an outer block)"
    else:
        fix = f"add `}}` to close it before {'the end of the file' if at_end else f'line {line}'}"
    return Hint("E0106", "this `{` is never closed", open_line, open_column, 1, "opened here", fix)


def _unclosed_paren(text: str, line: int, column: int, expected: frozenset[str]) -> Hint | None:
    """`year(year = …`: a `(` on this line left open where only `)` may follow."""
    if expected != {")"} and expected != {"RPAR"}:
        return None
    opened: list[int] = []
    for index, char in enumerate(_code_of(text)[: column - 1]):
        if char == "(":
            opened.append(index)
        elif char == ")" and opened:
            opened.pop()
    if not opened:
        return None
    return Hint(
        "E0106", "this `(` is never closed", line, opened[-1] + 1, 1, "opened here",
        "close it with `)` where the part in parentheses ends, or delete it",
    )  # fmt: skip


def _unmatched_opener(lines: list[str], last_line: int) -> tuple[int, int, int | None] | None:
    """The `{` left open at the end of `last_line`. A `}` that stands first on its line and is
    indented less than its opener's line closes the block of an earlier, shallower line: the
    opener it would pair with is the one left open (a closing brace forgotten inside)."""
    stack: list[tuple[int, int, int]] = []  # line, column, the line's indentation
    for number, text in enumerate(lines[:last_line], start=1):
        indent = len(text) - len(text.lstrip(" "))
        for index, char in enumerate(_code_of(text)):
            if char == "{":
                stack.append((number, index + 1, indent))
            elif char == "}" and stack:
                opened = stack.pop()
                first = text[:index].strip() == ""
                if first and indent < opened[2]:
                    return opened[0], opened[1], number
    return (stack[-1][0], stack[-1][1], None) if stack else None


def _code_of(text: str) -> str:
    """The line with labels, citations and the comment blanked out (braces there are text)."""
    out: list[str] = []
    quoted = bracketed = False
    for char in text:
        if quoted:
            quoted = char != '"'
            out.append(" ")
        elif bracketed:
            bracketed = char != "]"
            out.append(" ")
        elif char == "#":
            break
        else:
            quoted, bracketed = char == '"', char == "["
            out.append(" " if quoted or bracketed else char)
    return "".join(out)


def _field_for_label(word: str) -> str | None:
    """The applicant field whose Chinese label contains `word` (信用良好 → credit_good), when
    exactly one does."""
    from eligibility.facts import vocabulary  # only on this error path

    names = [
        name
        for name in vocabulary.applicant_field_names()
        if (spec := vocabulary.applicant_field(name)) is not None and word in spec.label
    ]
    return names[0] if len(names) == 1 else None
