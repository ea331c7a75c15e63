"""Suggested replies: enough of them, in the client's language and register, filled with what
the client said, and each one passing the draft review itself."""

from __future__ import annotations

import re

import pytest

from calmdesk.playbook.content import PURPOSES, LanguageContent, load_content
from calmdesk.playbook.facts import Facts
from calmdesk.playbook.replies import render_details, suggest_replies
from calmdesk.playbook.review import review_draft
from calmdesk.playbook.stage import Plan

LANGS = ("pl", "fi", "en")
STAGES = {
    "safety": ["ensure_staff_safety", "escalate_to_supervisor", "document_incident"],
    "end_conversation": ["end_conversation", "document_incident", "escalate_to_supervisor"],
    "boundary_warning": ["warn_boundary", "acknowledge_emotion", "document_incident"],
    "de-escalate": ["listen", "acknowledge_emotion", "paraphrase", "apologize", "offer_options"],
    "resolve": ["paraphrase", "ask_clarifying_question", "offer_options", "give_clear_information"],
    "calm": ["give_clear_information", "ask_clarifying_question"],
}
FACTS = {
    "pl": Facts({"order": "48213", "product": "pralka", "date": "12.03"}),
    "fi": Facts({"order": "558812", "product": "pesukone", "time": "14"}),
    "en": Facts({"order": "77120", "product": "washing machine", "amount": "€120"}),
}
# Whether the client is upset when each purpose is offered (empathy is then required), and
# whether a next step is expected (not after praise).
CALM_PURPOSES = ("thanks", "answer", "safety", "end_conversation", "paraphrase")
UPSET = {p: p not in CALM_PURPOSES for p in PURPOSES}
NEVER = re.compile(
    r"uspok[oó]|calm down|relax|rauhoitu|wina (kolegi|magazynu)|colleague|kollega", re.I
)


def plan_for(stage: str) -> Plan:
    return Plan(stage, list(STAGES[stage]), {})


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("formal", [True, False])
@pytest.mark.parametrize("with_facts", [True, False])
def test_every_template_passes_the_draft_review(
    lang: str, formal: bool, with_facts: bool, contents: list[LanguageContent]
) -> None:
    content = load_content(lang)
    details = render_details(FACTS[lang] if with_facts else Facts(), content)
    register = "formal" if formal else "informal"
    for purpose, forms in content.replies.templates.items():
        for template in forms[register]:
            text = template.format(details=details)
            result = review_draft(text, None, content, contents, client_upset=UPSET[purpose])
            assert result["ok"], (purpose, text, result["issues"])
            assert not NEVER.search(text), text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stage", list(STAGES))
def test_at_least_two_replies_for_every_stage(lang: str, stage: str) -> None:
    replies = suggest_replies(plan_for(stage), FACTS[lang], load_content(lang))
    assert len(replies) >= 2
    assert len({r.text for r in replies}) == len(replies)
    assert all(r.text and r.purpose for r in replies)


@pytest.mark.parametrize(
    ("stage", "purpose"),
    [
        ("safety", "safety"),
        ("end_conversation", "end_conversation"),
        ("boundary_warning", "boundary_warning"),
    ],
)
def test_boundary_stages_offer_their_scripts(stage: str, purpose: str) -> None:
    replies = suggest_replies(plan_for(stage), Facts(), load_content("pl"))
    assert {r.purpose for r in replies} == {purpose}


def test_de_escalation_offers_paraphrase_apology_and_options() -> None:
    replies = suggest_replies(plan_for("de-escalate"), FACTS["en"], load_content("en"))
    assert [r.purpose for r in replies] == ["acknowledge_paraphrase", "apology", "options"]


def test_praise_is_answered_with_thanks() -> None:
    replies = suggest_replies(Plan("calm", ["listen"], {}), Facts(), load_content("fi"))
    assert [r.purpose for r in replies] == ["thanks", "thanks"]
    assert all(r.text.startswith("Kiitos") for r in replies)


@pytest.mark.parametrize(
    ("lang", "formal", "marker"),
    [
        ("pl", True, re.compile(r"Pan\w*/Pani\w*")),
        ("pl", False, re.compile(r"\b(Ci|Ciebie|Tobą|Twoje|Cię)\b")),
        ("fi", True, re.compile(r"\b(Te|Teille|Teitä|Teihin|Teidän)\b|-nne\b|nne\b")),
        ("fi", False, re.compile(r"\b(sinulle|sinua|sinuun|sinun)\b|ttesi\b|si\b")),
    ],
)
def test_formal_and_informal_address(lang: str, formal: bool, marker: re.Pattern[str]) -> None:
    for stage in STAGES:
        replies = suggest_replies(plan_for(stage), FACTS[lang], load_content(lang), formal=formal)
        assert any(marker.search(r.text) for r in replies), (stage, replies)


def test_informal_polish_never_uses_pan_pani() -> None:
    for stage in STAGES:
        for reply in suggest_replies(
            plan_for(stage), FACTS["pl"], load_content("pl"), formal=False
        ):
            assert not re.search(r"\bPan|\bPani", reply.text), reply.text


def test_formal_finnish_never_uses_sina() -> None:
    for stage in STAGES:
        for reply in suggest_replies(plan_for(stage), FACTS["fi"], load_content("fi")):
            assert not re.search(r"\b(sinä|sinulle|sinua|sinuun)\b", reply.text), reply.text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", " (zamówienie nr 48213, pralka, data: 12.03)"),
        ("fi", " (tilaus 558812, pesukone, klo 14)"),
        ("en", " (order 77120, washing machine, amount: €120)"),
    ],
)
def test_replies_repeat_what_the_client_said(lang: str, expected: str) -> None:
    content = load_content(lang)
    assert render_details(FACTS[lang], content) == expected
    replies = suggest_replies(plan_for("resolve"), FACTS[lang], content)
    assert expected in replies[0].text


def test_no_facts_leave_no_empty_brackets() -> None:
    for lang in LANGS:
        for stage in STAGES:
            for reply in suggest_replies(plan_for(stage), Facts(), load_content(lang)):
                assert "()" not in reply.text and "{" not in reply.text and "  " not in reply.text


def test_an_apology_from_the_client_is_accepted_first() -> None:
    plan = plan_for("de-escalate")
    plan.apology_accepted = True
    replies = suggest_replies(plan, FACTS["pl"], load_content("pl"))
    assert replies[0].purpose == "accept_apology"
    assert replies[0].text.startswith("Dziękuję, doceniam to.")
    assert 2 <= len(replies) <= 4


def test_a_plain_question_is_answered_or_narrowed_down() -> None:
    replies = suggest_replies(plan_for("calm"), Facts(), load_content("en"))
    assert [r.purpose for r in replies] == ["answer", "answer"]
    assert replies[0].text.startswith("Thank you for your question.")
