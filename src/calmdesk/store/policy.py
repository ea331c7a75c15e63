"""Policy files per organisation, recommendations, decisions, appeals and standing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor, require_role
from calmdesk.domain.policy import Evaluation, Policy, default_policy, evaluate, load_policy
from calmdesk.domain.standing import DecisionView, Standing, standing
from calmdesk.domain.vocabulary import POLICY_LEVELS, level_rank
from calmdesk.errors import Conflict, InvalidInput, NotFound
from calmdesk.store import audit
from calmdesk.store.clients import get_client
from calmdesk.store.conduct import conduct_by_client, recent_cutoff
from calmdesk.store.models import (
    ConductEvent,
    Decision,
    Organisation,
    PolicyRuleSet,
    Recommendation,
)


def set_policy(session: Session, *, org_id: int, source: str, actor: Actor) -> Policy:
    """Validate and put a policy file in force for the organisation (admins only)."""
    require_role(actor, "admin", "changing the policy")
    policy = load_policy(source)
    session.add(
        PolicyRuleSet(org_id=org_id, source=source, digest=policy.digest, created_by=actor.user_id)
    )
    audit.record(
        session, org_id=org_id, actor=actor, action="policy.set", entity="policy",
        details={"digest": policy.digest, "rules": len(policy.rules)},
    )  # fmt: skip
    return policy


def current_policy(session: Session, *, org_id: int) -> Policy:
    """The organisation's policy in force (calmdesk's default until one is set)."""
    query = (
        select(PolicyRuleSet.source)
        .where(PolicyRuleSet.org_id == org_id)
        .order_by(PolicyRuleSet.id.desc())
        .limit(1)
    )
    source = session.scalar(query)
    return default_policy() if source is None else load_policy(source)


def evaluate_clients(
    session: Session,
    *,
    org_id: int,
    client_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> dict[int, Evaluation]:
    """What the policy recommends for each client with conduct events (one query)."""
    now = now or utcnow()
    policy = policy or current_policy(session, org_id=org_id)
    since = recent_cutoff(now, policy.longest_window_days)
    events = conduct_by_client(session, org_id=org_id, client_ids=client_ids, since=since)
    return {client_id: evaluate(policy, history, now) for client_id, history in events.items()}


def refresh_recommendations(
    session: Session, *, org_id: int, actor: Actor, now: datetime | None = None
) -> list[Recommendation]:
    """Create a recommendation for every client the policy puts above their standing.

    A client already holding a pending recommendation for the same level and percent gets no
    new one; an older pending recommendation that no longer matches is superseded.
    """
    now = now or utcnow()
    policy = current_policy(session, org_id=org_id)
    evaluations = evaluate_clients(session, org_id=org_id, now=now, policy=policy)
    pending: dict[int, list[Recommendation]] = {}
    for rec in session.scalars(
        select(Recommendation).where(
            Recommendation.org_id == org_id, Recommendation.status == "pending"
        )
    ):
        pending.setdefault(rec.client_id, []).append(rec)
    decisions = _decisions_by_client(session, org_id)
    created: list[Recommendation] = []
    for client_id, result in sorted(evaluations.items()):
        current = standing(client_id, decisions.get(client_id, []), now)
        if (level_rank(result.level), result.percent or 0) <= (
            level_rank(current.level),
            _standing_percent(current),
        ):
            continue
        same = [
            r
            for r in pending.get(client_id, [])
            if (r.level, r.percent) == (result.level, result.percent)
        ]
        if same:
            continue
        for old in pending.get(client_id, []):
            old.status = "superseded"
        rec = Recommendation(
            org_id=org_id,
            client_id=client_id,
            level=result.level,
            percent=result.percent,
            reasons=[reason.to_dict() for reason in result.reasons],
            policy_digest=policy.digest,
            status="pending",
            created_at=now,
        )
        session.add(rec)
        created.append(rec)
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="policy.evaluate", entity="recommendation",
        details={"clients": len(evaluations), "created": [r.id for r in created]},
    )  # fmt: skip
    return created


def _standing_percent(current: Standing) -> int:
    return current.deposit_percent or current.prepayment_percent or 0


def list_recommendations(
    session: Session, *, org_id: int, status: str | None = "pending", client_id: int | None = None
) -> list[Recommendation]:
    """Recommendations, newest first (pending ones by default)."""
    query = select(Recommendation).where(Recommendation.org_id == org_id)
    if status is not None:
        query = query.where(Recommendation.status == status)
    if client_id is not None:
        query = query.where(Recommendation.client_id == client_id)
    return list(session.scalars(query.order_by(Recommendation.id.desc())))


def get_recommendation(session: Session, *, org_id: int, recommendation_id: int) -> Recommendation:
    """The recommendation with this id in this organisation, or NotFound."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None or rec.org_id != org_id:
        raise NotFound(f"recommendation {recommendation_id} does not exist")
    return rec


def review_recommendation(
    session: Session,
    *,
    org_id: int,
    recommendation_id: int,
    action: str,
    note: str,
    actor: Actor,
    level: str | None = None,
    percent: int | None = None,
    review_at: datetime | None = None,
    expires_at: datetime | None = None,
    legitimate_interest: str | None = None,
) -> Decision | None:
    """A supervisor approves, changes (another level or percent) or rejects a recommendation.

    Approving or changing makes a decision; rejecting makes none. Every outcome needs a note.
    """
    require_role(actor, "supervisor", "reviewing a recommendation")
    if action not in ("approve", "change", "reject"):
        raise InvalidInput("action: approve, change or reject")
    if not note.strip():
        raise InvalidInput("note: say why (it is kept with the decision)")
    rec = get_recommendation(session, org_id=org_id, recommendation_id=recommendation_id)
    if rec.status != "pending":
        raise Conflict(f"recommendation {recommendation_id} is already {rec.status}")
    rec.reviewed_by, rec.reviewed_at, rec.review_note = actor.user_id, utcnow(), note.strip()
    decision = None
    if action == "reject":
        rec.status = "rejected"
    else:
        if action == "change" and level is None and percent is None:
            raise InvalidInput("change: give the level or percent to use instead")
        rec.status = "approved" if action == "approve" else "changed"
        decision = decide(
            session, org_id=org_id, client_id=rec.client_id, actor=actor, note=note,
            level=level if action == "change" and level else rec.level,
            percent=percent if action == "change" and percent is not None else rec.percent,
            reasons=rec.reasons, recommendation_id=rec.id, review_at=review_at,
            expires_at=expires_at, legitimate_interest=legitimate_interest,
        )  # fmt: skip
        rec.decision_id = decision.id
    audit.record(
        session, org_id=org_id, actor=actor, action=f"recommendation.{action}",
        entity="recommendation", entity_id=rec.id, details={"note": note.strip()},
    )  # fmt: skip
    return decision


def decide(
    session: Session,
    *,
    org_id: int,
    client_id: int,
    level: str,
    note: str,
    actor: Actor,
    percent: int | None = None,
    reasons: list[dict[str, Any]] | None = None,
    recommendation_id: int | None = None,
    review_at: datetime | None = None,
    expires_at: datetime | None = None,
    legitimate_interest: str | None = None,
) -> Decision:
    """Record a supervisor's decision about a client, with its review date and justification."""
    require_role(actor, "supervisor", "deciding about a client")
    if level not in POLICY_LEVELS[1:]:
        raise InvalidInput(f"level: one of {', '.join(POLICY_LEVELS[1:])}")
    if percent is not None and not 1 <= percent <= 100:
        raise InvalidInput("percent: from 1 to 100")
    if level == "deposit_required" and percent is None:
        raise InvalidInput("percent: a deposit needs its percentage")
    if not note.strip():
        raise InvalidInput("note: say why (it is kept with the decision)")
    client = get_client(session, org_id=org_id, client_id=client_id)
    org = session.get(Organisation, org_id)
    assert org is not None
    policy = current_policy(session, org_id=org_id)
    now = utcnow()
    if review_at is None:
        review_at = now + timedelta(days=policy.review_after_days)
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("expires_at: must be in the future")
    interest = legitimate_interest or policy.legitimate_interest.get(org.language) or ""
    decision = Decision(
        org_id=org_id, client_id=client.id, recommendation_id=recommendation_id, level=level,
        percent=percent, reasons=reasons or [], note=note.strip(), legitimate_interest=interest,
        decided_by=actor.user_id, decided_at=now, review_at=review_at, expires_at=expires_at,
        status="active", appeal_status="none",
    )  # fmt: skip
    session.add(decision)
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="decision.create", entity="decision",
        entity_id=decision.id, details={"client_id": client_id, "level": level, "percent": percent},
    )  # fmt: skip
    return decision


def get_decision(session: Session, *, org_id: int, decision_id: int) -> Decision:
    """The decision with this id in this organisation, or NotFound."""
    decision = session.get(Decision, decision_id)
    if decision is None or decision.org_id != org_id:
        raise NotFound(f"decision {decision_id} does not exist")
    return decision


def list_decisions(
    session: Session, *, org_id: int, client_id: int | None = None, active_only: bool = False
) -> list[Decision]:
    """Decisions, newest first."""
    query = select(Decision).where(Decision.org_id == org_id)
    if client_id is not None:
        query = query.where(Decision.client_id == client_id)
    if active_only:
        query = query.where(Decision.status == "active")
    return list(session.scalars(query.order_by(Decision.id.desc())))


def appeal_decision(
    session: Session, *, org_id: int, decision_id: int, note: str, actor: Actor
) -> Decision:
    """Record the client's appeal against a decision (anyone may take it down)."""
    if not note.strip():
        raise InvalidInput("note: what does the client say?")
    decision = get_decision(session, org_id=org_id, decision_id=decision_id)
    if decision.status != "active":
        raise Conflict(f"decision {decision_id} is {decision.status}")
    if decision.appeal_status == "pending":
        raise Conflict(f"decision {decision_id} already has an appeal pending")
    decision.appeal_status, decision.appeal_note = "pending", note.strip()
    decision.appealed_at = utcnow()
    audit.record(
        session, org_id=org_id, actor=actor, action="decision.appeal", entity="decision",
        entity_id=decision_id, details={"note": note.strip()},
    )  # fmt: skip
    return decision


def decide_appeal(
    session: Session, *, org_id: int, decision_id: int, grant: bool, note: str, actor: Actor
) -> Decision:
    """A supervisor grants an appeal (the decision is lifted) or upholds the decision."""
    require_role(actor, "supervisor", "deciding an appeal")
    decision = get_decision(session, org_id=org_id, decision_id=decision_id)
    if decision.appeal_status != "pending":
        raise Conflict(f"decision {decision_id} has no appeal pending")
    if grant:
        lift_decision(session, org_id=org_id, decision_id=decision_id, reason=note, actor=actor)
        decision.appeal_status = "granted"
    else:
        if not note.strip():
            raise InvalidInput("note: say why the decision stands")
        decision.appeal_status = "upheld"
        audit.record(
            session, org_id=org_id, actor=actor, action="decision.uphold", entity="decision",
            entity_id=decision_id, details={"note": note.strip()},
        )  # fmt: skip
    return decision


def lift_decision(
    session: Session, *, org_id: int, decision_id: int, reason: str, actor: Actor
) -> Decision:
    """End a decision before its expiry (supervisors only)."""
    require_role(actor, "supervisor", "lifting a decision")
    if not reason.strip():
        raise InvalidInput("reason: say why the decision is lifted")
    decision = get_decision(session, org_id=org_id, decision_id=decision_id)
    if decision.status == "lifted":
        raise Conflict(f"decision {decision_id} was already lifted")
    decision.status, decision.lift_reason = "lifted", reason.strip()
    decision.lifted_by, decision.lifted_at = actor.user_id, utcnow()
    audit.record(
        session, org_id=org_id, actor=actor, action="decision.lift", entity="decision",
        entity_id=decision_id, details={"reason": reason.strip()},
    )  # fmt: skip
    return decision


def client_standing(
    session: Session, *, org_id: int, client_id: int, now: datetime | None = None
) -> Standing:
    """May the client book online, what deposit or prepayment applies, and why."""
    now = now or utcnow()
    get_client(session, org_id=org_id, client_id=client_id)
    views = _decisions_by_client(session, org_id, client_id).get(client_id, [])
    result = standing(client_id, views, now)
    counts = session.execute(
        select(ConductEvent.kind, func.count())
        .where(ConductEvent.org_id == org_id, ConductEvent.client_id == client_id)
        .group_by(ConductEvent.kind)
    )
    result.history = {row[0]: row[1] for row in sorted(counts, key=lambda row: row[0])}
    pending = list_recommendations(session, org_id=org_id, client_id=client_id)
    if pending:
        rec = pending[0]
        result.pending_recommendation = {"id": rec.id, "level": rec.level, "percent": rec.percent}
    return result


def _decisions_by_client(
    session: Session, org_id: int, client_id: int | None = None
) -> dict[int, list[DecisionView]]:
    query = select(Decision).where(Decision.org_id == org_id, Decision.status == "active")
    if client_id is not None:
        query = query.where(Decision.client_id == client_id)
    grouped: dict[int, list[DecisionView]] = {}
    for d in session.scalars(query):
        grouped.setdefault(d.client_id, []).append(
            DecisionView(
                id=d.id,
                level=d.level,
                percent=d.percent,
                status=d.status,
                expires_at=d.expires_at,
                review_at=d.review_at,
                note=d.note,
                reasons=d.reasons,
                appeal_status=d.appeal_status,
            )
        )
    return grouped


def clients_due_for_review(
    session: Session, *, org_id: int, now: datetime | None = None
) -> list[Decision]:
    """Active decisions whose review date has come."""
    now = now or utcnow()
    query = select(Decision).where(
        Decision.org_id == org_id, Decision.status == "active", Decision.review_at <= now
    )
    return list(session.scalars(query.order_by(Decision.review_at)))
