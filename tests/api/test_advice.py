"""Advice from stored analyses equals calmdesk.assist over the same conversation."""

from __future__ import annotations

import calmdesk
from calmdesk.api.advice import Turn, advise
from calmdesk.engine.analysis import Analysis

CONVERSATION = [
    ("client", "Where is my parcel? I have waited two weeks!", None),
    ("agent", "I am sorry, let me check that for you.", None),
    ("client", "You are a useless idiot.", None),
    ("agent", "If the insults continue, I will have to end this conversation.", "boundary_warning"),
    ("client", "Shut up, you stupid idiot.", None),
]


def test_advice_from_stored_analyses_matches_assist() -> None:
    messages = [{"role": r, "text": t, **({"kind": k} if k else {})} for r, t, k in CONVERSATION]
    expected = calmdesk.assist({"messages": messages})
    stored = [
        Turn(r, t, k, calmdesk.analyze(t).to_dict() if r == "client" else None)
        for r, t, k in CONVERSATION[:-1]
    ]
    role, text, kind = CONVERSATION[-1]
    advice, latest = advise([*stored, Turn(role, text, kind)])
    assert advice == expected
    assert latest == calmdesk.analyze(text).to_dict()
    assert advice is not None and advice["stage"] == "end_conversation"


def test_a_stored_analysis_round_trips_the_contract() -> None:
    data = calmdesk.analyze("Jest Pan idiotą, oddajcie pieniądze!").to_dict()
    assert Analysis.from_dict(data).to_dict() == data


def test_no_advice_before_the_client_speaks() -> None:
    assert advise([Turn("agent", "Hello, how can I help?")]) == (None, None)
