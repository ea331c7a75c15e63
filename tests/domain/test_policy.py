"""The boundary policy: file validation, evaluation, reasons, and its monotonic invariant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.domain.conduct import ConductRecord
from calmdesk.domain.policy import default_policy, describe_reason, evaluate, load_policy
from calmdesk.domain.vocabulary import (
    CONDUCT_KINDS,
    INCIDENT_SEVERITIES,
    NEGATIVE_CONDUCT,
    level_rank,
)
from calmdesk.errors import InvalidInput

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HEAD = "version: 1\nrules:\n"


def _event(kind: str, days_ago: float, **extra: object) -> ConductRecord:
    return ConductRecord(kind=kind, occurred_at=NOW - timedelta(days=days_ago), **extra)  # type: ignore[arg-type]


def test_two_recent_no_shows_recommend_a_deposit_citing_both() -> None:
    events = [_event("no_show", 10, id=1), _event("no_show", 50, id=2), _event("attended", 5, id=3)]
    result = evaluate(default_policy(), events, NOW)
    assert (result.level, result.percent) == ("deposit_required", 20)
    top = result.reasons[0]
    assert top.rule == "repeated-no-shows" and set(top.event_ids) == {1, 2}
    assert result.counts == {"no_show": 2, "attended": 1}


def test_old_events_fall_out_of_the_window() -> None:
    events = [_event("no_show", 10), _event("no_show", 120)]
    assert evaluate(default_policy(), events, NOW).level == "note"


def test_late_cancellation_counts_only_short_notice() -> None:
    short = [_event("late_cancellation", d, hours_notice=5) for d in (10, 20, 30)]
    long = [_event("late_cancellation", d, hours_notice=48) for d in (10, 20, 30)]
    assert evaluate(default_policy(), short, NOW).level == "deposit_required"
    assert evaluate(default_policy(), long, NOW).level == "none"


def test_second_serious_abuse_within_a_year_ends_service() -> None:
    one = [_event("abuse", 30, severity="high", incident_id=1)]
    two = [*one, _event("abuse", 200, severity="high", incident_id=2)]
    assert evaluate(default_policy(), one, NOW).level == "warning"
    assert evaluate(default_policy(), two, NOW).level == "service_ended"
    low = [_event("abuse", 30, severity="low", incident_id=1)] * 2
    assert evaluate(default_policy(), low, NOW).level == "warning"


def test_reasons_read_in_the_organisations_language() -> None:
    events = [_event("no_show", 10, id=1), _event("no_show", 50, id=2)]
    reason = evaluate(default_policy(), events, NOW).reasons[0].to_dict()
    assert describe_reason(reason, "pl").startswith("2 × niestawienie się w ciągu 90 dni")
    assert describe_reason(reason, "pl").endswith("→ wymagany zadatek 20%")
    assert "saapumatta jääminen" in describe_reason(reason, "fi")
    assert describe_reason(reason, "en").endswith("→ deposit required 20%")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("rules: []", "version: must be 1"),
        ("version: 1\nrules: []", "rules: a list of at least one rule"),
        (
            HEAD + "  - {id: a, when: {kind: noshow, at_least: 1}, then: {level: note}}",
            "rule 'a'.when.kind: one or more of no_show",
        ),
        (
            HEAD + "  - {id: a, when: {kind: no_show, at_least: 0}, then: {level: note}}",
            "rule 'a'.when.at_least: a whole number from 1",
        ),
        (
            HEAD + "  - {id: a, when: {kind: no_show, at_least: 1},"
            " then: {level: deposit_required}}",
            "a deposit needs its percentage",
        ),
        (
            HEAD + "  - {id: a, when: {kind: no_show, at_least: 1},"
            " then: {level: warning, percent: 10}}",
            "only for deposit_required or prepayment",
        ),
        (
            HEAD + "  - {id: a, when: {kind: no_show, at_least: 1, days: 3}, then: {level: note}}",
            "rule 'a'.when: unknown key(s) days",
        ),
        (
            HEAD + "  - {id: a, when: {kind: no_show, at_least: 1}, then: {level: note}}"
            "\n  - {id: a, when: {kind: no_show, at_least: 2}, then: {level: note}}",
            "duplicate id(s) a",
        ),
        ("version: [1", "not valid YAML"),
    ],
)
def test_invalid_policy_files_are_explained(source: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=r"my\.yaml: ") as caught:
        load_policy(source, name="my.yaml")
    assert message in str(caught.value)


def test_json_policy_is_accepted_too() -> None:
    policy = load_policy(
        '{"version": 1, "rules": [{"id": "x", "when": {"kind": ["chargeback"], "at_least": 1},'
        ' "then": {"level": "prepayment_required"}}]}'
    )
    result = evaluate(policy, [_event("chargeback", 900)], NOW)
    assert (result.level, result.percent) == ("prepayment_required", 100)


_events = st.lists(
    st.builds(
        ConductRecord,
        kind=st.sampled_from(CONDUCT_KINDS),
        occurred_at=st.integers(0, 800).map(lambda d: NOW - timedelta(days=d)),
        hours_notice=st.one_of(st.none(), st.floats(0, 96)),
        amount=st.one_of(st.none(), st.floats(0, 10_000)),
        severity=st.one_of(st.none(), st.sampled_from(INCIDENT_SEVERITIES)),
    ),
    max_size=25,
)
_bad = st.lists(
    st.builds(
        ConductRecord,
        kind=st.sampled_from(NEGATIVE_CONDUCT),
        occurred_at=st.integers(0, 800).map(lambda d: NOW - timedelta(days=d)),
        hours_notice=st.one_of(st.none(), st.floats(0, 96)),
        severity=st.one_of(st.none(), st.sampled_from(INCIDENT_SEVERITIES)),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=150, deadline=None)
@given(history=_events, more=_bad)
def test_more_bad_conduct_never_lowers_the_recommendation(
    history: list[ConductRecord], more: list[ConductRecord]
) -> None:
    policy = default_policy()
    before = evaluate(policy, history, NOW)
    after = evaluate(policy, history + more, NOW)
    assert (level_rank(after.level), after.percent or 0) >= (
        level_rank(before.level),
        before.percent or 0,
    )
    # And the reasons only grow: every rule that fired before still fires.
    assert {r.rule for r in before.reasons} <= {r.rule for r in after.reasons}
