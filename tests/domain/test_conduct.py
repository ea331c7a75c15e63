"""Reading conduct import files: every bad line named, good lines checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmdesk.domain.conduct import check_conduct, read_import_file
from calmdesk.errors import InvalidInput


def test_csv_lines_are_checked_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "kind,occurred_at,client_email,hours_notice\n"
        "no_show,2026-11-01,a@example.com,\n"
        "late_cancellation,2026-11-02,a@example.com,\n"
        "no_show,yesterday,a@example.com,\n"
        'late_cancellation,2026-11-03T10:00:00+01:00,a@example.com,"2,5"\n',
        encoding="utf-8",
    )
    rows, errors = read_import_file(path)
    assert [r.line for r in rows] == [2, 5]
    assert rows[1].hours_notice == 2.5 and rows[1].occurred_at.hour == 9
    assert [str(e) for e in errors] == [
        "line 3: hours_notice: a late cancellation needs the hours of notice given",
        "line 4: occurred_at: 'yesterday' is not an ISO date",
    ]


def test_unknown_columns_stop_the_file(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("kind,when,client\nno_show,2026-11-01,x\n", encoding="utf-8")
    rows, errors = read_import_file(path)
    assert rows == [] and str(errors[0]) == "line 1: unknown column(s): when"


def test_jsonl_needs_exactly_one_client_reference(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"kind": "abuse", "occurred_at": "2026-11-01", "client": "#3", "incident_id": 4}\n'
        '{"kind": "no_show", "occurred_at": "2026-11-01"}\n'
        '{"kind": "no_show", "occurred_at": "2026-11-01", "client": "x", "client_id": 2}\n'
        "[1, 2]\n",
        encoding="utf-8",
    )
    rows, errors = read_import_file(path)
    assert [(r.line, r.incident_id) for r in rows] == [(1, 4)]
    assert [e.line for e in errors] == [2, 3, 4]
    assert "exactly one of client" in errors[0].message
    assert errors[2].message == "expected a JSON object"


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"expected a \.csv or \.jsonl"):
        read_import_file(tmp_path / "events.xlsx")


def test_abuse_must_link_its_incident() -> None:
    with pytest.raises(InvalidInput, match="incident_id"):
        check_conduct("abuse")
