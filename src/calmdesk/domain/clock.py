"""Time in calmdesk's records: always timezone-aware UTC, serialised one way."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, to the microsecond (what both databases store)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_iso(moment: datetime | None) -> str | None:
    """The canonical text of a moment: ``2026-11-23T13:31:19.123456Z`` (None stays None)."""
    if moment is None:
        return None
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_moment(text: str) -> datetime:
    """Read an ISO date or date-time; dates mean midnight UTC, naive times mean UTC.

    Raises ValueError with the offending text when it is not a date.
    """
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    return as_utc(datetime.fromisoformat(value))
