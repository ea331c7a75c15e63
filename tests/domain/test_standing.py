"""Standing: what a booking system is told, from the decisions in force only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calmdesk.domain.standing import DecisionView, standing

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _decision(level: str, percent: int | None = None, **extra: object) -> DecisionView:
    values: dict[str, object] = {
        "id": 1,
        "level": level,
        "percent": percent,
        "status": "active",
        "expires_at": None,
        "review_at": NOW + timedelta(days=90),
        "note": f"{level} because",
        "reasons": [],
    }
    values.update(extra)
    return DecisionView(**values)  # type: ignore[arg-type]


def test_no_decisions_means_book_freely() -> None:
    result = standing(7, [], NOW)
    assert (result.level, result.may_book_online, result.deposit_percent) == ("none", True, None)


def test_deposit_applies_and_says_why() -> None:
    result = standing(7, [_decision("deposit_required", 30)], NOW)
    assert (result.may_book_online, result.deposit_percent) == (True, 30)
    assert result.why == ["deposit_required because"]


def test_online_block_keeps_the_payment_terms_of_other_decisions() -> None:
    decisions = [_decision("online_booking_blocked"), _decision("deposit_required", 40, id=2)]
    result = standing(7, decisions, NOW)
    assert result.level == "online_booking_blocked" and not result.may_book_online
    assert result.deposit_percent == 40 and result.decision_ids == [1, 2]


def test_expired_and_lifted_decisions_do_not_count() -> None:
    decisions = [
        _decision("service_ended", expires_at=NOW - timedelta(days=1)),
        _decision("prepayment_required", 100, id=2, status="lifted"),
    ]
    assert standing(7, decisions, NOW).level == "none"


def test_service_ended_blocks_everything() -> None:
    result = standing(7, [_decision("service_ended"), _decision("deposit_required", 20)], NOW)
    assert result.service_ended and not result.may_book_online
    assert result.deposit_percent is None


def test_online_block_with_its_own_prepayment() -> None:
    result = standing(7, [_decision("online_booking_blocked", 100)], NOW)
    assert not result.may_book_online and result.prepayment_percent == 100
