"""The per-organisation SHA-256 hash chain over incident events.

Each event's hash covers a canonical JSON text (sorted keys, no spaces, UTF-8, timestamps as
UTC ISO text) of: its position, incident, kind, time, author, reason, public data, the previous
hash, and a *commitment* to its personal data: ``sha256(salt + canonical(personal))``. The
personal data and its random salt are stored beside the event, outside the hashed text.
Erasing personal data removes the data and the salt but keeps the commitment, so the chain
still verifies; an erasure is itself an event, so data that vanished without one is caught.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calmdesk.domain.clock import utc_iso
from calmdesk.domain.incidents import replay

GENESIS = "0" * 64
ERASED = "personal_data_erased"


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that hashing uses."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def new_salt() -> str:
    """A fresh random salt for a personal-data commitment."""
    return secrets.token_hex(16)


def commitment(personal: dict[str, Any], salt: str) -> str:
    """Hiding commitment to personal data: without the salt it reveals nothing."""
    return hashlib.sha256(salt.encode() + canonical(personal)).hexdigest()


@dataclass(slots=True)
class ChainEvent:
    """One incident event as the chain sees it."""

    seq: int
    org_id: int
    incident_id: int
    kind: str
    at: datetime
    author: str
    reason: str | None
    data: dict[str, Any]
    personal: dict[str, Any] | None
    salt: str | None
    personal_digest: str
    prev_hash: str
    hash: str = ""

    def body(self) -> dict[str, Any]:
        """The hashed content (personal data only through its commitment)."""
        return {
            "v": 1,
            "org": self.org_id,
            "seq": self.seq,
            "incident": self.incident_id,
            "kind": self.kind,
            "at": utc_iso(self.at),
            "author": self.author,
            "reason": self.reason,
            "data": self.data,
            "personal": self.personal_digest,
            "prev": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical(self.body())).hexdigest()


def seal(event: ChainEvent) -> ChainEvent:
    """Fill in the commitment and the hash of a new event (salt must be set)."""
    assert event.salt is not None and event.personal is not None
    event.personal_digest = commitment(event.personal, event.salt)
    event.hash = event.compute_hash()
    return event


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Something in the stored records that no longer matches the chain."""

    incident_id: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"incident {self.incident_id}" if self.incident_id is not None else "chain"
        at = f" (chain position {self.seq})" if self.seq is not None else ""
        return f"{where}{at}: {self.message}"


@dataclass(slots=True)
class ChainReport:
    """Result of walking an organisation's chain."""

    events: int = 0
    incidents: int = 0
    head_hash: str = GENESIS
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_incident(self) -> int | None:
        """The first incident (in chain order) whose record no longer matches."""
        return next((p.incident_id for p in self.problems if p.incident_id is not None), None)


def verify(
    events: list[ChainEvent],
    projections: dict[int, dict[str, Any]],
    head: tuple[int, str],
) -> ChainReport:
    """Walk the chain; compare it with the stored incident records and the chain head.

    ``events`` are sorted by ``seq``; ``projections`` maps incident id to the stored current
    state of that incident (with ``recorded_at``/``recorded_by`` when the store has them);
    ``head`` is the (length, hash) the organisation recorded last.
    Problems are listed in chain order, so the first names the first broken incident.
    """
    report = ChainReport(events=len(events), incidents=len(projections))
    problems = report.problems
    prev, expected = GENESIS, 1
    history: dict[int, list[tuple[str, dict[str, Any] | None]]] = {}
    without_personal: set[int] = set()
    for event in events:
        if event.seq != expected:
            # Which incident the missing event belonged to is unknown here; the comparison
            # with the stored records below names it. The broken link is the same fault.
            problems.append(ChainProblem(None, expected, "an event is missing from the chain"))
        elif event.prev_hash != prev:
            problems.append(
                ChainProblem(event.incident_id, event.seq, "does not link to the event before it")
            )
        if event.compute_hash() != event.hash:
            problems.append(ChainProblem(event.incident_id, event.seq, "event content was changed"))
        personal = _check_personal(event, problems)
        if personal is None:
            without_personal.add(event.incident_id)
        changes = {**event.data, **(personal or {})}
        history.setdefault(event.incident_id, []).append((event.kind, changes))
        prev, expected = event.hash, event.seq + 1
    report.head_hash = prev
    if (expected - 1, prev) != tuple(head):
        problems.append(
            ChainProblem(None, head[0], "the latest events of the chain are missing or replaced")
        )
    _compare_projections(history, projections, events, without_personal, problems)
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report


def _check_personal(event: ChainEvent, problems: list[ChainProblem]) -> dict[str, Any] | None:
    if event.personal is None:
        # Allowed only when an erasure event of the same incident exists (checked after the walk).
        return None
    if event.salt is None or commitment(event.personal, event.salt) != event.personal_digest:
        problems.append(ChainProblem(event.incident_id, event.seq, "personal details were changed"))
    return event.personal


def _compare_projections(
    history: dict[int, list[tuple[str, dict[str, Any] | None]]],
    projections: dict[int, dict[str, Any]],
    events: list[ChainEvent],
    without_personal: set[int],
    problems: list[ChainProblem],
) -> None:
    first_seq: dict[int, int] = {}
    created: dict[int, ChainEvent] = {}
    for event in events:
        first_seq.setdefault(event.incident_id, event.seq)
        if event.kind == "created":
            created.setdefault(event.incident_id, event)
    for incident_id, kinds in history.items():
        has_erasure = any(kind == ERASED for kind, _ in kinds)
        if incident_id in without_personal and not has_erasure:
            problems.append(
                ChainProblem(
                    incident_id,
                    first_seq[incident_id],
                    "personal details were removed without an erasure record",
                )
            )
        if kinds[0][0] != "created":
            problems.append(
                ChainProblem(incident_id, first_seq[incident_id], "its creation event is missing")
            )
        if incident_id not in projections:
            problems.append(
                ChainProblem(incident_id, first_seq[incident_id], "the record was deleted")
            )
            continue
        expected = replay(kinds)
        stored = projections[incident_id]
        if "recorded_at" in stored and incident_id in created:
            # When and by whom the record was made is the creation event's time and author.
            expected["recorded_at"] = utc_iso(created[incident_id].at)
            expected["recorded_by"] = created[incident_id].author
        changed = sorted(k for k in set(expected) | set(stored) if expected.get(k) != stored.get(k))
        if changed:
            problems.append(
                ChainProblem(
                    incident_id,
                    first_seq[incident_id],
                    "the record does not match its history (" + ", ".join(changed) + ")",
                )
            )
    for incident_id in sorted(set(projections) - set(history)):
        problems.append(ChainProblem(incident_id, None, "the record has no history in the chain"))
