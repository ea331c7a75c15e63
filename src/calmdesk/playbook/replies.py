"""Suggested replies from the language's templates, filled with what the client said."""

from __future__ import annotations

from dataclasses import dataclass

from calmdesk.playbook.content import LanguageContent
from calmdesk.playbook.facts import Facts
from calmdesk.playbook.stage import Plan

MIN_REPLIES = 2
MAX_REPLIES = 4

# Which template purposes answer which actions, per stage, in the order they are offered.
_STAGE_PURPOSES = {
    "safety": ("safety",),
    "end_conversation": ("end_conversation",),
    "boundary_warning": ("boundary_warning",),
}
_ACTION_PURPOSES = (
    ("paraphrase", "acknowledge_paraphrase"),
    ("apologize", "apology"),
    ("offer_options", "options"),
    ("ask_clarifying_question", "clarifying_question"),
    ("give_clear_information", "clear_information"),
)
_FALLBACK = ("clarifying_question", "clear_information")


@dataclass(frozen=True, slots=True)
class Reply:
    """One suggested reply: its text, what it is for, and where it came from."""

    text: str
    purpose: str
    source: str = "template"

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "purpose": self.purpose, "source": self.source}


def render_details(facts: Facts, content: LanguageContent, limit: int = 3) -> str:
    """The ``{details}`` slot: the client's facts in the language's wording, or ""."""
    details = content.replies.details
    items = [details[kind].format(value=value) for kind, value in facts.items()[:limit]]
    if not items:
        return ""
    return details["wrap"].format(items=details["separator"].join(items))


def suggest_replies(
    plan: Plan, facts: Facts, content: LanguageContent, *, formal: bool = True
) -> list[Reply]:
    """At least two replies in ``content``'s language for the planned stage and actions."""
    register = "formal" if formal else "informal"
    templates = content.replies.templates
    details = render_details(facts, content)
    purposes = _purposes(plan)
    replies: list[Reply] = []
    # First the lead template of each purpose, then further variants until there are enough.
    for variant in range(max(len(templates[p][register]) for p in purposes)):
        for purpose in purposes:
            texts = templates[purpose][register]
            if variant < len(texts) and (variant == 0 or len(replies) < MIN_REPLIES):
                replies.append(Reply(texts[variant].format(details=details), purpose))
    for purpose in _FALLBACK:
        if len(replies) >= MIN_REPLIES:
            break
        if purpose not in purposes:
            replies.append(Reply(templates[purpose][register][0].format(details=details), purpose))
    return replies[:MAX_REPLIES]


def _purposes(plan: Plan) -> list[str]:
    if plan.stage in _STAGE_PURPOSES:
        return list(_STAGE_PURPOSES[plan.stage])
    if plan.stage == "calm" and "apologize" not in plan.actions:
        # Praise is thanked; a plain question is answered (or narrowed down).
        return ["thanks"] if plan.actions == ["listen"] else ["answer"]
    purposes = [purpose for action, purpose in _ACTION_PURPOSES if action in plan.actions]
    if plan.apology_accepted:
        purposes.insert(0, "accept_apology")
    if "acknowledge_emotion" not in plan.actions and "acknowledge_paraphrase" in purposes:
        # A calm request gets a plain paraphrase, not sympathy it did not ask for.
        purposes[purposes.index("acknowledge_paraphrase")] = "paraphrase"
    # A paraphrase and a clarifying question together would ask twice; keep the paraphrase.
    if {"acknowledge_paraphrase", "paraphrase"} & set(
        purposes
    ) and "clarifying_question" in purposes:
        purposes.remove("clarifying_question")
    return purposes or list(_FALLBACK)
