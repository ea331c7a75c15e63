"""Incidents as trusted incident logs keep them: the fields, their rules and amendments.

An incident's state is the result of its events (created, then amended); the record is never
edited in place. Fields are split into *public* ones (when, where, what kind, how severe, what
was done) and *personal* ones (names, the words, free text) so personal data can be erased
later without breaking the hash chain (see ``domain/chain.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from calmdesk.domain.clock import parse_moment, utc_iso
from calmdesk.domain.vocabulary import (
    CHANNELS,
    INCIDENT_SEVERITIES,
    INCIDENT_STATUSES,
    INCIDENT_TYPES,
)
from calmdesk.errors import InvalidInput

PUBLIC_FIELDS = (
    "occurred_at",
    "channel",
    "place",
    "type",
    "severity",
    "steps_taken",
    "client_id",
    "conversation_id",
    "supervisor_informed_at",
    "police_involved",
    "police_reference",
    "status",
)
PERSONAL_FIELDS = (
    "description",
    "quotes",
    "employees",
    "witnesses",
    "supervisor_name",
    "injuries",
    "support_offered",
    "outcome",
)
THIRD_PARTY_FIELDS = ("witnesses", "employees", "supervisor_name")
"""Personal data of people other than the client: blanked by ``--redact`` in exports."""


@dataclass(frozen=True, slots=True)
class Quote:
    """The exact words, linked to the stored message they came from (when there is one)."""

    text: str
    message_id: int | None = None
    label: str | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "message_id": self.message_id,
            "label": self.label,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InvalidInput("a quote needs its exact words in 'text'")
        return cls(
            text=data["text"],
            message_id=data.get("message_id"),
            label=data.get("label"),
            start=data.get("start"),
            end=data.get("end"),
        )


@dataclass(slots=True)
class IncidentFields:
    """Everything an incident records (the input of ``create`` and the replayed state)."""

    occurred_at: datetime
    type: str
    severity: str
    description: str
    channel: str | None = None
    place: str | None = None
    quotes: list[Quote] = field(default_factory=list)
    steps_taken: list[str] = field(default_factory=list)
    employees: list[str] = field(default_factory=list)
    witnesses: list[str] = field(default_factory=list)
    client_id: int | None = None
    conversation_id: int | None = None
    supervisor_name: str | None = None
    supervisor_informed_at: datetime | None = None
    police_involved: bool = False
    police_reference: str | None = None
    injuries: str | None = None
    support_offered: str | None = None
    status: str = "open"
    outcome: str | None = None

    def __post_init__(self) -> None:
        check_incident(self)

    def to_state(self) -> dict[str, Any]:
        """JSON-ready dict of every field (timestamps as canonical UTC text)."""
        state: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, datetime):
                value = utc_iso(value)
            elif item.name == "quotes":
                value = [quote.to_dict() for quote in value]
            elif isinstance(value, list):
                value = list(value)
            state[item.name] = value
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> IncidentFields:
        """Rebuild from ``to_state()`` output (or user input of the same shape)."""
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(state) - known)
        if unknown:
            raise InvalidInput(f"unknown incident field(s): {', '.join(unknown)}")
        values = dict(state)
        for name in ("occurred_at", "supervisor_informed_at"):
            if isinstance(values.get(name), str):
                values[name] = _moment(values[name], name)
        if "quotes" in values:
            values["quotes"] = [Quote.from_dict(q) for q in values["quotes"] or []]
        for name in ("steps_taken", "employees", "witnesses"):
            if name in values and values[name] is None:
                values[name] = []
        try:
            return cls(**values)
        except TypeError as exc:
            raise InvalidInput(f"incident: {exc}") from None


def _moment(text: str, name: str) -> datetime:
    try:
        return parse_moment(text)
    except ValueError:
        raise InvalidInput(f"{name}: {text!r} is not an ISO date or time") from None


def check_incident(incident: IncidentFields) -> None:
    """Raise InvalidInput naming the first field that breaks the incident rules."""
    _one_of("type", incident.type, INCIDENT_TYPES)
    _one_of("severity", incident.severity, INCIDENT_SEVERITIES)
    _one_of("status", incident.status, INCIDENT_STATUSES)
    if incident.channel is not None:
        _one_of("channel", incident.channel, CHANNELS)
    if not incident.description.strip():
        raise InvalidInput("description: say factually what happened")
    for name in ("steps_taken", "employees", "witnesses"):
        values = getattr(incident, name)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidInput(f"{name}: expected a list of texts")
    if not isinstance(incident.police_involved, bool):
        raise InvalidInput("police_involved: expected true or false")


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidInput(f"{name}: {value!r} is not one of {', '.join(allowed)}")


def split_state(state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public part, personal part) of a state or of a set of changes."""
    public = {k: v for k, v in state.items() if k in PUBLIC_FIELDS}
    personal = {k: v for k, v in state.items() if k in PERSONAL_FIELDS}
    return public, personal


def amend(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The state after ``changes``; validates the result, returns the changed fields only.

    The returned dict is in the canonical form (timestamps as text, quotes as dicts) and
    holds only fields whose value really changes.
    """
    if not changes:
        raise InvalidInput("an amendment needs at least one changed field")
    merged = IncidentFields.from_state({**current, **changes}).to_state()
    return {k: merged[k] for k in changes if merged[k] != current.get(k)}


def replay(events: list[tuple[str, dict[str, Any] | None]]) -> dict[str, Any]:
    """The incident state after its events: ``[(kind, changes)]`` in order.

    ``created`` sets the fields, ``amended`` overwrites some, ``personal_data_erased`` blanks
    the personal fields (the changes of earlier events may then be None).
    """
    state: dict[str, Any] = {}
    for kind, changes in events:
        if kind == "personal_data_erased":
            for name in PERSONAL_FIELDS:
                state[name] = [] if name in ("quotes", "employees", "witnesses") else None
        elif changes:
            state.update(changes)
    return state
