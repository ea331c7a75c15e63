"""The stage of the conversation and the ordered next actions, with a reason for each.

The ladder (shared/DESIGN.md, "The job" 2-3 and "Boundary protocol"), from the top:
safety > end_conversation > boundary_warning > de-escalate > resolve > calm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calmdesk.playbook.conversation import (
    PRESSURE_INTENTS,
    PROBLEM_INTENTS,
    ClientTurn,
    Reading,
)

MILD = 0.5
"""A negative emotion (bare model score) at or above this, with no clear request, still asks for
resolving; below it a question stays a question."""


@dataclass(slots=True)
class Plan:
    """The stage, the next actions in order, and one short sentence per action."""

    stage: str
    actions: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    apology_accepted: bool = False
    """The client apologised for earlier abuse: the first reply thanks them for it."""

    def add(self, action: str, reason: str) -> None:
        """Append ``action`` unless it is already planned."""
        if action not in self.actions:
            self.actions.append(action)
            self.reasons[action] = reason

    def insert_after(self, anchors: tuple[str, ...], action: str, reason: str) -> None:
        """Put ``action`` right after the last of ``anchors`` present (else first)."""
        if action in self.actions:
            return
        at = max((self.actions.index(a) + 1 for a in anchors if a in self.actions), default=0)
        self.actions.insert(at, action)
        self.reasons[action] = reason


def plan_next_steps(
    reading: Reading, *, company_at_fault: bool = False, has_facts: bool = False
) -> Plan:
    """Decide the stage and next actions for the conversation as read so far.

    ``has_facts``: the client already named what the case is about (order, product, date),
    so a clarifying question is not the first need.
    """
    last = reading.last
    if last is None:
        plan = Plan("calm")
        plan.add("listen", "The client has not written yet: listen first.")
        plan.add("ask_clarifying_question", "Ask how you can help.")
    else:
        plan = _base_plan(reading, last, has_facts=has_facts, company_at_fault=company_at_fault)
    _add_cross_cutting(plan, reading, company_at_fault=company_at_fault)
    return plan


def _base_plan(
    reading: Reading, last: ClientTurn, *, has_facts: bool, company_at_fault: bool
) -> Plan:
    earlier_danger = any(turn.danger for turn in reading.turns[:-1])
    if last.danger or (earlier_danger and not last.apology):
        return _safety(last)
    if last.abusive_at_staff:
        if last.after_warning:
            return _end(last)
        return _boundary(reading, last)
    earlier_abuse = earlier_danger or any(t.abusive_at_staff for t in reading.turns[:-1])
    # A client who calms down after a warning or apologises for abuse is de-escalated, not
    # treated as if nothing had happened.
    if (
        last.after_warning
        or (earlier_abuse and last.apology)
        or last.upset
        or last.intents & PRESSURE_INTENTS
    ):
        return _deescalate(reading, last, has_facts=has_facts)
    # A mild negative emotion counts only when the engine itself rates the message above
    # "none"; a business at fault always has something to put right.
    mildly_negative = last.negativity >= MILD and last.analysis.severity != "none"
    if last.intents & PROBLEM_INTENTS or last.request or mildly_negative or company_at_fault:
        return _resolve(has_facts=has_facts)
    return _calm(last, has_facts=has_facts)


def _safety(last: ClientTurn) -> Plan:
    categories = last.analysis.abuse.categories
    harassment = categories.get("sexual_harassment", 0.0) > categories.get("threat", 0.0)
    what = "sexual harassment" if harassment else "a threat of violence"
    if not last.danger:
        what = "an earlier threat or harassment that was not taken back"
    plan = Plan("safety")
    plan.add("ensure_staff_safety", f"The client's words contain {what}: your safety comes first.")
    plan.add("escalate_to_supervisor", "Bring in a supervisor now; do not handle this alone.")
    plan.add("document_incident", "Record the exact words, the time and the channel.")
    plan.add("end_conversation", "You do not have to continue a conversation like this.")
    return plan


def _end(last: ClientTurn) -> Plan:
    plan = Plan("end_conversation")
    plan.add(
        "end_conversation",
        f"Client message {last.number} is abusive again after your boundary warning: "
        "end the conversation calmly, as announced.",
    )
    plan.add("document_incident", "Record the abuse, the warning you gave and the ending.")
    plan.add("escalate_to_supervisor", "Tell a supervisor; the case continues in writing.")
    return plan


def _boundary(reading: Reading, last: ClientTurn) -> Plan:
    plan = Plan("boundary_warning")
    if reading.warned_since_last_client:
        plan.add("listen", "You already gave a boundary warning: wait for the client's answer.")
    else:
        plan.add(
            "warn_boundary",
            f"Client message {last.number} is abusive towards you: say calmly that the "
            "conversation ends if the tone does not change.",
        )
        plan.add("acknowledge_emotion", "Name the frustration behind it, without accepting abuse.")
    plan.add("document_incident", "Record the exact words while they are fresh.")
    if reading.abuse_count >= 2:
        plan.add(
            "escalate_to_supervisor",
            f"The client has been abusive {reading.abuse_count} times: let a supervisor know.",
        )
    return plan


def _deescalate(reading: Reading, last: ClientTurn, *, has_facts: bool) -> Plan:
    plan = Plan("de-escalate")
    if last.apology and (last.after_warning or reading.abuse_count or last.retracted):
        opening = "The client apologised: accept it and go back to helping."
        plan.apology_accepted = True
    elif last.after_warning:
        opening = "The client dropped the abuse after your warning: go back to helping."
    else:
        opening = "Let the client finish; do not interrupt or argue."
    plan.add("listen", opening)
    plan.add("acknowledge_emotion", _emotion_reason(last))
    plan.add("paraphrase", "Repeat the problem in your own words to show you understood it.")
    if not has_facts:
        plan.add("ask_clarifying_question", "Ask what exactly happened and what they expect.")
    plan.add("offer_options", "Offer two or three realistic options or a compromise.")
    plan.add("give_clear_information", "Give facts: date, price, warranty, conditions.")
    if reading.trend == "rising" and len(reading.turns) >= 3:
        plan.add(
            "escalate_to_supervisor",
            "The client's anger keeps rising: offer a supervisor before it turns to abuse.",
        )
    return plan


def _resolve(*, has_facts: bool) -> Plan:
    plan = Plan("resolve")
    plan.add("paraphrase", "Confirm the problem in your own words before solving it.")
    if not has_facts:
        plan.add("ask_clarifying_question", "Ask for the details you need (order, date).")
    plan.add("offer_options", "Offer realistic options the client can choose from.")
    plan.add("give_clear_information", "Give clear facts: deadline, price, conditions.")
    return plan


def _calm(last: ClientTurn, *, has_facts: bool) -> Plan:
    plan = Plan("calm")
    intents = last.intents
    if "praise" in intents and "question" not in intents:
        plan.add("listen", "The client is pleased: thank them and ask if anything else is needed.")
        return plan
    if "question" in intents:
        plan.add("give_clear_information", "Answer the question with clear, concrete facts.")
        if not has_facts:
            plan.add("ask_clarifying_question", "Ask for what you need to answer precisely.")
        return plan
    plan.add("listen", "Nothing to handle yet: listen and find out what the client needs.")
    plan.add("ask_clarifying_question", "Ask how you can help.")
    return plan


def _emotion_reason(last: ClientTurn) -> str:
    emotions = last.analysis.emotions
    name = max(emotions, key=lambda e: emotions[e] if e != "satisfaction" else -1.0)
    if emotions.get(name, 0.0) > 0:
        return f"The client shows {name} ({emotions[name]:.2f}): name the feeling before facts."
    return "The client is upset: name the feeling before the facts."


def _add_cross_cutting(plan: Plan, reading: Reading, *, company_at_fault: bool) -> None:
    """Rules that hold in every stage: legal threats and the company's own fault."""
    intents = reading.intents()
    if "legal_threat" in intents:
        plan.add(
            "escalate_to_supervisor",
            "The client threatens legal action: involve a supervisor, promise nothing unsure.",
        )
        plan.add("give_clear_information", "State the facts and the formal complaint procedure.")
    if company_at_fault and "apologize" not in plan.actions:
        plan.insert_after(
            ("warn_boundary", "acknowledge_emotion", "paraphrase", "listen"),
            "apologize",
            "The business is at fault: apologise sincerely and say how you will fix it.",
        )
