"""Agreement with a careful reviewer on the conversation fixtures and the drafts set.

Each conversation fixture (tests/playbook/conversations/*.json) holds a request, the reviewer's
reading of every client message ("gold_analyses") and the expected stage and actions, written
before the playbook was tuned. They are checked twice:

- through the playbook alone, fed the reviewer's readings (tests the rules), and
- end to end through ``calmdesk.assist`` (the engine's reading plus the rules).

The drafts set (tests/playbook/drafts.json) holds employees' drafts and the issue codes a
reviewer expects. Misses are printed (``pytest -s``) so they can be read, not just counted.
"""

from __future__ import annotations

from typing import Any

import pytest

import calmdesk
from calmdesk.playbook import respond
from calmdesk.playbook.content import all_content, load_content
from calmdesk.playbook.review import review_draft
from calmdesk.playbook.schemas import parse_request
from tests.playbook.conftest import from_gold, load_conversations, load_drafts

REQUIRED_AGREEMENT = 0.85
CONVERSATIONS = load_conversations()
DRAFTS = load_drafts()


def judge(expect: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """What a reviewer would object to in ``result``; empty when they agree."""
    problems = []
    actions = result["next_actions"]
    if result["stage"] != expect["stage"]:
        problems.append(f"stage {result['stage']} (expected {expect['stage']})")
    missing = [a for a in expect["actions"] if a not in actions]
    if missing:
        problems.append(f"missing actions {missing}")
    wrong = [a for a in expect["forbidden_actions"] if a in actions]
    if wrong:
        problems.append(f"should not {wrong}")
    first = expect.get("first_actions")
    if first and actions[: len(first)] != first:
        problems.append(f"first actions {actions[: len(first)]} (expected {first})")
    if "incident" in expect and result["incident"]["recommended"] != expect["incident"]:
        problems.append(f"incident recommended={result['incident']['recommended']}")
    return problems


def language_of(fixture: dict[str, Any], name: str) -> str:
    return fixture["request"].get("context", {}).get("language") or name[:2]


def report(title: str, misses: dict[str, list[str]], total: int) -> float:
    agreement = 1 - len(misses) / total
    print(f"\n{title}: {total - len(misses)}/{total} agree ({agreement:.0%})")
    for name, problems in misses.items():
        print(f"  MISS {name}: {'; '.join(problems)}")
    return agreement


def test_there_are_fixtures_for_every_stage_and_language() -> None:
    covered = {(name[:2], f["expect"]["stage"]) for name, f in CONVERSATIONS.items()}
    stages = ("calm", "resolve", "de-escalate", "boundary_warning", "end_conversation", "safety")
    assert {(lang, stage) for lang in ("pl", "fi", "en") for stage in stages} <= covered
    assert len(CONVERSATIONS) >= 30
    assert len(DRAFTS) >= 30


def test_playbook_rules_agree_with_the_reviewer_on_reviewer_readings(
    contract: dict[str, Any],
) -> None:
    misses = {}
    for name, fixture in CONVERSATIONS.items():
        request = parse_request(fixture["request"])
        lang = language_of(fixture, name)
        analyses = [from_gold(g, lang) for g in fixture["gold_analyses"]]
        result = respond(request, analyses, None)
        contract["assist"].validate(result)
        problems = judge(fixture["expect"], result)
        if problems:
            misses[name] = problems
    agreement = report("playbook on reviewer readings", misses, len(CONVERSATIONS))
    assert agreement >= REQUIRED_AGREEMENT, misses


def test_end_to_end_agreement_with_the_reviewer(contract: dict[str, Any]) -> None:
    misses = {}
    for name, fixture in CONVERSATIONS.items():
        result = calmdesk.assist(fixture["request"])
        contract["assist"].validate(result)
        problems = judge(fixture["expect"], result)
        lang = language_of(fixture, name)
        if result["language"] != lang:
            problems.append(f"replies in {result['language']} (client writes {lang})")
        if problems:
            misses[name] = problems
    agreement = report("calmdesk.assist end to end", misses, len(CONVERSATIONS))
    assert agreement >= REQUIRED_AGREEMENT, misses


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_suggested_replies_pass_their_own_review(name: str) -> None:
    fixture = CONVERSATIONS[name]
    lang = language_of(fixture, name)
    request = parse_request(fixture["request"])
    analyses = [from_gold(g, lang) for g in fixture["gold_analyses"]]
    result = respond(request, analyses, None)
    replies = result["suggested_replies"]
    assert len(replies) >= 2
    if "apology_after_warning" in name:
        assert replies[0]["purpose"] == "accept_apology"
    for reply in replies:
        draft = {**fixture["request"], "draft": reply["text"]}
        review = respond(parse_request(draft), analyses, from_gold(_NEUTRAL, lang))["draft_review"]
        assert review == {"ok": True, "issues": []}, (reply["text"], review)


_NEUTRAL: dict[str, Any] = {"emotions": {}, "abuse": {}, "at_staff": False, "intents": []}


def test_drafts_review_agrees_with_the_reviewer() -> None:
    contents = all_content()
    misses = {}
    for item in DRAFTS:
        analysis = calmdesk.analyze(item["draft"])
        result = review_draft(
            item["draft"],
            analysis,
            load_content(item["lang"]),
            contents,
            client_upset=item["client_upset"],
        )
        found = {issue["code"] for issue in result["issues"]}  # type: ignore[index]
        expected = set(item["expect"])
        extra = found - expected - set(item["also_ok"])
        missing = expected - found
        if extra or missing:
            misses[item["id"]] = [f"missing {sorted(missing)}"] * bool(missing) + [
                f"unexpected {sorted(extra)}"
            ] * bool(extra)
    agreement = report("draft review", misses, len(DRAFTS))
    assert agreement >= REQUIRED_AGREEMENT, misses


def test_suggested_replies_pass_the_review_end_to_end() -> None:
    """Through the whole pipeline (the engine reads each reply as a draft), nothing is flagged."""
    flagged = []
    for name, fixture in CONVERSATIONS.items():
        result = calmdesk.assist(fixture["request"])
        for reply in result["suggested_replies"]:
            review = calmdesk.assist({**fixture["request"], "draft": reply["text"]})["draft_review"]
            if not review["ok"]:
                flagged.append((name, reply["purpose"], review["issues"]))
    assert flagged == []
