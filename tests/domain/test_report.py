"""Incident reports: content, redaction, languages, and a PDF that opens on one or two pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from calmdesk.domain.incidents import IncidentFields, Quote
from calmdesk.domain.report import ReportEvent, build_report, sections
from calmdesk.domain.report_html import render_html
from calmdesk.domain.report_pdf import PdfFont, find_font, render_pdf

AT = datetime(2026, 11, 20, 19, 15, tzinfo=UTC)


def _report(language: str = "pl", redact: bool = False) -> dict[str, object]:
    fields = IncidentFields(
        occurred_at=AT,
        type="threat",
        severity="critical",
        channel="phone",
        description="Klient zagroził recepcjonistce: <b>poczekam</b> po zamknięciu.",
        quotes=[Quote("poczekam na ciebie po zamknięciu", 31)],
        witnesses=["Tomasz Lis"],
        employees=["Katarzyna Wójcik"],
        supervisor_name="Ewa Kowalczyk",
        police_involved=True,
        steps_taken=["Przerwanie rozmowy"],
    )
    events = [
        ReportEvent(1, "created", AT, "Katarzyna Wójcik", None, ["type"], "ab" * 32),
        ReportEvent(2, "amended", AT, "Ewa Kowalczyk", "policja", ["status"], "cd" * 32),
    ]
    return build_report(
        incident_id=2,
        state=fields.to_state(),
        recorded_at=AT,
        recorded_by="Katarzyna Wójcik",
        personal_erased=False,
        organisation="Studio Magnolia",
        language=language,
        client_name="Krzysztof Nowicki (#8)",
        events=events,
        message_times={31: AT},
        chain_head="ef" * 32,
        chain_verified=True,
        generated_at=AT,
        redact=redact,
    )


def test_report_carries_the_chain_hash_and_linked_quotes() -> None:
    report = _report()
    assert report["integrity"] == {
        "algorithm": "sha256",
        "chain_position": 2,
        "event_hash": "cd" * 32,
        "chain_head": "ef" * 32,
        "verified": True,
    }
    quote = report["incident"]["quotes"][0]  # type: ignore[index]
    assert quote["message_id"] == 31 and quote["message_at"] == "2026-11-20T19:15:00.000000Z"


def test_redaction_hides_third_parties_only() -> None:
    title, _, blocks = sections(_report(redact=True))
    facts = dict(blocks[0].rows)
    assert facts["Świadkowie"] == "[utajniono]" and facts["Pracownicy"] == "[utajniono]"
    assert facts["Klient"] == "Krzysztof Nowicki (#8)"
    assert title == "Raport z incydentu nr 2"


@pytest.mark.parametrize(
    ("language", "title", "type_word"),
    [
        ("pl", "Raport z incydentu nr 2", "groźba"),
        ("fi", "Tapahtumaraportti nro 2", "uhkaus"),
        ("en", "Incident report no. 2", "threat"),
    ],
)
def test_report_speaks_the_organisations_language(
    language: str, title: str, type_word: str
) -> None:
    found_title, _, blocks = sections(_report(language))
    assert found_title == title and type_word in dict(blocks[0].rows).values()


def test_html_escapes_what_people_typed() -> None:
    page = render_html(_report())
    assert "&lt;b&gt;poczekam&lt;/b&gt;" in page and "<b>poczekam" not in page
    assert '<html lang="pl">' in page and "„poczekam na ciebie po zamknięciu”" in page


def _pages(pdf: bytes) -> int:
    # The page tree's root: "/Count N" followed by its "/Kids".
    return max(int(n) for n in re.findall(rb"/Count\s+(\d+)\s*/Kids", pdf))


def test_pdf_with_a_unicode_font_fits_two_pages_and_keeps_polish_letters(tmp_path: Path) -> None:
    font = find_font()
    if font.regular is None:
        pytest.skip("no Unicode TrueType font on this machine")
    pdf = render_pdf(_report(), font)
    assert pdf.startswith(b"%PDF-") and 1 <= _pages(pdf) <= 2
    if shutil.which("pdftotext"):
        path = tmp_path / "report.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Raport z incydentu nr 2" in text and "zamknięciu" in text


def test_pdf_without_any_font_still_renders_readable_text() -> None:
    pdf = render_pdf(_report(), PdfFont(None, None))
    assert pdf.startswith(b"%PDF-") and _pages(pdf) == 1
