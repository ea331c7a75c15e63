"""The incident report as one self-contained, printable HTML page."""

from __future__ import annotations

from html import escape
from typing import Any

from calmdesk.domain.report import sections

_STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:11pt;color:#111;max-width:46em;
margin:2em auto;line-height:1.4}
h1{font-size:17pt;margin:0}.sub{color:#555;margin:.2em 0 1.2em}
h2{font-size:12.5pt;border-bottom:1px solid #999;margin:1.2em 0 .4em;padding-bottom:.1em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;
padding:.15em .4em;border-bottom:1px solid #eee}th{width:34%;font-weight:600}
.mono td{font-family:"DejaVu Sans Mono",monospace;font-size:9pt;word-break:break-all}
ul{margin:.2em 0;padding-left:1.3em}@media print{body{margin:0}}
"""


def render_html(report: dict[str, Any]) -> str:
    """HTML text of the report, in the report's language."""
    title, subtitle, blocks = sections(report)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(report["language"])}"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{escape(subtitle)}</p>',
    ]
    for block in blocks:
        parts.append(f"<section><h2>{escape(block.title)}</h2>")
        if block.rows:
            css = ' class="mono"' if block.monospace else ""
            parts.append(f"<table{css}>")
            parts.extend(
                f"<tr><th>{escape(name)}</th><td>{escape(text)}</td></tr>"
                for name, text in block.rows
            )
            parts.append("</table>")
        parts.extend(f"<p>{escape(text)}</p>" for text in block.paragraphs)
        if block.items:
            parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
