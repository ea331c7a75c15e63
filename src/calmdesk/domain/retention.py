"""How long each kind of record is kept (days), per organisation.

Defaults below; an organisation overrides them in its settings under ``retention_days``,
e.g. ``{"conversations": 180}``. ``null`` keeps a kind forever.
"""

from __future__ import annotations

from typing import Any

from calmdesk.errors import InvalidInput

DEFAULT_DAYS: dict[str, int | None] = {
    "conversations": 365,
    "conduct_events": 730,
    "recommendations": 730,
    "incident_personal_data": 2190,
    "webhook_deliveries": 30,
    "outbox": 30,
    "audit_log": None,
}
"""Record kind -> days kept after the record's last activity (None: forever).

``incident_personal_data`` applies to closed incidents: their personal details are erased
(the incident itself and its chain stay); six years covers usual limitation periods.
"""


def retention_days(settings: dict[str, Any]) -> dict[str, int | None]:
    """The organisation's retention periods: defaults, overridden by its settings."""
    overrides = settings.get("retention_days") or {}
    if not isinstance(overrides, dict):
        raise InvalidInput("retention_days: expected a mapping of record kind to days")
    days = dict(DEFAULT_DAYS)
    for kind, value in overrides.items():
        if kind not in DEFAULT_DAYS:
            raise InvalidInput(f"retention_days: unknown record kind {kind!r}")
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            raise InvalidInput(f"retention_days.{kind}: a whole number of days (1 or more) or null")
        days[kind] = value
    return days
