"""report.html: one self-contained page a bureau can print and file (issue #9 item 3).

The round's totals, a chart of requested against allocated money per pool (inline SVG), the
round-level errors and warnings with their articles, then one row per applicant and programme,
each applicant's proof trees folded under its rows (`<details>`; one inline line of script opens
them all for printing). Chinese first, English after. Nothing external (no stylesheet, font,
image or script loaded from elsewhere; the pieces shared with a check's decision report are in
`render/html.py`): the page renders the same offline and in ten years. Written as the decisions
stream past, so a round of any size is never held in memory as a page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TextIO

from eligibility.render.html import OPEN_FOR_PRINT, head
from eligibility.render.html import e as _e
from eligibility.render.html import money as _money
from eligibility.round.model import Allocation, PoolOutcome
from eligibility.round.outputs import allocation_article, round_json, titles
from eligibility.round.run import DecidedRound

_STYLE = """
table.applicants tbody{border-top:2px solid #666}tr.proofs td{border-top:none;padding-top:0}tr.failed td{color:#555}
"""
_VERDICT = {"holds": "成立 holds", "fails": "不成立 fails", "undetermined": "待定 undetermined"}
_STATUS = {  # ShareStatus and PoolStatus (round.model)
    "definite": "确定 definite",
    "entitlement_undetermined": "金额待定 entitlement undetermined",
    "pool_undetermined": "分配待定 pool undetermined",
    "blocked": "暂停 blocked (V-BATCH)",
    "review": "提交审定 for the bureau's review",
    "not_pooled": "无总额限制 no pool",
    "over_limit": "超出家数限制，待遴选 over a hard limit: the bureau chooses",
    "not_claimed": "不予资助 nothing to allocate",
    "not_exceeded": "未超总额 within the pool",
    "prorated": "按比例 pro-rated",
    "undetermined": "待定 undetermined",
}
_OUTCOME = {
    "qualifies": "符合 qualifies",
    "does_not_qualify": "不符合 does not qualify",
    "undetermined": "待定 undetermined",
}


def _status(status: str) -> str:
    return _STATUS.get(status, status)


def begin(out: TextIO, decided: DecidedRound) -> None:
    """The page up to the applicants' rows: title, totals, chart, pools, issues."""
    summary = round_json(decided)
    totals = summary["totals"]
    title = decided.round_file.title or f"资助批次 {decided.round_file.batch_id}"
    policies = "<br>".join(_e(f"{p['document']} ({p['policy_id']})") for p in summary["policies"])
    out.write(
        head(title, "zh-CN", _STYLE) + f"<h1>{_e(title)} · 评审结果报告 Round report</h1>\n"
        "<table class=totals><tbody>"
        f"<tr><th>批次 Batch</th><td>{_e(summary['batch_id'])}</td></tr>"
        f"<tr><th>评估日期 As of</th><td>{_e(summary['as_of'])}（本年度 assessment year "
        f"{summary['assessment_year']}）</td></tr>"
        f"<tr><th>政策 Policies</th><td>{policies}</td></tr>"
        f"<tr><th>申请 Applications</th><td>{totals['applications']}（无效 invalid "
        f"{totals['invalid']}）</td></tr>"
        f"<tr><th>确定资助 Definite awards</th><td>{totals['awards']} 项，共 "
        f"{_money(Decimal(totals['awarded']))} 元</td></tr>"
        f"<tr><th>待定 Undetermined</th><td>{totals['undetermined']}</td></tr>"
        f"<tr><th>引擎 Engine</th><td>{_e(decided.engine)}</td></tr>"
        "</tbody></table>\n"
    )
    _issues(out, summary)
    if decided.outcome.pools:
        names = titles(decided)
        out.write("<h2>资金池 Pools</h2>\n")
        out.write(chart_svg(decided.outcome.pools, names))
        _pool_table(out, decided.outcome.pools, names)
    out.write(
        "<h2>申请人 Applicants</h2>\n<table class=applicants><thead><tr>"
        "<th>申请人 Applicant</th><th>项目 Programme</th><th>结果 Outcome</th>"
        "<th>核定额 Entitlement</th><th>分配额 Award</th><th>状态 Status</th>"
        "<th>依据 Article</th></tr></thead>\n"
    )


def _issues(out: TextIO, summary: dict[str, Any]) -> None:
    listed = [("error", i) for i in summary["errors"]] + [
        ("warning", i) for i in summary["warnings"]
    ]
    refused = summary["invalid_applications"]
    if not listed and not refused:
        out.write("<p>本批次无错误或警告。No round-level errors or warnings.</p>\n")
        return
    out.write("<h2>错误与警告 Errors and warnings</h2>\n<ul>\n")
    for level, issue in listed:
        label = "错误 error" if level == "error" else "警告 warning"
        # the applicants involved, unless the message already names every one of them
        unnamed = [a for a in issue["applicants"] if a not in issue["message"]]
        who = "、".join(issue["applicants"]) if unnamed else ""
        out.write(
            f'<li class="{level}"><b>{label} {_e(issue["code"])}</b>: {_e(issue["message"])} '
            f"<span class=cite>{_e(issue['article'])}</span>{f'（{_e(who)}）' if who else ''}</li>\n"
        )
    for application in refused:
        for error in application["errors"]:
            out.write(
                f'<li class="error"><b>无效申请 invalid application V-BATCH</b>: '
                f"{_e(application['applicant_id'])} ({_e(application['source'])}) "
                f"<code>{_e(error['path'])}</code> {_e(error['code'])}: {_e(error['message'])}</li>\n"
            )
    out.write("</ul>\n")


def _pool_table(
    out: TextIO, pools: tuple[PoolOutcome, ...], names: dict[tuple[str, str], str]
) -> None:
    out.write(
        "<table><thead><tr><th>资金池 Pool</th><th>可用 Available</th><th>申请 Requested</th>"
        "<th>分配 Allocated</th><th>比例 Factor</th><th>状态 Status</th><th>规则 Rule</th>"
        "</tr></thead><tbody>\n"
    )
    for pool in pools:
        factor = "—" if pool.factor is None else _e(pool.factor)
        requested = _money(pool.requested)
        if pool.requested_high is None:
            requested = f"≥ {requested}（无上限 unbounded）"
        elif pool.requested_high != pool.requested:
            requested += f" – {_money(pool.requested_high)}"
        reason = f"<br>{_e(pool.reason)}" if pool.reason else ""
        out.write(
            f"<tr><td>{_e(names.get((pool.policy_id, pool.programme_id), pool.pool_id))}<br>"
            f"<span class=cite>{_e(pool.citation)}</span></td>"
            f"<td class=n>{_money(pool.available)}</td><td class=n>{requested}</td>"
            f"<td class=n>{_money(pool.allocated)}</td><td class=n>{factor}</td>"
            f"<td>{_status(pool.status)}{reason}</td>"
            f"<td>{_e(pool.rule_note)} <span class=cite>{_e(pool.rule_citation)}</span></td></tr>\n"
        )
    out.write("</tbody></table>\n")


def chart_svg(pools: tuple[PoolOutcome, ...], names: dict[tuple[str, str], str]) -> str:
    """Per pool, requested (grey) against allocated (blue) as horizontal bars, the money
    available as a red line. Each pool on its own scale (the larger of available and requested):
    pools of 40万 and 500万 side by side would otherwise leave the small one invisible.
    Inline SVG, readable in print; the figures are written beside each bar."""
    row, label_width, bar_width = 36, 280, 360
    height = row * len(pools) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 300}" '
        f'height="{height}" role="img" aria-label="申请与分配 requested vs allocated">',
        f'<text x="{label_width}" y="14" font-size="12">'
        '<tspan fill="#888">■ 申请 requested</tspan> <tspan fill="#2a6ebb">■ 分配 allocated</tspan>'
        ' <tspan fill="#c00">| 可用 available</tspan></text>',
    ]
    for index, pool in enumerate(pools):
        y = 24 + index * row
        requested = pool.requested_high if pool.requested_high is not None else pool.requested
        top = max(pool.available, requested, Decimal("0.01"))

        def width(value: Decimal | None, top: Decimal = top) -> Decimal:
            """Pixels, in Decimal as every figure here (money never passes through float)."""
            shown = Decimal(0) if value is None else value / top * bar_width
            return shown.quantize(Decimal("0.1"))

        title = names.get((pool.policy_id, pool.programme_id), pool.pool_id)
        line = label_width + width(pool.available)
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="12">{_e(title[:22])}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{width(requested):.1f}" '
            'height="12" fill="#bbb"/>'
            f'<rect x="{label_width}" y="{y + 16}" width="{width(pool.allocated):.1f}" '
            'height="12" fill="#2a6ebb"/>'
            f'<line x1="{line:.1f}" x2="{line:.1f}" y1="{y}" y2="{y + 31}" stroke="#c00" '
            'stroke-width="2"/>'
            f'<text x="{label_width + bar_width + 8}" y="{y + 13}" font-size="11" fill="#555">'
            f"申请 {_money(pool.requested)}{'' if requested == pool.requested else ' – ' + _money(requested)}"
            f" / 可用 {_money(pool.available)}</text>"
            f'<text x="{label_width + bar_width + 8}" y="{y + 27}" font-size="11" fill="#2a6ebb">'
            f"分配 {_money(pool.allocated)}</text>"
        )
    parts.append("</svg>\n")
    return "".join(parts)


def applicant_pieces(decision: dict[str, Any]) -> dict[str, Any]:
    """What an applicant's rows need of its decision, the HTML that does not depend on the
    allocation already made (its proof trees: most of the page): plain data, so that a worker
    deciding the chunk makes it and the command, once the round is allocated, writes the rows
    (`write_applicant`) without reading the decision back."""
    applicant_id = decision.get("applicant_id", "")
    if "errors" in decision:  # a refused application: its errors instead of a decision
        return {
            "id": applicant_id,
            "fixed": f"<tr class=error><td>{_e(applicant_id)}<br>"
            f"<span class=cite>{_e(decision.get('source', ''))}</span></td>"
            "<td colspan=6>无效申请 invalid application (V-BATCH)<ul>"
            + "".join(
                f"<li><code>{_e(e['path'])}</code> {_e(e['code'])}: {_e(e['message'])}</li>"
                for e in decision["errors"]
            )
            + "</ul></td></tr>\n</tbody>\n",
        }
    shown = [r for r in decision.get("results", ()) if not r.get("not_applicable")]
    if not shown:
        return {
            "id": applicant_id,
            "fixed": f"<tr><td>{_e(applicant_id)}</td><td colspan=6>所列政策均不适用 "
            "no policy of the round applies</td></tr>\n</tbody>\n",
        }
    failed = [r["title"] for r in shown if r["outcome"] == "does_not_qualify"]
    return {
        "id": applicant_id,
        "rows": [
            [r["policy_id"], r["programme"], r["title"], r["outcome"]]
            for r in shown
            if r["outcome"] != "does_not_qualify"
        ],
        "failed": (  # one line for the programmes it does not qualify for: reasons in the proofs
            f"<tr class=failed><td>{_e(applicant_id)}</td><td colspan=6>"
            f"{_OUTCOME['does_not_qualify']}: {_e('、'.join(failed))}</td></tr>\n"
            if failed
            else ""
        ),
        "proofs": [
            [
                r["policy_id"],
                r["programme"],
                f"<h3>{_e(r['title'])} <span class=cite>{_e(r['policy'])}</span></h3>\n"
                f'<ul class="proof">{_node(r["proof"])}</ul>\n',
                "".join(
                    _step(step) for step in (r.get("amount_computation") or {}).get("steps", [])
                ),
            ]
            for r in shown
        ],
    }


def write_applicant(
    out: TextIO,
    pieces: dict[str, Any],
    allocations: dict[tuple[str, str, str], Allocation],
    round_errors: str = "",
) -> None:
    """One applicant: a row per programme it may receive money from (award, status, article,
    and the round-level errors naming it, e.g. R-QUOTA), one line for those it does not qualify
    for, its proof trees and allocation steps folded underneath."""
    applicant_id = pieces["id"]
    out.write(f'<tbody id="a-{_e(applicant_id)}">\n')
    if "fixed" in pieces:
        out.write(pieces["fixed"])
        return
    warning = (
        f"<br><b class=error>⚠ 见批次错误 see round errors: {_e(round_errors)}</b>"
        if round_errors
        else ""
    )
    for policy_id, programme, title, outcome in pieces["rows"]:
        found = allocations.get((applicant_id, policy_id, programme))
        out.write(
            f"<tr><td>{_e(applicant_id)}</td><td>{_e(title)}</td>"
            f"<td>{_OUTCOME.get(outcome, _e(outcome))}</td>"
            f"<td class=n>{_entitlement(found)}</td>"
            f"<td class=n>{_money(found.share if found else None)}</td>"
            f"<td>{_status(found.status) if found else '—'}{warning}</td>"
            f"<td class=cite>{_e(allocation_article(found) if found else '')}</td></tr>\n"
        )
    out.write(pieces["failed"])
    out.write(
        f"<tr class=proofs><td colspan=7><details><summary>{_e(applicant_id)} "
        "的证明树与计算 proof trees and computations</summary>\n"
    )
    for policy_id, programme, proof, amount_steps in pieces["proofs"]:
        out.write(proof)
        found = allocations.get((applicant_id, policy_id, programme))
        steps = amount_steps + "".join(
            _step({"label": s.label, "citation": s.citation, "computation": s.computation})
            for s in (found.steps if found else ())
        )
        if steps:
            out.write(f"<ol>{steps}</ol>\n")
    out.write("</details></td></tr>\n</tbody>\n")


def _step(step: dict[str, str]) -> str:
    return (
        f"<li>{_e(step['label'])}: {_e(step['computation'])} "
        f"<span class=cite>{_e(step['citation'])}</span></li>"
    )


def _entitlement(found: Allocation | None) -> str:
    """The entitlement as the page shows money, a range when facts are missing."""
    if found is None or found.entitlement is None:
        return "—"
    entitlement = found.entitlement
    if entitlement.exact is not None:
        return _money(entitlement.exact)
    return f"{_money(entitlement.low)} – {_money(entitlement.high) if entitlement.high is not None else '…'}"


# A proof's leaves (tests) are shared dicts across applicants (`render.json` makes a test's
# JSON once per value and verdict): their HTML is made once too, keyed by the dict itself
_LEAVES: dict[int, tuple[dict[str, Any], str]] = {}
_LEAVES_KEPT = 20_000


def _node(node: dict[str, Any]) -> str:
    children = node.get("children", ())
    if not children:
        found = _LEAVES.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
    verdict = node.get("verdict", "")
    worded = node.get("detail_label") or node.get("detail")  # the label is in the round's language
    detail = f" — {_e(worded)}" if worded else ""
    missing = f" 缺少 missing: {_e(', '.join(node['missing']))}" if node.get("missing") else ""
    inner = '<ul class="proof">' + "".join(_node(c) for c in children) + "</ul>" if children else ""
    made = (
        f'<li><span class="{_e(verdict)}">{_VERDICT.get(verdict, _e(verdict))}</span> '
        f"{_e(node.get('label', ''))}{detail}{missing} "
        f"<span class=cite>{_e(node.get('citation', ''))}</span>{inner}</li>"
    )
    if not children:
        if len(_LEAVES) >= _LEAVES_KEPT:
            _LEAVES.clear()
        _LEAVES[id(node)] = (node, made)  # the dict kept: its id cannot be reused meanwhile
    return made


def end(out: TextIO) -> None:
    out.write(
        "</table>\n<p class=cite>本报告由 eligibility round 生成；每项金额的计算过程见各申请人的证明树。"
        "Generated by eligibility round; each amount's computation is in the applicant's proof trees.</p>\n"
        + OPEN_FOR_PRINT
        + "</body></html>\n"
    )
