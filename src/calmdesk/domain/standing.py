"""A client's standing: what a booking system needs to know, from the decisions in force."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calmdesk.domain.vocabulary import level_rank


@dataclass(frozen=True, slots=True)
class DecisionView:
    """The parts of a decision that decide a standing."""

    id: int
    level: str
    percent: int | None
    status: str
    expires_at: datetime | None
    review_at: datetime | None
    note: str
    reasons: list[dict[str, Any]]
    appeal_status: str = "none"

    def in_force(self, now: datetime) -> bool:
        """Active, not lifted and not past its expiry."""
        return self.status == "active" and (self.expires_at is None or self.expires_at > now)


@dataclass(slots=True)
class Standing:
    """May the client book online, what must they pay up front, and why."""

    client_id: int
    level: str = "none"
    may_book_online: bool = True
    service_ended: bool = False
    deposit_percent: int | None = None
    prepayment_percent: int | None = None
    decision_ids: list[int] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    review_at: datetime | None = None
    pending_recommendation: dict[str, Any] | None = None
    history: dict[str, int] = field(default_factory=dict)
    """How many conduct events of each kind, good ones included (context, not a verdict)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "level": self.level,
            "may_book_online": self.may_book_online,
            "service_ended": self.service_ended,
            "deposit_percent": self.deposit_percent,
            "prepayment_percent": self.prepayment_percent,
            "decision_ids": list(self.decision_ids),
            "why": list(self.why),
            "review_at": self.review_at.isoformat() if self.review_at else None,
            "pending_recommendation": self.pending_recommendation,
            "history": dict(self.history),
        }


def standing(client_id: int, decisions: list[DecisionView], now: datetime) -> Standing:
    """The standing the decisions in force give. Recommendations alone never restrict."""
    result = Standing(client_id=client_id)
    in_force = sorted(
        (d for d in decisions if d.in_force(now)),
        key=lambda d: (level_rank(d.level), d.percent or 0),
        reverse=True,
    )
    if not in_force:
        return result
    top = in_force[0]
    result.level = top.level
    result.decision_ids = [d.id for d in in_force]
    result.why = [d.note for d in in_force if d.note]
    reviews = [d.review_at for d in in_force if d.review_at is not None]
    result.review_at = min(reviews) if reviews else None
    result.service_ended = top.level == "service_ended"
    result.may_book_online = level_rank(top.level) < level_rank("online_booking_blocked")
    if result.service_ended:
        return result
    # Payment terms come from the strictest payment decision in force (an online-booking block
    # on top of a deposit still asks for the deposit when booking by phone).
    for decision in in_force:
        if decision.level == "online_booking_blocked" and decision.percent:
            # Booking by phone only, paying this share up front.
            result.prepayment_percent = decision.percent
            break
        if decision.level == "prepayment_required":
            result.prepayment_percent = decision.percent or 100
            break
        if decision.level == "deposit_required":
            result.deposit_percent = decision.percent
            break
    return result
