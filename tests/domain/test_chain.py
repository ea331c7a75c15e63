"""The hash chain: canonical form, personal-data commitments, and what verify catches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from calmdesk.domain import chain
from calmdesk.domain.incidents import replay, split_state

AT = datetime(2026, 11, 2, 15, 40, 5, 123456, tzinfo=UTC)


def _chain() -> tuple[list[chain.ChainEvent], dict[int, dict[str, object]]]:
    states = {
        1: {
            "type": "threat",
            "severity": "critical",
            "status": "open",
            "description": "Groził pracownicy.",
            "witnesses": ["Jan Nowak"],
        },
        2: {
            "type": "verbal_abuse",
            "severity": "high",
            "status": "open",
            "description": "Obelgi na czacie.",
            "witnesses": [],
        },
    }
    changes = [
        (1, "created", states[1]),
        (2, "created", states[2]),
        (1, "amended", {"status": "closed"}),
    ]
    events, prev = [], chain.GENESIS
    for seq, (incident, kind, data) in enumerate(changes, start=1):
        public, personal = split_state(data)
        event = chain.seal(
            chain.ChainEvent(
                seq,
                5,
                incident,
                kind,
                AT,
                "Anna",
                None,
                public,
                personal,
                chain.new_salt(),
                "",
                prev,
            )
        )
        events.append(event)
        prev = event.hash
    projections = {
        i: replay(
            [(e.kind, {**e.data, **(e.personal or {})}) for e in events if e.incident_id == i]
        )
        for i in (1, 2)
    }
    return events, projections


def test_canonical_form_is_stable_and_sorted() -> None:
    assert chain.canonical({"b": 1, "a": "ł"}) == '{"a":"ł","b":1}'.encode()


def test_commitment_hides_personal_data_and_binds_it() -> None:
    salt = chain.new_salt()
    value = chain.commitment({"witnesses": ["Jan"]}, salt)
    assert value == chain.commitment({"witnesses": ["Jan"]}, salt)
    assert value != chain.commitment({"witnesses": ["Jana"]}, salt)
    assert value != chain.commitment({"witnesses": ["Jan"]}, chain.new_salt())


def test_an_untouched_chain_verifies() -> None:
    events, projections = _chain()
    report = chain.verify(events, projections, (3, events[-1].hash))
    assert report.ok and report.head_hash == events[-1].hash


def test_timestamps_hash_as_utc_text() -> None:
    events, _ = _chain()
    assert events[0].body()["at"] == "2026-11-02T15:40:05.123456Z"


def test_changed_personal_data_is_caught_by_its_commitment() -> None:
    events, projections = _chain()
    assert events[0].personal is not None
    events[0] = replace(events[0], personal={**events[0].personal, "witnesses": []})
    projections[1]["witnesses"] = []
    report = chain.verify(events, projections, (3, events[-1].hash))
    assert report.first_incident == 1
    assert "personal details were changed" in str(report.problems[0])


def test_erased_personal_data_verifies_only_with_an_erasure_event() -> None:
    events, projections = _chain()
    events[0] = replace(events[0], personal=None, salt=None)
    report = chain.verify(events, projections, (3, events[-1].hash))
    assert report.first_incident == 1


def test_a_recomputed_forgery_still_breaks_the_recorded_head() -> None:
    events, projections = _chain()
    forged = replace(events[2], data={"status": "open"})
    forged = replace(forged, hash=forged.compute_hash())
    projections[1]["status"] = "open"
    report = chain.verify([*events[:2], forged], projections, (3, events[-1].hash))
    assert not report.ok
    assert "latest events of the chain are missing or replaced" in str(report.problems[-1])
