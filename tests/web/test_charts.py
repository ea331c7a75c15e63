"""Dashboard charts: SVG text that is escaped, reproducible, and says when there is no data."""

from __future__ import annotations

from calmdesk.web import charts


def test_labels_are_escaped_text() -> None:
    svg = charts.horizontal_bars(["<script>alert(1)</script>", "Anna & Maija"], [1, 2], empty="-")
    assert svg.startswith("<svg")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "Anna &amp; Maija" in svg


def test_the_same_data_draws_the_same_chart() -> None:
    series = {"Verbal abuse": [1.0, 3.0], "Threat": [0.0, 1.0]}
    first = charts.stacked_bars(["2026-W46", "2026-W47"], series, empty="-")
    assert first == charts.stacked_bars(["2026-W46", "2026-W47"], series, empty="-")
    assert "Verbal abuse" in first and "2026-W47" in first


def test_no_data_says_so() -> None:
    assert "Nothing recorded" in charts.stacked_bars([], {}, empty="Nothing recorded")
    assert "Nothing recorded" in charts.horizontal_bars([], [], empty="Nothing recorded")
