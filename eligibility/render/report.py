"""A check's decision report (`check … --report decision.html`): one page to print and file.

The applicant (id, name, kind), the context (as-of date, assessment year), a table of every
programme's outcome and amount, then each programme on a printed page of its own: outcome,
missing facts, default readings, the amount's steps, the proof tree folded (`<details>`) and
the articles; the readings in force, the provenance (the applicant file's and the policies'
SHA-256, the versions, the engine), and the decision JSON itself, embedded as
`<script type="application/json" id="decision-json">` with the SHA-256 of its text.

The words are the explanation's (`render/text.py`, `render/wording.py`) in the chosen language,
so the page says what `check --explain` says. Self-contained (`render/html.py`): nothing is
fetched; everything from input is escaped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from eligibility.decision.proof import Decision, ProgrammeResult
from eligibility.facts import vocabulary
from eligibility.facts.model import ApplicantFacts, FactValue
from eligibility.facts.paths import visible
from eligibility.frozen import frozen_record
from eligibility.render import text
from eligibility.render.html import OPEN_FOR_PRINT, e, head, json_script
from eligibility.render.json import decision_json, dumps
from eligibility.render.text import Line, TreeNode
from eligibility.render.wording import Lang, Wording, wording

KIND_FIELDS = ("applicant_kind", "legal_form", "entity_kinds")  # what kind of applicant it is

_STYLE = """
h3{font-size:1.1em;margin:1em 0 .4em}
table.facts{width:auto;min-width:50%}table.facts th{width:12em;font-weight:normal;color:#444}
table.summary a{color:inherit}td.nowrap{white-space:nowrap}td.doc{min-width:7em}td.what{min-width:9em}
td.money{text-align:right;min-width:7em}td.why{min-width:12em}
table.steps th:last-child,table.steps td.cite{white-space:nowrap}
section.programme{margin-top:1.2em;padding-top:.4em;border-top:1px solid #ccc}
section.programme h3{margin-top:0}section.programme p{margin:.3em 0}
ul.tree{list-style:none;margin:.2em 0;padding-left:1.1em}
ul.tree ul.tree{border-left:1px solid #ddd;margin-left:.4em;padding-left:.2em}
ul.tree li{margin:.15em 0;padding-left:1.2em;text-indent:-1.2em}ul.tree ul,.notes{text-indent:0}
.mark{display:inline-block;width:1.2em;text-indent:0}
.dim{color:#666}.heading{font-weight:bold}
.notes{color:#555;font-size:.9em;margin-left:1.2em}
code{font-size:.85em;word-break:break-all}
pre{white-space:pre-wrap;font-size:.8em;background:#f6f6f6;padding:.5em}
tr.document td{background:#f3f3f3;font-weight:bold}td.switch code{white-space:nowrap;word-break:normal}
@page{size:A4;margin:15mm}
@media print{body{margin:0}tr,ul.na li{break-inside:avoid}h2,h3{break-after:avoid}
h2.programmes{break-before:page}section.programme+section.programme{break-before:page}
section.programme{border-top:none}
[data-screen-only]{display:none}a{text-decoration:none}}
"""
# Fills the folded JSON view from the embedded element on first opening (a copy in the page
# would double its size), in the layout `check --format json` prints.
_SHOW_JSON = (
    "<script>document.getElementById('json-view').addEventListener('toggle',()=>{"
    "const p=document.getElementById('json-text');if(!p.textContent)p.textContent="
    "JSON.stringify(JSON.parse(document.getElementById('decision-json').textContent),null,2)})"
    "</script>\n"
)


@frozen_record
class ApplicantProfile:
    """What the page says of who applied: the kind fields (field, values) as the file gives
    them (applicant_kind defaulted by validation when the file does not)."""

    applicant_id: str
    name: str
    kind: tuple[tuple[str, tuple[FactValue, ...]], ...]


def applicant_profile(applicant: ApplicantFacts, name: str) -> ApplicantProfile:
    kind = tuple(
        (field, values)
        for field in KIND_FIELDS
        if (values := tuple(f.value for f in applicant.facts if f.field == field))
    )
    return ApplicantProfile(applicant.applicant_id, name, kind)


def decision_page(
    decision: Decision, profile: ApplicantProfile, lang: Lang = "zh", opened: bool = False
) -> str:
    """The whole page. `opened`: every proof unfolded (for a PDF, which no one can click)."""
    w = wording(lang)
    document = dumps(decision_json(decision, lang))
    who = f"{decision.applicant_id} {decision.applicant_name}".strip()
    title = f"{w('report.title')} · {who}"
    # the programmes explained, ranked as in `--explain`; a document that does not apply at
    # all gets one line instead of its programmes
    not_applicable, skipped = text.not_applicable_lines(decision, lang)
    shown = [r for r in text.ranked(decision.results) if r.policy_id not in skipped]
    parts = [
        head(visible(title), "zh-CN" if lang == "zh" else "en", _STYLE),
        f"<h1>{e(visible(title))}</h1>\n",
        _applicant(decision, profile, w),
        _summary(shown, not_applicable, w),
        _programmes(decision, shown, lang, opened),
        _interpretations(decision, w),
        _provenance(decision, document, w),
        f"<div data-screen-only><h2>{e(w('report.json'))}</h2>\n"
        f"<details id=json-view data-screen-only><summary>{e(w('report.json_show'))}</summary>"
        "<pre id=json-text></pre></details></div>\n",
        json_script(document, "decision-json"),
        f"<p class=cite>{e(w('report.footer'))}</p>\n",
        _SHOW_JSON,
        OPEN_FOR_PRINT,
        "</body></html>\n",
    ]
    return "".join(parts)


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table of (heading, HTML) rows."""
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table class=facts><tbody>{body}</tbody></table>\n"


def _applicant(decision: Decision, profile: ApplicantProfile, w: Wording) -> str:
    rows = [
        (w("report.applicant_id"), e(visible(decision.applicant_id))),
        (w("report.name"), e(visible(decision.applicant_name))),
    ]
    for field, values in profile.kind:
        spec = vocabulary.applicant_field(field)
        shown = w.join(w.value(v, spec) for v in values)
        rows.append((w.field(field, spec), e(visible(shown))))
    rows += [
        (w("report.as_of"), e(decision.as_of.isoformat())),
        (w("report.assessment_year"), e(decision.assessment_year)),
        (w("report.engine"), e(dict(decision.versions).get("engine", ""))),
    ]
    return f"<h2>{e(w('report.applicant'))}</h2>\n" + _rows(rows)


def _outcome(r: ProgrammeResult, w: Wording) -> str:
    style = text.OUTCOME_MARKS[r.outcome]
    mark = text.MARKS[style][0]
    return f'<span class="{style}"><span class=mark>{mark}</span>{e(w.outcome(r.outcome))}</span>'


def _amount(r: ProgrammeResult, w: Wording) -> str:
    return e(w.amount(r).removeprefix(" · "))


def _summary(shown: list[ProgrammeResult], not_applicable: list[Line], w: Wording) -> str:
    out = [
        f"<h2>{e(w('report.summary'))}</h2>\n<table class=summary><thead><tr>"
        f"<th>{e(w('report.programme'))}</th><th>{e(w('report.document'))}</th>"
        f"<th>{e(w('report.outcome'))}</th><th>{e(w('report.amount'))}</th>"
        f"<th>{e(w('report.remarks'))}</th></tr></thead><tbody>\n"
    ]
    for index, r in enumerate(shown, 1):
        why = visible(_remarks(r, w))
        out.append(
            f'<tr><td class=what><a href="#p-{index}">{e(visible(r.title))}</a><br>'
            f"<span class=cite>{e(visible(r.programme))}</span></td>"
            f"<td class=doc>{e(visible(r.document))}</td><td class=nowrap>{_outcome(r, w)}</td>"
            f"<td class=money>{_amount(r, w)}</td><td class=why>{e(why)}</td></tr>\n"
        )
    out.append("</tbody></table>\n")
    if not_applicable:
        out.append(f"<h3>{e(w('report.not_applicable'))}</h3>\n<ul class=na>")
        out += [f"<li class=dim>{_line(line[1:])}</li>" for line in not_applicable]
        out.append("</ul>\n")
    return "".join(out)


def _remarks(r: ProgrammeResult, w: Wording) -> str:
    """The failing conditions of a "does not qualify" (as the summary line names them), else
    every fact missing."""
    if r.outcome == "does_not_qualify":
        return text.summary_reason(r, w).removeprefix(" · ")
    return w("explain.missing", w.missing_facts(r)) if r.missing else ""


def _programmes(decision: Decision, shown: list[ProgrammeResult], lang: Lang, opened: bool) -> str:
    w = wording(lang)
    out = [f"<h2 class=programmes>{e(w('report.programmes'))}</h2>\n"]
    for index, r in enumerate(shown, 1):
        out.append(
            f'<section class=programme id="p-{index}"><h3>{e(visible(r.programme))} · '
            f"{e(visible(r.title))}</h3>\n"
            f"<p>{e(w('report.document'))}{e(w('colon'))}{e(visible(r.document))}</p>\n"
            f"<p>{e(w('explain.outcome'))}{_outcome(r, w)}{e(w.amount(r))}</p>\n"
        )
        if r.missing:
            key = "explain.also_missing" if r.outcome == "does_not_qualify" else "explain.missing"
            out.append(f"<p class=undetermined>{e(visible(w(key, w.missing_facts(r))))}</p>\n")
        for name, value, label in text.default_readings(decision, r):
            worded = w("explain.default_reading", name, value, label)
            out.append(f"<p class=dim>{e(visible(worded))}</p>\n")
        out.append(_steps(r, w))
        tree = text.proof_tree(r, lang)
        out.append(
            f"<details{' open' if opened else ''}><summary>{e(w('report.proof'))}</summary>"
            f'<ul class="tree">{_node(tree)}</ul></details>\n'
        )
        articles = w.articles(r.citations, r.document)
        worded = w("explain.citations", w("list.sep_long").join(articles))
        out.append(f"<p class=cite>{e(visible(worded))}</p></section>\n")
    return "".join(out)


def _steps(r: ProgrammeResult, w: Wording) -> str:
    """The amount's computation, one row a step, as `--explain` words it."""
    if not r.amount_proof or (r.amount is None and r.max_amount is None):
        return ""
    rows = []
    for step in r.amount_proof.lines:
        label, computation = w.amount_step(step)
        article = w.article(step.citation, r.document) if step.citation else ""
        rows.append(
            f"<tr><td>{e(visible(label))}</td><td>{e(visible(computation))}</td>"
            f"<td class=cite>{e(visible(article))}</td></tr>"
        )
    return (
        f"<table class=steps><thead><tr><th>{e(w('report.step'))}</th>"
        f"<th>{e(w('report.computation'))}</th><th>{e(w('report.article'))}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>\n"
    )


def _line(line: Line) -> str:
    """Segments of an explanation line, each in its style's class (a mark in a column of its
    own). The text is already made visible by `render.text`; here it is only escaped."""
    out = []
    for index, (segment, style) in enumerate(line):
        cls = "mark " + style if index == 0 and text.has_mark(line) else style
        out.append(f'<span class="{cls}">{e(segment)}</span>' if cls else e(segment))
    return "".join(out)


def _node(node: TreeNode) -> str:
    notes = "".join(f"<div>{_line(n)}</div>" for n in node.notes)
    inner = "".join(_node(c) for c in node.children)
    spacer = "" if text.has_mark(node.line) else "<span class=mark></span>"
    return (
        f"<li>{spacer}{_line(node.line)}"
        + (f"<div class=notes>{notes}</div>" if notes else "")
        + (f'<ul class="tree">{inner}</ul>' if inner else "")
        + "</li>\n"
    )


def _interpretations(decision: Decision, w: Wording) -> str:
    """The switches in force, under their document (rule inventory §7)."""
    out = [f"<h2>{e(w('report.interpretations'))}</h2>\n"]
    if not decision.interpretations:
        return out[0] + f"<p>{e(w('report.none'))}</p>\n"
    out.append(
        f"<table><thead><tr><th>{e(w('report.switch'))}</th><th>{e(w('report.value'))}</th>"
        f"<th>{e(w('report.source'))}</th><th>{e(w('report.meaning'))}</th></tr></thead>"
        "<tbody>\n"
    )
    documents = {p.policy_id: p.document for p in decision.policies}
    last = None
    for i in decision.interpretations:
        if i.policy_id != last:
            last = i.policy_id
            document = visible(documents.get(i.policy_id, i.policy_id))
            out.append(f"<tr class=document><td colspan=4>{e(document)}</td></tr>\n")
        source = w("report.default") if i.is_default else w("report.chosen")
        out.append(
            f"<tr><td class=switch><code>{e(i.name)}</code></td><td><code>{e(visible(i.value))}</code></td>"
            f"<td class=nowrap>{e(source)}</td><td>{e(visible(i.label))}</td></tr>\n"
        )
    out.append("</tbody></table>\n")
    return "".join(out)


def _provenance(decision: Decision, document: str, w: Wording) -> str:
    """What the decision was made from: each file's SHA-256 and the versions; and the SHA-256
    of the decision JSON embedded below, which ties a printed copy to the page."""
    digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
    rows = [
        (w("report.applicant_file"), f"<code>{e(decision.applicant_sha256)}</code>"),
        (w("report.decision_sha256"), f"<code>{digest}</code>"),
    ]
    rows += [
        (w("report.version", name), f"<code>{e(v)}</code>" if name.endswith("sha256") else e(v))
        for name, v in decision.versions
    ]
    policies = "".join(
        f"<tr><td>{e(visible(p.document))}</td><td><code>{e(visible(p.file))}</code></td>"
        f"<td><code>{e(p.sha256)}</code></td></tr>\n"
        for p in decision.policies
    )
    return (
        f"<h2>{e(w('report.provenance'))}</h2>\n"
        + _rows(rows)
        + f"<table class=policies><thead><tr><th>{e(w('report.document'))}</th>"
        f"<th>{e(w('report.policy_file'))}</th><th>SHA-256</th></tr></thead><tbody>\n"
        + policies
        + f"</tbody></table>\n<p class=dim>{e(w('report.json_note'))}</p>\n"
    )
