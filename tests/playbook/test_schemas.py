"""The assist request is validated with errors that name the field."""

from __future__ import annotations

from typing import Any

import pytest

from calmdesk.errors import InvalidInput
from calmdesk.playbook.schemas import parse_request

ONE = [{"role": "client", "text": "Dzień dobry"}]


@pytest.mark.parametrize(
    ("conversation", "message"),
    [
        ({}, "messages: is required"),
        ({"messages": []}, "messages: at least one message is required"),
        ({"messages": "hello"}, "messages: must be a list"),
        (
            {"messages": [*ONE, *ONE, {"role": "bot", "text": "x"}]},
            "messages[2].role: must be 'client' or 'agent'",
        ),
        ({"messages": [{"role": "client", "text": 5}]}, "messages[0].text: must be a string"),
        ({"messages": [{"role": "client"}]}, "messages[0].text: is required"),
        ({"messages": ["hi"]}, "messages[0]: must be an object"),
        ({"messages": ONE, "draft": 3}, "draft: must be a string"),
        ({"messages": ONE, "context": {"formal": "yes"}}, "context.formal: must be true or false"),
        (
            {"messages": ONE, "context": {"company_at_fault": "no"}},
            "context.company_at_fault: must be true or false",
        ),
        ({"messages": ONE, "context": {"language": "de"}}, "context.language: must be 'pl'"),
        ({"messages": ONE, "context": "pl"}, "context: must be an object"),
        ([ONE], "conversation: must be a JSON object"),
    ],
)
def test_bad_requests_name_the_field(conversation: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_request(conversation)
    assert str(caught.value).startswith(message)


def test_a_valid_request_keeps_its_fields(contract: dict[str, Any]) -> None:
    conversation = {
        "messages": [
            {"role": "client", "text": "Gdzie jest paczka?"},
            {"role": "agent", "text": "Sprawdzam.", "kind": "note"},
        ],
        "draft": "Sprawdzę to.",
        "context": {"company_at_fault": True, "language": "pl", "formal": False},
    }
    contract["assist-request"].validate(conversation)
    request = parse_request(conversation)
    assert [m.role for m in request.messages] == ["client", "agent"]
    assert request.messages[1].kind == "note"
    assert request.draft == "Sprawdzę to."
    assert request.context.company_at_fault is True
    assert request.context.formal is False
    assert request.context.language == "pl"


def test_context_is_optional() -> None:
    assert parse_request({"messages": ONE, "context": None}).context.formal is None
    request = parse_request({"messages": ONE})
    assert request.context.company_at_fault is None
    assert request.context.formal is None
    assert request.draft is None
