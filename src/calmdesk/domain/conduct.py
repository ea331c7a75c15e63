"""Conduct events: what a client did over time, good and bad, and how they are imported.

An import file is CSV (a header row) or JSONL (one object per line) with these columns:
``kind``, ``occurred_at`` (ISO date or time), the client (``client`` = any reference, or
``client_id`` / ``client_email`` / ``client_phone`` / ``client_booking_ref`` /
``client_helpdesk_ref``), optional ``client_name`` (to create missing clients),
``hours_notice`` (late cancellations), ``amount``, ``incident_id`` (abuse), ``note``,
``external_id``. Every bad line is reported; an import with any bad line writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from calmdesk.domain.clock import parse_moment
from calmdesk.domain.vocabulary import CONDUCT_KINDS, INCIDENT_SEVERITIES, NEGATIVE_CONDUCT
from calmdesk.errors import InvalidInput

CLIENT_COLUMNS = (
    "client",
    "client_id",
    "client_email",
    "client_phone",
    "client_booking_ref",
    "client_helpdesk_ref",
)
COLUMNS = (
    "kind",
    "occurred_at",
    *CLIENT_COLUMNS,
    "client_name",
    "hours_notice",
    "amount",
    "incident_id",
    "severity",
    "note",
    "external_id",
    "source",
)


@dataclass(frozen=True, slots=True)
class ConductRecord:
    """One conduct event of one client."""

    kind: str
    occurred_at: datetime
    client_id: int = 0
    hours_notice: float | None = None
    amount: float | None = None
    incident_id: int | None = None
    severity: str | None = None
    note: str | None = None
    id: int | None = None

    @property
    def negative(self) -> bool:
        return self.kind in NEGATIVE_CONDUCT


def check_conduct(
    kind: str,
    *,
    hours_notice: float | None = None,
    amount: float | None = None,
    incident_id: int | None = None,
    severity: str | None = None,
) -> None:
    """Raise InvalidInput naming what is wrong with a conduct event."""
    if kind not in CONDUCT_KINDS:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(CONDUCT_KINDS)}")
    if kind == "late_cancellation" and hours_notice is None:
        raise InvalidInput("hours_notice: a late cancellation needs the hours of notice given")
    if hours_notice is not None and hours_notice < 0:
        raise InvalidInput("hours_notice: cannot be negative")
    if amount is not None and amount < 0:
        raise InvalidInput("amount: cannot be negative")
    if kind == "abuse" and incident_id is None:
        raise InvalidInput("incident_id: an abuse event links the incident it refers to")
    if severity is not None and severity not in INCIDENT_SEVERITIES:
        raise InvalidInput(f"severity: {severity!r} is not one of {', '.join(INCIDENT_SEVERITIES)}")


@dataclass(frozen=True, slots=True)
class ImportRow:
    """A checked line of an import file; the client is still a reference to resolve."""

    line: int
    client_column: str
    client_value: str
    client_name: str | None
    kind: str
    occurred_at: datetime
    hours_notice: float | None
    amount: float | None
    incident_id: int | None
    severity: str | None
    note: str | None
    external_id: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class LineError:
    """What is wrong with one line of an import file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def read_import_file(path: Path) -> tuple[list[ImportRow], list[LineError]]:
    """Parse a CSV or JSONL conduct file into checked rows and per-line errors."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise InvalidInput(f"{path}: expected a .csv or .jsonl file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text") from None
    records = _csv_records(text) if suffix == ".csv" else _jsonl_records(text)
    return parse_records(records)


def parse_records(
    records: Iterable[tuple[int, dict[str, Any] | str]],
) -> tuple[list[ImportRow], list[LineError]]:
    """Check ``(line number, fields or error text)`` pairs."""
    rows: list[ImportRow] = []
    errors: list[LineError] = []
    for line, fields in records:
        if isinstance(fields, str):
            errors.append(LineError(line, fields))
            continue
        try:
            rows.append(_row(line, fields))
        except InvalidInput as exc:
            errors.append(LineError(line, str(exc)))
    return rows, errors


def _csv_records(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "kind" not in reader.fieldnames:
        yield 1, "the header row needs at least kind, occurred_at and a client column"
        return
    unknown = [name for name in reader.fieldnames if name not in COLUMNS]
    if unknown:
        yield 1, f"unknown column(s): {', '.join(unknown)}"
        return
    for row in reader:
        if None in row:
            yield reader.line_num, "more values than columns"
            continue
        yield reader.line_num, {k: v for k, v in row.items() if v not in (None, "")}


def _jsonl_records(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not valid JSON ({exc.msg})"
            continue
        if not isinstance(value, dict):
            yield number, "expected a JSON object"
            continue
        unknown = [name for name in value if name not in COLUMNS]
        if unknown:
            yield number, f"unknown field(s): {', '.join(unknown)}"
            continue
        yield number, {k: v for k, v in value.items() if v not in (None, "")}


def _row(line: int, fields: dict[str, Any]) -> ImportRow:
    given = [name for name in CLIENT_COLUMNS if name in fields]
    if len(given) != 1:
        raise InvalidInput("give the client in exactly one of " + ", ".join(CLIENT_COLUMNS))
    kind = str(fields.get("kind", "")).strip()
    if "occurred_at" not in fields:
        raise InvalidInput("occurred_at: missing")
    try:
        occurred_at = parse_moment(str(fields["occurred_at"]))
    except ValueError:
        raise InvalidInput(f"occurred_at: {fields['occurred_at']!r} is not an ISO date") from None
    hours_notice = _number(fields, "hours_notice")
    amount = _number(fields, "amount")
    incident = _number(fields, "incident_id")
    incident_id = int(incident) if incident is not None else None
    severity = fields.get("severity")
    check_conduct(
        kind, hours_notice=hours_notice, amount=amount, incident_id=incident_id, severity=severity
    )
    return ImportRow(
        line=line,
        client_column=given[0],
        client_value=str(fields[given[0]]).strip(),
        client_name=_text(fields, "client_name"),
        kind=kind,
        occurred_at=occurred_at,
        hours_notice=hours_notice,
        amount=amount,
        incident_id=incident_id,
        severity=severity,
        note=_text(fields, "note"),
        external_id=_text(fields, "external_id"),
        source=_text(fields, "source"),
    )


def _number(fields: dict[str, Any], name: str) -> float | None:
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{name}: expected a number")
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        raise InvalidInput(f"{name}: {value!r} is not a number") from None


def _text(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    return None if value is None else str(value).strip() or None
