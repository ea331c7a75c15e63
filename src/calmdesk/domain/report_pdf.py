"""The incident report as a PDF (fpdf2), with a Unicode font for Polish and Finnish letters.

calmdesk ships no font file. It uses the font named in the settings (``CALMDESK_PDF_FONT``),
else a DejaVu, Liberation, Noto or similar TrueType font found on the system or shipped by an
installed Python package (matplotlib bundles DejaVu). Without any, it falls back to the PDF's
built-in Helvetica and writes Polish letters without diacritics (ą -> a), saying so in the
footer: readable, but set a font for documents meant for a court.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calmdesk.domain.report import sections

_CANDIDATES = (
    "DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "NotoSans-Regular.ttf",
    "FreeSans.ttf",
    "Arial.ttf",
    "arial.ttf",
    "Verdana.ttf",
)
_BOLD = {
    "DejaVuSans.ttf": "DejaVuSans-Bold.ttf",
    "LiberationSans-Regular.ttf": "LiberationSans-Bold.ttf",
    "NotoSans-Regular.ttf": "NotoSans-Bold.ttf",
    "FreeSans.ttf": "FreeSansBold.ttf",
    "Arial.ttf": "Arial Bold.ttf",
    "arial.ttf": "arialbd.ttf",
    "Verdana.ttf": "Verdana Bold.ttf",
}
_SEARCH_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_FALLBACK_NOTE = "Font without Polish letters; set CALMDESK_PDF_FONT to a TrueType font."


@dataclass(frozen=True, slots=True)
class PdfFont:
    """The regular and bold TrueType files used (None: the built-in Helvetica)."""

    regular: Path | None
    bold: Path | None


def find_font(configured: Path | None = None) -> PdfFont:
    """The best Unicode font available (see the module docstring for the order)."""
    if configured is not None:
        return PdfFont(configured, _bold_beside(configured))
    for directory in _package_font_dirs() + [Path(d).expanduser() for d in _SEARCH_DIRS]:
        if not directory.is_dir():
            continue
        for name in _CANDIDATES:
            found = next(iter(sorted(directory.rglob(name))), None)
            if found is not None:
                return PdfFont(found, _bold_beside(found))
    return PdfFont(None, None)


def _package_font_dirs() -> list[Path]:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(p) / "mpl-data" / "fonts" / "ttf" for p in spec.submodule_search_locations]


def _bold_beside(regular: Path) -> Path | None:
    bold = regular.with_name(_BOLD.get(regular.name, regular.stem + "-Bold.ttf"))
    return bold if bold.is_file() else None


def render_pdf(report: dict[str, Any], font: PdfFont) -> bytes:
    """PDF bytes of the report (A4, in the report's language)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title, subtitle, blocks = sections(report)
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    if font.regular is not None:
        pdf.add_font("report", "", str(font.regular))
        pdf.add_font("report", "B", str(font.bold or font.regular))
        family, fix = "report", _same
    else:
        family, fix = "helvetica", _latin1
    pdf.set_title(fix(title))
    pdf.set_creator("calmdesk")
    footer = fix(f"{title} · {report['integrity']['chain_head'][:16]}…")
    if font.regular is None:
        footer += " · " + _FALLBACK_NOTE

    pdf.footer = lambda: _footer(pdf, family, footer)  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(0, 8, fix(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    pdf.set_text_color(90)
    pdf.multi_cell(0, 5, fix(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    width = pdf.epw
    for block in blocks:
        pdf.ln(3)
        pdf.set_font(family, "B", 11.5)
        pdf.cell(0, 7, fix(block.title), new_x="LMARGIN", new_y="NEXT", border="B")
        pdf.ln(1)
        if block.rows:
            size = 7.5 if block.monospace else 9.5
            pdf.set_font(family, "", size)
            with pdf.table(
                col_widths=(0.32 * width, 0.68 * width),
                first_row_as_headings=False,
                borders_layout="HORIZONTAL_LINES",
                line_height=4.6,
                padding=1,
                text_align="LEFT",
            ) as table:
                for name, text in block.rows:
                    row = table.row()
                    row.cell(fix(name), style=FontFace(emphasis="BOLD", size_pt=size))
                    row.cell(fix(text))
        pdf.set_font(family, "", 9.5)
        for text in block.paragraphs:
            pdf.multi_cell(0, 4.8, fix(text), new_x="LMARGIN", new_y="NEXT", align="L")
        for item in block.items:
            pdf.multi_cell(0, 4.8, fix(f"•  {item}"), new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(pdf.output())


def _footer(pdf: Any, family: str, text: str) -> None:
    pdf.set_y(-12)
    pdf.set_font(family, "", 7.5)
    pdf.set_text_color(110)
    pdf.cell(0, 5, f"{text}   {pdf.page_no()}/{{nb}}", align="C")
    pdf.set_text_color(0)


def _same(text: str) -> str:
    return text


_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "•": "-", "„": '"', "”": '"', "—": "-", "→": "->", "…": "..."}
)


def _latin1(text: str) -> str:
    """Text the built-in font can draw: Latin-1 kept (ä, ö, ó), other letters unaccented."""
    folded = []
    for char in text.translate(_FOLD):
        if ord(char) < 256:
            folded.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)[0]
        folded.append(base if ord(base) < 256 else "?")
    return "".join(folded)
