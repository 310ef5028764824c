"""Writes `docs/diagnostics.md`: one section per diagnostic code, in the manner of ruff's and
rustc's error index. For each code the compiler emits, the section shows a golden case of this
folder (its policy and its exact output), what the code means and how to fix it; the applicant
file's V-… codes and the round file's E08xx follow, from the table below.

    python tests/golden/diagnostics/docpage.py      # rewrite the page after a golden changed

`test_docpage.py` fails when the page and the goldens disagree, or when a code has no section.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE = HERE.parents[2] / "docs" / "diagnostics.md"

# code → (title, golden case, what it means, the fix)
COMPILER: dict[str, tuple[str, str, str, str]] = {
    "E0101": (
        "syntax error",
        "syntax_error",
        "The parser met a word or sign the grammar does not allow here. Known slips get a "
        "help of their own: a keyword misspelt (`exclude` → did you mean `excluded`?), `and`, "
        "`or`, `和` between conditions, `以上` written before its number, a Chinese word where "
        "a field name goes (with the field whose label contains it). Otherwise the help lists "
        "what may stand here. The first syntax error stops the parse.",
        "Write what the help names. Conditions are joined by groups (`all { … }`, `any { … }`), "
        "not words; a legal comparison word follows its quantity (`3笔以上`).",
    ),
    "E0102": (
        "a header line written twice",
        "header_repeated",
        "Each header line (`document`, `issuer`, `dated`, `in force`, `applicant`, "
        "`jurisdiction`, `cite as`) says one thing about the document once.",
        "Keep the line the document supports and delete the other.",
    ),
    "E0103": (
        "the file is not UTF-8",
        "not_utf8",
        "Policy files are UTF-8 (one byte-order mark allowed). The caret stands at the first "
        "byte that is not.",
        "Save the file as UTF-8 in the editor (GBK and GB18030 files must be converted).",
    ),
    "E0104": (
        "full-width or typographic punctuation",
        "full_width_colon",
        "A Chinese input method types `：，【】（）“”；` where the language wants the ASCII "
        'signs `: , [ ] ( ) "`. Inside a label or a citation they are text and are kept; '
        "elsewhere they are this error. Curly quotes around a label get the same code "
        "(`curly_quotes` golden).",
        "Replace the sign as the help says: `：` → `:`, `，` → `,`, `【第四条】` → `[第四条]`, "
        '`“企业”` → `"企业"`.',
    ),
    "E0105": (
        "`5万` without a unit",
        "wan_without_unit",
        "`万` and `亿` are parts of the units `万元` and `亿元`, not numbers on their own.",
        "Write the unit: `5万元`, `1.5亿元`.",
    ),
    "E0106": (
        "a `{` never closed",
        "unclosed_brace",
        "A block (`programme`, `records`, `amount`, a group) is opened and not closed. The "
        "caret stands at the `{` left open, found by indentation when a `}` lines up with an "
        "outer block, instead of at the end of the file where the parser noticed.",
        "Add the `}` where the block ends.",
    ),
    "E0107": (
        "a label not closed on its line",
        "unclosed_label",
        'A "quoted label" stays on one line; a line break inside it leaves it open.',
        "Join the lines, or close the quote.",
    ),
    "E0201": (
        "unknown record set, collection, value set, programme or switch",
        "unknown_record_set",
        "A name that nothing defines, or that is defined further down (a set must be defined "
        "above its use).",
        "Fix the spelling (the help suggests the closest name), or move the definition above.",
    ),
    "E0202": (
        "a field of the wrong kind for this test",
        "field_kind",
        "Each field has a kind (bool, int, money, date, region, enum, string, year); a test "
        "must suit it: `is` for bool, `within` for region, `in` for enum and string, a "
        "comparison for numbers, money and dates.",
        "Use the test the help names, or the field you meant.",
    ),
    "E0203": (
        "not an allowed value",
        "unknown_enum_value",
        "A value tested against an enum field is not one of its values.",
        "Use a listed value (the note lists them; the help suggests the closest).",
    ),
    "E0204": (
        "unknown field",
        "unknown_field",
        "The applicant file has no such field (`docs/applicant-format.md`).",
        "Fix the spelling (did you mean …), or use the field the document means.",
    ),
    "E0205": (
        "a list needs `some` or `every`",
        "list_needs_some",
        "A field holding a list of values is tested with `some` (one of them) or `every` "
        "(all of them); a single value may not be.",
        "Say `some field …` or `every field …`, as the document means.",
    ),
    "E0206": (
        "not a calendar date",
        "not_a_date",
        "A date in the header or in a rule that does not exist (30 February, month 13).",
        "Write the date the document gives, as YYYY-MM-DD.",
    ),
    "E0207": (
        "units or dimensions do not match",
        "unit_mismatch",
        "Money compared with a count, a bare number where money is meant, an amount step or "
        "a cap that is not money.",
        "Write the unit the other side has: `100000元`, `3笔`, `2%`.",
    ),
    "E0208": (
        "a count must be a whole number",
        "count_not_whole",
        "Counts (笔, 件, 次, 人, 家, 项) and years are whole.",
        "Write the whole number the document gives.",
    ),
    "E0209": (
        "an undeclared reviewer criterion",
        "undeclared_criterion",
        "`attested <criterion>` names a criterion no `criterion` declaration of the policy's "
        "facts (or the shipped vocabulary) declares: a typo would leave the programme "
        "undetermined for ever.",
        "Write the criterion as declared (the help names the nearest), or declare it.",
    ),
    "E0210": (
        "declared twice",
        "facts_declarations",
        "A fact, enum, group, collection, criterion or enum value declared twice, or already "
        "in the shipped vocabulary.",
        "Keep one declaration; use the shipped fact as it is.",
    ),
    "E0211": (
        "not a declared enum",
        "facts_declarations",
        "`enum <name>` names no declared enum.",
        "Declare the enum, or name one that exists (the help names the nearest).",
    ),
    "E0212": (
        "an option that does not fit the type",
        "facts_declarations",
        "An option or unit the fact's type cannot have (`unique` on a single value, `min` "
        "on money).",
        "Drop the option, or change the type.",
    ),
    "E0213": (
        "an undeclared or too deep group",
        "facts_declarations",
        "`group.fact` without a `group` declaration, or nested deeper than one group.",
        'Declare the group (`group certificate "认证证书"`), or fix its spelling.',
    ),
    "E0214": (
        "an enum value labelled two ways",
        "facts_declarations",
        "An enum value has one Chinese label wherever it appears.",
        "Use the label it has elsewhere.",
    ),
    "E0215": (
        "a collection's `id` or `named` fact is not among its facts",
        "collection_id_undeclared",
        "`collection … id <fact>` and `named <fact>` name a fact of the collection.",
        "Declare the fact in the collection, or name one it has (the help names the nearest).",
    ),
    "E0216": (
        "a policy declares context facts",
        "facts_declarations",
        "The context (application_date, assessment_year) is fixed; a policy cannot add to it.",
        "Declare the fact for the applicant or a collection instead.",
    ),
    "E0217": (
        "`uses` names no file",
        "uses_missing_file",
        '`uses "….facts"` is looked for beside the policy.',
        "Put the facts file beside the policy, or correct its name.",
    ),
    "E0218": (
        "a type the language does not have",
        "uses_bad_facts",
        "A fact's type is one of bool, integer, money, date, year, text, region, enum.",
        "Use the type the help names (`boolean` → `bool`).",
    ),
    "E0301": (
        "no citation",
        "uncited_rule",
        "Every rule cites the article it comes from.",
        "Add the article in brackets: `[第九条（二）]`.",
    ),
    "E0302": (
        "no label",
        "unlabelled_rule",
        "Every top-level rule starts with the document's own words in quotes.",
        'Add the label: `"信用良好": credit_good is true`.',
    ),
    "E0303": (
        "defined twice",
        "two_amounts",
        "A name defined twice, a step defined twice in one amount, or a second `amount` "
        "block in one programme.",
        "Keep one definition (merge two amount blocks into one).",
    ),
    "E0304": (
        "`__` in a name",
        "double_underscore",
        "Names become predicate names with `.` written `__`, so two underscores in a row could "
        "make two names collide.",
        "Use single underscores.",
    ),
    "E0305": (
        "a citation is an article",
        "reading_in_citation",
        "A citation names articles of the document; an interpretation id (A-xx) is not one.",
        "Name the reading in the label, or make it an `interpretation` switch.",
    ),
    "E0306": (
        "not allowed here",
        "award_of_unknown_programme",
        "A construct in a place that cannot evaluate it: arithmetic or counts in a record "
        "filter, `award(p)` outside a condition, `where` on a count of records.",
        "Move the computation to where it is allowed, as the help says.",
    ),
    "E0307": (
        "the amount's `award`",
        "award_not_last",
        "An `amount` has exactly one `award` step, and it is the last step.",
        "Add the `award` step, or move it last.",
    ),
    "E0308": (
        "a shared condition refers to itself",
        "shared_condition_cycle",
        "`conditions a = … @b …` and `conditions b = … @a …` never end.",
        "Break the cycle: one of them must not use the other.",
    ),
    "E0309": (
        "nested too deep",
        "expression_too_deep",
        "Groups or operations nested beyond the limits of `docs/language.md` §16.",
        "Flatten the groups; add long sums up in `let` steps.",
    ),
    "E0310": (
        "a number out of range",
        "number_out_of_range",
        "A number beyond the language's limits (12 digits before the point, 6 after; amounts "
        "below 1万亿元; rates up to 10000%).",
        "Write the number the document gives; it is inside the limits.",
    ),
    "E0311": (
        "a condition the declared types settle",
        "never_true",
        "A condition that no applicant can meet given the fields' declarations (a count or "
        "an amount below zero, an enum tested against none of its values with `not in` all "
        "of them), or an exclusion every applicant who states the fact meets (every value of "
        "an enum listed, a bool excluded on both its values: `excluded_on_both_values` "
        "golden). The rule never decides anything, so it cannot be what the document says.",
        "Check the values and the comparison word against the document's text.",
    ),
    "W0401": (
        "a label's number disagrees with the value",
        "label_number",
        'The label names an amount, a rate or a count ("给予5万元一次性奖励") and the rule\'s '
        "value has one of the same kind but none equal to it. Every cap of the shipped "
        "policies changed ×10 or ÷10 draws this warning.",
        "Correct the value or the label, whichever disagrees with the document.",
    ),
    "W0402": (
        "declared and never used",
        "unused_set",
        "A value set, record set or shared condition that no rule uses: usually a rule meant "
        "and not written.",
        "Use it where the document applies it, or delete it.",
    ),
    "W0403": (
        "a programme id that names no programme",
        "unknown_programme_id",
        "`programme_id in {…}` (prior awards, proposals) with a value that is not a programme "
        "of this policy or of a shipped one: the filter matches no record, silently.",
        "Write the id as it is declared after `programme` (the help suggests the closest).",
    ),
    "W0404": (
        "an exclusion inverted on a fact of standing",
        "inverted_exclusion",
        "`credit_good` and `operating_status_normal` are good when true, `fraud_debarment` "
        "bad when true. An exclusion of applicants in good standing, or a requirement of bad "
        "standing, has its sense inverted.",
        "Test the other value, as the help says.",
    ),
    "W0405": (
        "a branch that can never be taken",
        "unreachable_branch",
        "An exclusion equal to a requirement of its programme (it can never qualify), a "
        "branch of `any` equal to an earlier one, an `if` settled by the declared types, or "
        "an `if` in an `else` that tests only cases the outer `if` took.",
        "Delete the branch, or write the case the document meant.",
    ),
    "W0406": (
        "overlapping branches with different amounts",
        "overlapping_branches",
        "`if c1 then a else if c2 then b` where some value meets c1 and c2 and a differs "
        "from b: the order of the branches decides, which the document rarely says.",
        "Make the branches' conditions disjoint.",
    ),
}

# the applicant file (docs/applicant-format.md) and the round file (docs/round-format.md)
OTHER: dict[str, tuple[str, str, str]] = {
    "V-FILE": (
        "the applicant file cannot be read",
        "cannot read applicant file: No such file or directory",
        "Name an existing, readable file of at most the size limit.",
    ),
    "V-JSON": (
        "not UTF-8 JSON",
        "not valid JSON: Expecting ',' delimiter at line 12, column 5",
        "Fix the JSON at the line and column given.",
    ),
    "V-TYPE": (
        "wrong JSON type, null or empty string",
        '$.applicant.credit_good: expected true or false: got "yes"',
        "Write the type the field has; leave an unknown fact out instead of null.",
    ),
    "V-UNKNOWN": (
        "unknown key",
        '$.applicant.credit_god: unknown field "credit_god": did you mean "credit_good"?',
        "Use the suggested key.",
    ),
    "V-REQUIRED": (
        "a required key is missing",
        '$.applicant.ip_contracts[1].record_id: "record_id" is required here but missing',
        "Add the key.",
    ),
    "V-MONEY-NEG": (
        "money below zero",
        '…registered_contract_amount: money must not be negative: got "-200000.00"',
        "Money is never negative.",
    ),
    "V-MONEY-FMT": (
        "not a decimal yuan string",
        '"50万" is not a money amount: write yuan as a decimal string such as "500000.00"',
        'Write yuan as a quoted decimal: "500000.00".',
    ),
    "V-DATE": (
        "not an ISO calendar date",
        '"2022/05/10" is not an ISO date: write YYYY-MM-DD, e.g. "2024-06-01"',
        "Write YYYY-MM-DD.",
    ),
    "V-REGION": (
        "not a GB/T 2260 region code",
        '"999999" is not a GB/T 2260 region code',
        'Write the 6-digit code as a string: "500112".',
    ),
    "V-ENUM": (
        "a value not allowed",
        '"license" is not allowed: allowed values are transfer, licence, open_licence, capital_contribution',
        "Use one of the listed values.",
    ),
    "V-INT": (
        "not a whole number of at least 0",
        "expected a whole number, 0 or more: got -3",
        "Write a whole number.",
    ),
    "V-RANGE": (
        "outside the legal range",
        "central_funding_total must be from 150,000,000 to 200,000,000 yuan",
        "Check the figure against the document.",
    ),
    "V-CONTRA": (
        "facts that contradict each other",
        'cnipa_registration_date 2024-05-01 is given but cnipa_registration_status is "not_filed"',
        "Correct whichever of the two facts is wrong.",
    ),
    "V-DUP": (
        "a value or id given twice",
        "a repeated record id in one collection, a key written twice",
        "Give each id and key once.",
    ),
    "V-CONTEXT": (
        "the evaluation context is wrong",
        "the assessment year given must be from 1900 to 2100: got 24",
        "Give an application date (or --as-of) and a four-digit assessment year.",
    ),
    "V-LIMIT": (
        "beyond a size limit of the applicant file",
        "$.applicant.ip_contracts: a list here may have at most 10,000 records: got 12,000",
        "Check the file was generated correctly; the limits are in docs/applicant-format.md.",
    ),
    "V-BATCH": (
        "invalid applications block a round's pool",
        "cq_pool: not shared, because every share depends on these invalid applications: A7",
        "Fix the applications named (their own V-… errors say how), then run the round again.",
    ),
    "E0801": ("the round file is not YAML", "not valid YAML: …", "Fix the YAML at the line shown."),
    "E0802": ("a key given twice in the round file", "pools.cq_pool is given twice", "Keep one."),
    "E0803": (
        "a required key of the round file is missing",
        "the key policies is required",
        "Add the key (docs/round-format.md).",
    ),
    "E0804": (
        "an unknown key in the round file",
        "polices is not a key of the round file",
        "Use the suggested key.",
    ),
    "E0805": (
        "a value of the round file of the wrong form",
        'pools.cq_pool.total: write money as a quoted string such as "5000000", not a YAML number',
        "Write the value in the form the message gives.",
    ),
    "E0806": (
        "a round value that cannot be used",
        "a date that does not exist, a file that is not there",
        "Correct the value named.",
    ),
    "E0807": (
        "a round names what its policies do not declare",
        "pools.x: no policy of the round declares this pool",
        "Use a pool or switch the round's policies declare.",
    ),
}


def _golden(case: str) -> tuple[str | None, str]:
    policy = (HERE / f"{case}.policy").read_bytes()
    expected = (HERE / f"{case}.expected").read_text(encoding="utf-8")
    try:
        text: str | None = policy.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and len(text) > 1200:
        text = None
    return text, expected


def page() -> str:
    out = [
        "# Diagnostics",
        "",
        "Every code the compiler, the applicant validator and the round reader can print, with",
        "an example, what it means and how to fix it. `E01xx` are syntax errors, `E02xx` names,",
        "types and units, `E03xx` meaning, `W04xx` warnings, `V-…` the applicant file and `E08xx`",
        "the round file. An error stops the policy from compiling (`compile` and `check` exit 3);",
        "a warning is printed by `compile` (and `eligibility lint`) and does not. The examples are",
        "the golden tests of `tests/golden/diagnostics/`, printed exactly; this page is written",
        "from them by `python tests/golden/diagnostics/docpage.py`.",
        "",
        "| Code | What |",
        "|---|---|",
    ]
    out += [f"| [{code}](#{code.lower()}) | {title} |" for code, (title, *_) in COMPILER.items()]
    out += [f"| [{code}](#{code.lower()}) | {title} |" for code, (title, *_) in OTHER.items()]
    for code, (title, case, meaning, fix) in COMPILER.items():
        policy, expected = _golden(case)
        out += ["", f"## {code}", "", f"**{title}.** {meaning}", ""]
        if policy is not None:
            out += [f"`tests/golden/diagnostics/{case}.policy`:", "", "```policy", policy.rstrip("\n"), "```", ""]  # fmt: skip
        else:
            out += [f"`tests/golden/diagnostics/{case}.policy` (not shown) gives:", ""]
        out += ["```text", expected.rstrip("\n"), "```", "", f"**Fix.** {fix}"]
    for code, (title, example, fix) in OTHER.items():
        where = "applicant file" if code.startswith("V-") else "round file"
        out += ["", f"## {code}", "", f"**{title}** ({where}). For example:", ""]
        out += ["```text", example, "```", "", f"**Fix.** {fix}"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    PAGE.write_text(page(), encoding="utf-8")
