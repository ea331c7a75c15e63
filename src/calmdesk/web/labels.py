"""Names people read for calmdesk's fixed vocabularies, as gettext message ids.

``N_`` only marks a text for extraction; it is translated when a page is rendered, in the
viewer's language. Stored values never change; only their names on screen do.
"""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it yet."""
    return message


LABELS: dict[str, dict[str, str]] = {
    "severity": {
        "none": N_("None"),
        "low": N_("Low"),
        "medium": N_("Medium"),
        "high": N_("High"),
        "critical": N_("Critical"),
    },
    "stage": {
        "calm": N_("Calm"),
        "de-escalate": N_("De-escalate"),
        "resolve": N_("Resolve"),
        "boundary_warning": N_("Boundary warning"),
        "end_conversation": N_("End the conversation"),
        "safety": N_("Safety first"),
    },
    "action": {
        "listen": N_("Listen"),
        "acknowledge_emotion": N_("Acknowledge the emotion"),
        "paraphrase": N_("Paraphrase the problem"),
        "ask_clarifying_question": N_("Ask a clarifying question"),
        "apologize": N_("Apologise"),
        "offer_options": N_("Offer options"),
        "give_clear_information": N_("Give clear information"),
        "warn_boundary": N_("Warn about the boundary"),
        "end_conversation": N_("End the conversation"),
        "escalate_to_supervisor": N_("Call a supervisor"),
        "document_incident": N_("Document the incident"),
        "ensure_staff_safety": N_("Make sure you are safe"),
    },
    "action_reason": {
        "listen": N_("Let the client finish before you answer."),
        "acknowledge_emotion": N_("Name the feeling: people calm down when they feel heard."),
        "paraphrase": N_("Say the problem back in your own words to confirm you understood."),
        "ask_clarifying_question": N_("Ask for the details you need to solve it."),
        "apologize": N_("The business is at fault: apologise sincerely, once."),
        "offer_options": N_("Offer realistic options or a compromise to choose from."),
        "give_clear_information": N_("Give exact facts: price, deadline, warranty, conditions."),
        "warn_boundary": N_(
            "The words are aimed at you: say calmly that the conversation ends if the tone "
            "does not change."
        ),
        "end_conversation": N_(
            "You do not have to continue a conversation like this: end it calmly."
        ),
        "escalate_to_supervisor": N_("Bring in a supervisor; you do not handle this alone."),
        "document_incident": N_("Record the exact words, the time and the channel."),
        "ensure_staff_safety": N_("Your safety comes first: step away and get help now."),
    },
    "emotion": {
        "anger": N_("Anger"),
        "frustration": N_("Frustration"),
        "disappointment": N_("Disappointment"),
        "anxiety": N_("Anxiety"),
        "sadness": N_("Sadness"),
        "satisfaction": N_("Satisfaction"),
        "neutral": N_("Neutral"),
    },
    "category": {
        "profanity": N_("Profanity"),
        "insult": N_("Insult"),
        "threat": N_("Threat"),
        "discrimination": N_("Discrimination"),
        "sexual_harassment": N_("Sexual harassment"),
    },
    "intent": {
        "complaint": N_("Complaint"),
        "refund_request": N_("Refund request"),
        "cancellation": N_("Cancellation"),
        "urgency": N_("Urgency"),
        "payment_refusal": N_("Refuses to pay"),
        "legal_threat": N_("Legal threat"),
        "review_threat": N_("Bad review threat"),
        "scope_change": N_("New work outside the scope"),
        "question": N_("Question"),
        "praise": N_("Praise"),
    },
    "language": {
        "pl": N_("Polish"),
        "fi": N_("Finnish"),
        "en": N_("English"),
        "und": N_("Unknown language"),
    },
    "draft_issue": {
        "blame_shifting": N_("Blames a colleague"),
        "dismissive": N_("Dismissive"),
        "shouting": N_("Shouting"),
        "counter_attack": N_("Arguing back"),
        "profanity": N_("Profanity"),
        "no_empathy": N_("No empathy"),
        "no_next_step": N_("No next step"),
        "vague_information": N_("Vague information"),
    },
    "incident_type": {
        "verbal_abuse": N_("Verbal abuse"),
        "threat": N_("Threat"),
        "sexual_harassment": N_("Sexual harassment"),
        "discrimination": N_("Discrimination"),
        "physical_aggression": N_("Physical aggression"),
        "property_damage": N_("Property damage"),
        "other": N_("Other"),
    },
    "incident_status": {
        "open": N_("Open"),
        "under_review": N_("Under review"),
        "closed": N_("Closed"),
    },
    "channel": {
        "chat": N_("Chat"),
        "email": N_("E-mail"),
        "phone": N_("Phone"),
        "in_person": N_("In person"),
        "booking": N_("Booking"),
    },
    "role": {
        "agent": N_("Agent"),
        "supervisor": N_("Supervisor"),
        "admin": N_("Administrator"),
    },
    "conduct": {
        "no_show": N_("No-show"),
        "late_cancellation": N_("Late cancellation"),
        "double_booking": N_("Double booking"),
        "payment_overdue": N_("Payment overdue"),
        "payment_refused": N_("Payment refused"),
        "chargeback": N_("Chargeback"),
        "broken_promise": N_("Broken promise"),
        "scope_creep": N_("Scope creep"),
        "abuse": N_("Abuse"),
        "attended": N_("Attended"),
        "paid_on_time": N_("Paid on time"),
    },
    "level": {
        "none": N_("No restriction"),
        "note": N_("Note"),
        "warning": N_("Warning"),
        "deposit_required": N_("Deposit required"),
        "prepayment_required": N_("Prepayment required"),
        "online_booking_blocked": N_("No online booking"),
        "service_ended": N_("Service ended"),
    },
    "recommendation_status": {
        "pending": N_("Awaiting approval"),
        "approved": N_("Approved"),
        "changed": N_("Approved with changes"),
        "rejected": N_("Rejected"),
        "superseded": N_("Superseded"),
    },
    "decision_status": {
        "active": N_("In force"),
        "lifted": N_("Lifted"),
    },
    "conversation_status": {
        "open": N_("Open"),
        "closed": N_("Closed"),
    },
    "event": {
        "created": N_("Recorded"),
        "amended": N_("Amended"),
        "personal_data_erased": N_("Personal data erased"),
    },
    "purpose": {
        "acknowledge_paraphrase": N_("Acknowledge and paraphrase"),
        "paraphrase": N_("Paraphrase"),
        "accept_apology": N_("Accept the apology"),
        "answer": N_("Answer"),
        "clarifying_question": N_("Question"),
        "options": N_("Options"),
        "clear_information": N_("Clear information"),
        "apology": N_("Apology"),
        "thanks": N_("Thanks"),
        "boundary_warning": N_("Boundary warning"),
        "end_conversation": N_("End the conversation"),
        "safety": N_("Safety"),
    },
}


def translated(kind: str, gettext: Callable[[str], str]) -> dict[str, str]:
    """Every name of one vocabulary in the viewer's language."""
    return {value: gettext(message) for value, message in LABELS[kind].items()}


def label(kind: str, value: str | None, gettext: Callable[[str], str]) -> str:
    """The name of ``value`` in the viewer's language (the value itself when it is unknown)."""
    if value is None:
        return ""
    message = LABELS.get(kind, {}).get(value)
    return gettext(message) if message else value.replace("_", " ")
