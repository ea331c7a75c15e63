"""Fixed vocabularies of calmdesk's records (stored values: add, never rename or drop)."""

from __future__ import annotations

from typing import Final

ORG_LANGUAGES: Final = ("pl", "fi", "en")
ROLES: Final = ("agent", "supervisor", "admin")
CHANNELS: Final = ("chat", "email", "phone", "in_person", "booking")
MESSAGE_ROLES: Final = ("client", "agent", "system")

INCIDENT_TYPES: Final = (
    "verbal_abuse",
    "threat",
    "sexual_harassment",
    "discrimination",
    "physical_aggression",
    "property_damage",
    "other",
)
INCIDENT_SEVERITIES: Final = ("low", "medium", "high", "critical")
INCIDENT_STATUSES: Final = ("open", "under_review", "closed")

NEGATIVE_CONDUCT: Final = (
    "no_show",
    "late_cancellation",
    "double_booking",
    "payment_overdue",
    "payment_refused",
    "chargeback",
    "broken_promise",
    "scope_creep",
    "abuse",
)
POSITIVE_CONDUCT: Final = ("attended", "paid_on_time")
CONDUCT_KINDS: Final = NEGATIVE_CONDUCT + POSITIVE_CONDUCT

POLICY_LEVELS: Final = (
    "none",
    "note",
    "warning",
    "deposit_required",
    "prepayment_required",
    "online_booking_blocked",
    "service_ended",
)
RECOMMENDATION_STATUSES: Final = ("pending", "approved", "changed", "rejected", "superseded")
DECISION_STATUSES: Final = ("active", "lifted")
APPEAL_STATUSES: Final = ("none", "pending", "upheld", "granted")

INTEGRATION_KINDS: Final = ("chatwoot", "zammad", "generic", "booking", "slack_webhook", "smtp")
DELIVERY_STATUSES: Final = ("received", "processed", "ignored", "failed")


def level_rank(level: str) -> int:
    """Position of ``level`` on the policy ladder (none = 0 ... service_ended = 6)."""
    return POLICY_LEVELS.index(level)


def incident_severity_rank(severity: str) -> int:
    """Position of ``severity`` on low < medium < high < critical."""
    return INCIDENT_SEVERITIES.index(severity)
