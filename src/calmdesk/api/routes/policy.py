"""The organisation's boundary policy, its recommendations and the decisions people take.

A recommendation never acts by itself: a supervisor approves, changes or rejects it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from calmdesk.api.deps import Caller, DatabaseDep, needs
from calmdesk.api.notifications import queue_alert
from calmdesk.api.pagination import Page, page_of
from calmdesk.api.schemas.records import (
    DecisionPublic,
    PolicyPublic,
    PolicyUpdate,
    RecommendationPublic,
    RecommendationReview,
)
from calmdesk.store import policy as store
from calmdesk.store.models import Decision, Recommendation

router = APIRouter(tags=["policy and decisions"])
PolicyReader = Annotated[Caller, needs("policy:read")]
PolicyWriter = Annotated[Caller, needs("policy:write")]
Reviewer = Annotated[Caller, needs("recommendations:decide")]


def recommendation_public(r: Recommendation) -> RecommendationPublic:
    """The API view of a recommendation."""
    return RecommendationPublic(
        id=r.id, client_id=r.client_id, level=r.level, percent=r.percent,
        reasons=list(r.reasons), status=r.status, created_at=r.created_at,
        reviewed_by=r.reviewed_by, reviewed_at=r.reviewed_at, review_note=r.review_note,
        decision_id=r.decision_id,
    )  # fmt: skip


def decision_public(d: Decision) -> DecisionPublic:
    """The API view of a decision."""
    return DecisionPublic(
        id=d.id, client_id=d.client_id, recommendation_id=d.recommendation_id, level=d.level,
        percent=d.percent, reasons=list(d.reasons), note=d.note, decided_by=d.decided_by,
        decided_at=d.decided_at, review_at=d.review_at, expires_at=d.expires_at,
        status=d.status, appeal_status=d.appeal_status,
    )  # fmt: skip


@router.get("/policy", response_model=PolicyPublic, summary="The policy in force")
def get_policy(caller: PolicyReader, database: DatabaseDep) -> PolicyPublic:
    """The organisation's policy file (calmdesk's default until an admin sets one)."""
    with database.read() as session:
        current = store.current_policy(session, org_id=caller.org_id)
        return PolicyPublic(digest=current.digest, source=current.source)


@router.put("/policy", response_model=PolicyPublic, summary="Put a policy in force")
def set_policy(body: PolicyUpdate, caller: PolicyWriter, database: DatabaseDep) -> PolicyPublic:
    """Validate and put a new policy file in force (admins)."""
    with database.write() as session:
        current = store.set_policy(
            session, org_id=caller.org_id, source=body.source, actor=caller.actor
        )
        return PolicyPublic(digest=current.digest, source=current.source)


@router.get(
    "/recommendations", response_model=Page[RecommendationPublic], summary="List recommendations"
)
def list_recommendations(
    caller: Reviewer, database: DatabaseDep,
    status: Annotated[
        str | None, Query(pattern="^(pending|approved|changed|rejected|superseded)$")
    ] = "pending",
    client_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[RecommendationPublic]:  # fmt: skip
    """Newest first; pending ones by default."""
    with database.read() as session:
        rows = store.list_recommendations(
            session, org_id=caller.org_id, status=status, client_id=client_id
        )
        items = [recommendation_public(r) for r in rows]
    return page_of(items, limit=limit, offset=offset)


@router.post(
    "/recommendations/refresh", response_model=list[RecommendationPublic],
    summary="Apply the policy to every client's conduct",
)  # fmt: skip
def refresh(caller: Reviewer, database: DatabaseDep) -> list[RecommendationPublic]:
    """New recommendations where the policy asks for more than a client's standing; supervisors
    are notified that they await approval."""
    with database.write() as session:
        created = store.refresh_recommendations(session, org_id=caller.org_id, actor=caller.actor)
        if created:
            queue_alert(
                session, org_id=caller.org_id,
                subject=f"calmdesk: {len(created)} recommendation(s) await approval",
                text="\n".join(
                    f"Recommendation {r.id}: client {r.client_id}, level {r.level}" for r in created
                ),
            )  # fmt: skip
        return [recommendation_public(r) for r in created]


@router.post(
    "/recommendations/{recommendation_id}/review", response_model=DecisionPublic | None,
    summary="Approve, change or reject a recommendation",
)  # fmt: skip
def review(
    recommendation_id: int, body: RecommendationReview, caller: Reviewer, database: DatabaseDep
) -> DecisionPublic | None:
    """Approving or changing makes a decision (returned); rejecting makes none (null)."""
    with database.write() as session:
        decision = store.review_recommendation(
            session, org_id=caller.org_id, recommendation_id=recommendation_id,
            action=body.action, note=body.note, actor=caller.actor, level=body.level,
            percent=body.percent, review_at=body.review_at, expires_at=body.expires_at,
            legitimate_interest=body.legitimate_interest,
        )  # fmt: skip
        return decision_public(decision) if decision else None


@router.get("/decisions", response_model=Page[DecisionPublic], summary="List decisions")
def list_decisions(
    caller: Reviewer, database: DatabaseDep, client_id: int | None = None,
    active_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[DecisionPublic]:  # fmt: skip
    """Newest first."""
    with database.read() as session:
        rows = store.list_decisions(
            session, org_id=caller.org_id, client_id=client_id, active_only=active_only
        )
        items = [decision_public(d) for d in rows]
    return page_of(items, limit=limit, offset=offset)


@router.get("/decisions/{decision_id}", response_model=DecisionPublic, summary="One decision")
def get_decision(decision_id: int, caller: Reviewer, database: DatabaseDep) -> DecisionPublic:
    """A decision with its reasons, review date and appeal status."""
    with database.read() as session:
        return decision_public(
            store.get_decision(session, org_id=caller.org_id, decision_id=decision_id)
        )


class DecisionNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, description="Why (kept with the decision).")


class AppealDecision(DecisionNote):
    grant: bool = Field(description="True lifts the decision; false upholds it.")


@router.post(
    "/decisions/{decision_id}/lift", response_model=DecisionPublic, summary="Lift a decision"
)
def lift(
    decision_id: int, body: DecisionNote, caller: Reviewer, database: DatabaseDep
) -> DecisionPublic:
    """End a decision before its expiry, with the reason."""
    with database.write() as session:
        decision = store.lift_decision(
            session, org_id=caller.org_id, decision_id=decision_id, reason=body.note,
            actor=caller.actor,
        )  # fmt: skip
        return decision_public(decision)


@router.post(
    "/decisions/{decision_id}/appeal", response_model=DecisionPublic,
    summary="Record the client's appeal",
)  # fmt: skip
def appeal(
    decision_id: int, body: DecisionNote, caller: Reviewer, database: DatabaseDep
) -> DecisionPublic:
    """What the client says against the decision; a supervisor then grants or upholds it."""
    with database.write() as session:
        decision = store.appeal_decision(
            session, org_id=caller.org_id, decision_id=decision_id, note=body.note,
            actor=caller.actor,
        )  # fmt: skip
        return decision_public(decision)


@router.post(
    "/decisions/{decision_id}/appeal/decide", response_model=DecisionPublic,
    summary="Grant or uphold an appeal",
)  # fmt: skip
def decide_appeal(
    decision_id: int, body: AppealDecision, caller: Reviewer, database: DatabaseDep
) -> DecisionPublic:
    """Granting lifts the decision; upholding keeps it, with the reason."""
    with database.write() as session:
        decision = store.decide_appeal(
            session, org_id=caller.org_id, decision_id=decision_id, grant=body.grant,
            note=body.note, actor=caller.actor,
        )  # fmt: skip
        return decision_public(decision)
