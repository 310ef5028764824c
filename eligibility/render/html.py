"""The pieces every HTML page of ours shares: the round's report.html (`round/report.py`) and a
check's decision report (`render/report.py`).

A page is one self-contained file: its style and its one line of script inline, no stylesheet,
font, image or script fetched from elsewhere, so it renders the same offline and in ten years.
Everything that comes from input (names, ids, labels, paths) goes through `e`; a JSON document
embedded for machines goes through `json_script`, which no input can close early.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

STYLE = """
body{overflow-wrap:anywhere;font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;color:#111}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.error{color:#a00}.warning{color:#a60}
.holds{color:#060}.fails{color:#a00}.undetermined{color:#a60}
details{margin:.2em 0 .6em 1em}summary{cursor:pointer}
ul.proof{margin:.2em 0;padding-left:1.2em}ul.proof li{margin:.1em 0}
.cite{color:#555;font-size:.85em}
@media print{details>summary{list-style:none}details{display:block}}
"""

# Printing files the whole page: every folded proof opens first (inline, no resource). A
# <details> marked `data-screen-only` (a page's embedded JSON, say) stays as it is.
OPEN_FOR_PRINT = (
    "<script>addEventListener('beforeprint',()=>document.querySelectorAll"
    "('details:not([data-screen-only])').forEach(d=>d.open=true))</script>\n"
)


def e(value: object) -> str:
    """Text from anywhere, safe inside an element or a quoted attribute."""
    return escape(str(value), quote=True)


def money(value: Decimal | None) -> str:
    """Money as every page shows it: `8,000.00`, or a dash when there is none."""
    return "—" if value is None else f"{value:,.2f}"


def head(title: str, lang: str, style: str = "") -> str:
    """The page up to and including <body>: `style` is added after the shared one."""
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{STYLE}{style}</style></head><body>\n"
    )


def json_script(text: str, element_id: str) -> str:
    """JSON text as a `<script type="application/json">` element. Every `<` is written as the
    JSON escape `\\u003c`, which `JSON.parse` reads back as `<`: no `</script>` or `<!--` in
    a name can end the element or start a comment, and the JSON is unchanged in meaning."""
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{e(element_id)}">{safe}</script>\n'
