"""The incident report for a dispute or a court: its content, and its sections in a language.

``build_report`` gathers the data (the JSON export); ``sections`` turns it into titled blocks
of words in the organisation's language, which the HTML and PDF renderers lay out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calmdesk.domain.clock import parse_moment, utc_iso
from calmdesk.domain.incidents import THIRD_PARTY_FIELDS
from calmdesk.domain.labels import label, load

REPORT_VERSION = 1


@dataclass(frozen=True, slots=True)
class ReportEvent:
    """One entry of the incident's history."""

    seq: int
    kind: str
    at: datetime
    author: str
    reason: str | None
    changed: list[str]
    hash: str


@dataclass(slots=True)
class Section:
    """A titled block: rows of (label, value), paragraphs, or a list of items."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    monospace: bool = False


def build_report(
    *,
    incident_id: int,
    state: dict[str, Any],
    recorded_at: datetime,
    recorded_by: str,
    personal_erased: bool,
    organisation: str,
    language: str,
    client_name: str | None,
    events: list[ReportEvent],
    message_times: dict[int, datetime],
    chain_head: str,
    chain_verified: bool,
    generated_at: datetime,
    redact: bool = False,
) -> dict[str, Any]:
    """Everything the report shows, JSON-ready (this is also the ``--format json`` export)."""
    incident = dict(state)
    if redact:
        for name in THIRD_PARTY_FIELDS:
            value = incident.get(name)
            incident[name] = [_REDACTED] * len(value) if isinstance(value, list) else (
                _REDACTED if value else value
            )  # fmt: skip
    quotes = []
    for quote in incident.get("quotes") or []:
        moment = message_times.get(quote.get("message_id") or -1)
        quotes.append({**quote, "message_at": utc_iso(moment)})
    incident["quotes"] = quotes
    last = events[-1] if events else None
    return {
        "report_version": REPORT_VERSION,
        "incident_id": incident_id,
        "organisation": organisation,
        "language": language,
        "generated_at": utc_iso(generated_at),
        "redacted": redact,
        "personal_data_erased": personal_erased,
        "recorded_at": utc_iso(recorded_at),
        "recorded_by": recorded_by,
        "client": client_name,
        "incident": incident,
        "history": [
            {
                "seq": e.seq,
                "kind": e.kind,
                "at": utc_iso(e.at),
                "author": e.author,
                "reason": e.reason,
                "changed": e.changed,
                "hash": e.hash,
            }
            for e in events
        ],
        "integrity": {
            "algorithm": "sha256",
            "chain_position": last.seq if last else None,
            "event_hash": last.hash if last else None,
            "chain_head": chain_head,
            "verified": chain_verified,
        },
    }


_REDACTED = "[redacted]"


def sections(report: dict[str, Any]) -> tuple[str, str, list[Section]]:
    """(title, subtitle, sections) of a report in its language."""
    lang = report["language"]
    words = load("report")

    def say(group: str, key: str) -> str:
        entry = words.get(group, {}).get(key) if group else words.get(key)
        return str(entry.get(lang) or entry["en"]) if entry else key

    def value(text: Any) -> str:
        if text is None or text == "" or text == []:
            return say("values", "erased") if report["personal_data_erased"] else "—"
        if text == _REDACTED:
            return say("values", "redacted")
        if isinstance(text, list):
            return ", ".join(value(item) for item in text)
        return str(text)

    inc = report["incident"]
    supervisor = value(inc.get("supervisor_name"))
    if inc.get("supervisor_informed_at"):
        supervisor += f" ({_local(inc['supervisor_informed_at'])})"
    police = say("values", "affirmative" if inc.get("police_involved") else "negative")
    if inc.get("police_reference"):
        police += f" ({inc['police_reference']})"
    where = " / ".join(
        part
        for part in (
            label("channels", inc["channel"], lang) if inc.get("channel") else None,
            inc.get("place"),
        )
        if part
    )
    facts = Section(say("sections", "facts"))
    facts.rows = [
        (say("fields", "occurred_at"), _local(inc["occurred_at"])),
        (
            say("fields", "recorded_at"),
            f"{_local(report['recorded_at'])} — {report['recorded_by']}",
        ),
        (say("fields", "channel") + " / " + say("fields", "place"), where or "—"),
        (say("fields", "type"), say("types", inc["type"])),
        (say("fields", "severity"), label("severity", inc["severity"], lang)),
        (say("fields", "status"), say("statuses", inc["status"])),
        (say("fields", "client"), value(report.get("client"))),
        (say("fields", "employees"), value(inc.get("employees"))),
        (say("fields", "witnesses"), value(inc.get("witnesses"))),
        (say("fields", "supervisor"), supervisor),
        (say("fields", "police"), police),
        (say("fields", "injuries"), value(inc.get("injuries"))),
        (say("fields", "support_offered"), value(inc.get("support_offered"))),
        (say("fields", "outcome"), value(inc.get("outcome"))),
    ]
    description = Section(
        say("sections", "description"), paragraphs=[value(inc.get("description"))]
    )
    quotes = Section(say("sections", "quotes"))
    for quote in inc.get("quotes") or []:
        source = []
        if quote.get("message_id") is not None:
            source.append(say("fields", "message").format(id=quote["message_id"]))
        if quote.get("message_at"):
            source.append(_local(quote["message_at"]))
        suffix = f" — {', '.join(source)}" if source else ""
        quotes.items.append(f"„{quote['text']}”{suffix}")
    if not quotes.items:
        quotes.items.append(value(None))
    steps = Section(say("sections", "steps"), items=list(inc.get("steps_taken") or []) or ["—"])
    timeline = Section(say("sections", "timeline"))
    for event in report["history"]:
        line = f"{_local(event['at'])} — {say('events', event['kind'])} — {event['author']}"
        if event.get("reason"):
            line += f"; {say('events', 'reason')}: {event['reason']}"
        if event["kind"] == "amended" and event.get("changed"):
            line += f"; {say('events', 'changed')}: {', '.join(event['changed'])}"
        timeline.items.append(line)
    integrity = report["integrity"]
    verdict = "verified_ok" if integrity["verified"] else "verified_bad"
    check = Section(say("sections", "integrity"), monospace=True)
    check.rows = [
        (say("fields", "chain_position"), str(integrity["chain_position"])),
        (say("fields", "event_hash"), str(integrity["event_hash"])),
        (say("fields", "chain_head"), str(integrity["chain_head"])),
        (say("fields", "verified"), say("values", verdict)),
    ]
    check.paragraphs = [say("values", "integrity_note")]
    title = say("", "title").format(id=report["incident_id"])
    subtitle = f"{report['organisation']} · " + say("", "generated").format(
        at=_local(report["generated_at"])
    )
    return title, subtitle, [facts, description, quotes, steps, timeline, check]


def _local(iso: str | None) -> str:
    """A report timestamp: ``2026-11-02 15:40 UTC`` (courts want one unambiguous zone)."""
    if not iso:
        return "—"
    return parse_moment(iso).strftime("%Y-%m-%d %H:%M UTC")
