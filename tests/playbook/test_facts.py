"""What the client mentioned is picked out for the paraphrase."""

from __future__ import annotations

import pytest

from calmdesk.playbook.content import load_content
from calmdesk.playbook.facts import extract_facts


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "pl",
            "Pralka z zamówienia nr 45821 nie działa, kupiłam ją 12.03 za 1999 zł.",
            {"order": "45821", "product": "pralka", "date": "12.03", "amount": "1999 zł"},
        ),
        (
            "pl",
            "Umówiłam wizytę na 10:30, a nikt nie przyszedł.",
            {"product": "wizyta", "time": "10:30"},
        ),
        (
            "fi",
            "Tilaus 778899: pesukone piti toimittaa klo 14, maksoin 300 euroa.",
            {"order": "778899", "product": "pesukone", "time": "14", "amount": "300 euroa"},
        ),
        (
            "en",
            "Order #A-12345: the washing machine was due on 14/03 at 3 pm, I paid $450.",
            {
                "order": "A-12345",
                "product": "washing machine",
                "date": "14/03",
                "time": "3 pm",
                "amount": "$450",
            },
        ),
        ("en", "Hello, how are you?", {}),
    ],
)
def test_facts_in_three_languages(lang: str, text: str, expected: dict[str, str]) -> None:
    assert extract_facts([text], load_content(lang)).values == expected


def test_the_newest_mention_wins_and_topics_come_from_intents() -> None:
    facts = extract_facts(
        ["Chodzi o zamówienie 222333.", "Wcześniej pisałem o zamówieniu 111222."],
        load_content("pl"),
        ["refund_request"],
    )
    assert facts.values["order"] == "222333"
    assert facts.values["topic"] == "zwrot pieniędzy"


def test_an_order_number_is_not_read_as_a_date() -> None:
    facts = extract_facts(["Zamówienie nr 15/03/2024 nie dotarło"], load_content("pl"))
    assert facts.values == {"order": "15/03/2024"}
