"""``calmdesk.assist`` end to end: the contract, the language of the replies, the draft review."""

from __future__ import annotations

from typing import Any

import pytest

import calmdesk
from calmdesk.errors import InvalidInput
from calmdesk.playbook import respond
from calmdesk.playbook.schemas import parse_request
from tests.playbook.conftest import build_analysis


def ask(*texts: str, **extra: Any) -> dict[str, Any]:
    return calmdesk.assist({"messages": [{"role": "client", "text": t} for t in texts], **extra})


def test_the_response_follows_the_contract(contract: dict[str, Any]) -> None:
    result = ask(
        "Zamówiłem pralkę nr 45821 i dalej jej nie ma.",
        draft="Proszę się uspokoić.",
        context={"company_at_fault": True},
    )
    contract["assist"].validate(result)
    assert result["client_analysis"]["language"] == "pl"
    assert "apologize" in result["next_actions"]
    assert [r["action"] for r in result["action_reasons"]] == result["next_actions"]
    assert result["draft_review"]["ok"] is False
    assert "dismissive" in {i["code"] for i in result["draft_review"]["issues"]}


@pytest.mark.parametrize(
    ("text", "lang", "word"),
    [
        ("Dzień dobry, gdzie jest moja paczka? Czekam od tygodnia.", "pl", "Pan"),
        ("Hei, missä pakettini on? Olen odottanut viikon.", "fi", "Te"),
        ("Hello, where is my parcel? I have been waiting for a week.", "en", "you"),
    ],
)
def test_replies_are_in_the_clients_language(text: str, lang: str, word: str) -> None:
    result = ask(text)
    assert result["language"] == lang
    assert len(result["suggested_replies"]) >= 2
    assert any(word in r["text"] for r in result["suggested_replies"])


def test_the_context_language_wins_and_formal_false_is_informal() -> None:
    result = ask("Hello, where is my parcel?", context={"language": "pl", "formal": False})
    assert result["language"] == "pl"
    assert result["formal"] is False
    texts = " ".join(r["text"] for r in result["suggested_replies"])
    assert "Pan/Pani" not in texts and "Pana/Pani" not in texts


def test_no_draft_means_no_review_and_an_empty_draft_too() -> None:
    assert ask("Gdzie jest paczka?")["draft_review"] is None
    assert ask("Gdzie jest paczka?", draft="   ")["draft_review"] is None


def test_a_good_draft_passes_end_to_end() -> None:
    result = ask(
        "Czekam już trzy tygodnie na zwrot za zamówienie 77120, jestem bardzo rozczarowana.",
        draft=(
            "Rozumiem, że to bardzo frustrujące, i przepraszam za opóźnienie. Zwrot 349 zł "
            "zleciłam dziś, pieniądze wrócą na konto do piątku. Czy mogę jeszcze w czymś pomóc?"
        ),
    )
    assert result["draft_review"] == {"ok": True, "issues": []}


def test_a_conversation_without_client_messages_still_answers(contract: dict[str, Any]) -> None:
    result = calmdesk.assist({"messages": [{"role": "agent", "text": "Dzień dobry!"}]})
    contract["assist"].validate(result)
    assert result["stage"] == "calm"
    assert result["incident"] == {"recommended": False, "reasons": []}


def test_invalid_input_names_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"messages\[1\]\.role"):
        calmdesk.assist({"messages": [{"role": "client", "text": "a"}, {"role": "x", "text": "b"}]})


def test_long_conversations_keep_the_order_of_events() -> None:
    messages = [{"role": "client", "text": "Gdzie jest moje zamówienie 5512?"}]
    messages += [{"role": "agent", "text": "Sprawdzam, proszę chwilę poczekać."}] * 9
    messages += [{"role": "client", "text": "Dziękuję bardzo, wszystko jasne!"}] * 10
    result = calmdesk.assist({"messages": messages})
    assert result["escalation"]["boundary_warnings"] == 0
    assert result["facts"].get("order") == "5512"
    assert result["stage"] in ("calm", "resolve")


def test_a_plain_boundary_warning_draft_is_not_asked_for_sympathy() -> None:
    insult = build_analysis("en", abuse={"insult": 0.9}, emotions={"anger": 0.8}, at_staff=True)

    def review_of(draft: str) -> dict[str, Any]:
        request = parse_request(
            {"messages": [{"role": "client", "text": "You useless idiot."}], "draft": draft}
        )
        result = respond(request, [insult], build_analysis("en"))
        assert result["stage"] == "boundary_warning"
        return result["draft_review"]  # type: ignore[no-any-return]

    warning = "Please stop insulting me. If it continues, I will end this conversation."
    assert review_of(warning) == {"ok": True, "issues": []}
    cold = review_of("Your refund is being processed, you will get it on Friday.")
    assert {i["code"] for i in cold["issues"]} == {"no_empathy"}
