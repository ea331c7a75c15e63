"""Conversation stage, next actions, suggested replies and draft review (the playbook).

``assist(conversation)`` is the whole flow; the pieces are pure functions over the messages,
their analyses, the draft and the context, each in its own module:
``conversation`` (reading), ``stage`` (ladder and boundary protocol), ``facts`` and ``replies``
(suggested replies from the templates in ``data/<lang>/``), ``review`` (the draft review),
``incident`` (whether to document) and ``llm`` (optional drafting by a model server).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from calmdesk.engine.analysis import Analysis
from calmdesk.engine.vocabulary import LANGUAGES
from calmdesk.playbook.content import LanguageContent, all_content, load_content
from calmdesk.playbook.conversation import Reading, is_boundary_warning, read_conversation
from calmdesk.playbook.facts import extract_facts
from calmdesk.playbook.incident import recommend_incident
from calmdesk.playbook.replies import MIN_REPLIES, Reply, render_details, suggest_replies
from calmdesk.playbook.review import review_draft
from calmdesk.playbook.schemas import AssistRequest, Message, parse_request
from calmdesk.playbook.stage import Plan, plan_next_steps
from calmdesk.settings import Settings, get_settings

__all__ = ["assist", "assist_request", "respond"]

DEFAULT_LANGUAGE = "pl"


def assist(conversation: dict[str, Any], *, settings: Settings | None = None) -> dict[str, Any]:
    """The assist response contract for ``conversation`` (the assist request contract).

    Raises InvalidInput naming the field when the request is malformed.
    """
    return assist_request(parse_request(conversation), settings=settings)


def assist_request(request: AssistRequest, *, settings: Settings | None = None) -> dict[str, Any]:
    """Same as :func:`assist` for an already validated request."""
    from calmdesk import analyze_many

    client_texts = [m.text for m in request.messages if m.role == "client"]
    draft = request.draft if request.draft and request.draft.strip() else None
    # One engine call for every client message and the draft: the fast path. With no client
    # message yet, the empty text stands in so the response still carries an analysis.
    texts = (client_texts or [""]) + ([draft] if draft is not None else [])
    given = request.context.language
    langs: list[str | None] = [given] * (len(texts) - (draft is not None))
    analyses = analyze_many(texts, [*langs, None] if draft is not None else langs)
    return respond(
        request,
        analyses[: len(client_texts) or 1],
        analyses[-1] if draft is not None else None,
        settings=settings,
    )


def respond(
    request: AssistRequest,
    client_analyses: list[Analysis],
    draft_analysis: Analysis | None,
    *,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The assist response from analyses already made (pure, apart from optional drafting).

    ``client_analyses`` holds one Analysis per client message, in order (or one of the empty
    text when there is no client message); ``draft_analysis`` is the draft's, if any.
    """
    settings = settings or get_settings()
    contents = all_content(settings.playbook_dir)
    has_client = any(m.role == "client" for m in request.messages)
    reading = read_conversation(request.messages, client_analyses if has_client else [], contents)
    given = request.context.language
    language = given or _client_language(client_analyses if has_client else [])
    content = load_content(language, settings.playbook_dir)
    formal = request.context.formal is not False

    newest_first = [turn.text for turn in reversed(reading.turns)]
    facts = extract_facts(newest_first, content, sorted(reading.intents()))
    plan = plan_next_steps(
        reading,
        company_at_fault=bool(request.context.company_at_fault),
        has_facts=bool({k for k, _ in facts.items()} - {"topic"}),
    )
    replies = suggest_replies(plan, facts, content, formal=formal)
    drafting: dict[str, Any] = {"source": "templates"}
    if settings.llm_base_url:
        details = render_details(facts, content)
        replies, drafting = _with_model_drafts(
            request, plan, reading, replies, content, contents, settings, details
        )

    draft_review = None
    draft = request.draft
    if draft is not None and draft.strip() and draft_analysis is not None:
        draft_language = (
            draft_analysis.language if draft_analysis.language in LANGUAGES else language
        )
        draft_review = _review(
            draft, draft_analysis, reading, plan, contents, draft_language, settings
        )

    return {
        "stage": plan.stage,
        "next_actions": list(plan.actions),
        "action_reasons": [{"action": a, "reason": plan.reasons[a]} for a in plan.actions],
        "suggested_replies": [reply.to_dict() for reply in replies],
        "draft_review": draft_review,
        "incident": recommend_incident(reading, content.review.incident),
        "client_analysis": client_analyses[-1].to_dict(),
        "language": language,
        "formal": formal,
        "facts": dict(facts.items()),
        "escalation": reading.to_dict(),
        "drafting": drafting,
    }


def _client_language(analyses: list[Analysis]) -> str:
    """The language most client messages are in; ties go to the most recent; else Polish."""
    detected = [a.language for a in analyses if a.language in LANGUAGES]
    if not detected:
        return DEFAULT_LANGUAGE
    counts = Counter(detected)
    best = max(counts.values())
    return next(lang for lang in reversed(detected) if counts[lang] == best)


def _review_options(reading: Reading, plan: Plan) -> dict[str, bool]:
    last = reading.last
    praise_only = (
        last is not None
        and plan.stage == "calm"
        and "praise" in last.intents
        and "question" not in last.intents
    )
    return {
        "client_upset": bool(last and last.upset)
        and plan.stage not in ("safety", "end_conversation"),
        "next_step_expected": not praise_only,
    }


def _review(
    draft: str,
    draft_analysis: Analysis,
    reading: Reading,
    plan: Plan,
    contents: list[LanguageContent],
    draft_language: str,
    settings: Settings,
) -> dict[str, object]:
    options = _review_options(reading, plan)
    if plan.stage == "boundary_warning" and is_boundary_warning(
        Message(role="agent", text=draft), contents
    ):
        # A calm boundary warning is what this stage asks for, and the warning is itself the
        # next step; sympathy and a way back to the case are welcome, not owed.
        options["client_upset"] = False
        options["next_step_expected"] = False
    return review_draft(
        draft,
        draft_analysis,
        load_content(draft_language, settings.playbook_dir),
        contents,
        **options,
    )


def _with_model_drafts(
    request: AssistRequest,
    plan: Plan,
    reading: Reading,
    templates: list[Reply],
    content: LanguageContent,
    contents: list[LanguageContent],
    settings: Settings,
    details: str,
) -> tuple[list[Reply], dict[str, Any]]:
    """Model drafts that pass the draft review, topped up with templates."""
    from calmdesk import analyze_many
    from calmdesk.playbook.llm import DraftingFailed, draft_replies

    try:
        candidates = draft_replies(
            settings=settings,
            messages=request.messages,
            plan=plan,
            language=content.language,
            formal=request.context.formal is not False,
            details=details,
            examples=[reply.text for reply in templates],
        )
    except DraftingFailed as exc:
        return templates, {"source": "templates", "error": str(exc)}
    analyses = analyze_many([c["text"] for c in candidates], content.language)
    options = _review_options(reading, plan)
    passing = [
        Reply(c["text"], c["purpose"], source="llm")
        for c, analysis in zip(candidates, analyses, strict=True)
        if review_draft(c["text"], analysis, content, contents, **options)["ok"]
    ]
    rejected = len(candidates) - len(passing)
    if len(passing) >= MIN_REPLIES:
        return passing, {"source": "llm", "rejected": rejected}
    source = "llm+templates" if passing else "templates"
    return passing + templates, {"source": source, "rejected": rejected}
