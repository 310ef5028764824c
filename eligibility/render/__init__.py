"""A decision → what a reader sees; the last stage of the pipeline.

    text      Decision → lines of (text, style) segments: summaries, proof trees, input errors
    terminal  those lines coloured with rich on a terminal (the only module that imports rich)
    json      Decision → JSON `eligibility.decision/1`, money as strings, key order fixed
    report    Decision → one self-contained HTML page to print and file (`check --report`)
    html      the pieces that page shares with a round's report.html: style, escaping, print
    pdf       a page → PDF, printed by headless Chromium when one is installed

The JSON format is described in docs/decision-format.md.
"""
