"""Clients: the list, and each client's conduct timeline, standing, recommendations awaiting
approval and decisions; supervisors approve or reject with a note."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from calmdesk.domain.clock import parse_moment
from calmdesk.errors import CalmdeskError, NotFound
from calmdesk.store import audit, clients, conduct, policy, privacy
from calmdesk.store import incidents as incident_store
from calmdesk.web.forms import DatabaseDep, ViewerDep, optional, redirect
from calmdesk.web.i18n import translations
from calmdesk.web.templating import render
from calmdesk.web.viewer import PageProblem, Viewer

router = APIRouter()
PAGE_SIZE = 100


@router.get("/clients", response_class=HTMLResponse)
def client_list(
    request: Request, viewer: ViewerDep, database: DatabaseDep, q: str = "", page: int = 1
) -> HTMLResponse:
    """Clients by name, a page at a time, with the recommendations waiting for a decision."""
    viewer.require("clients:read")
    page = max(page, 1)
    with database.read() as session:
        rows = clients.list_clients(
            session, org_id=viewer.caller.org_id, search=q or None, limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )  # fmt: skip
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        pending = policy.list_recommendations(session, org_id=viewer.caller.org_id)
        # Names of the clients waiting for a decision, wherever they are in the list.
        names = {
            client_id: clients.get_client(
                session, org_id=viewer.caller.org_id, client_id=client_id
            ).display_name
            for client_id in {rec.client_id for rec in pending}
        }
    waiting: dict[int, int] = {}
    for rec in pending:
        waiting[rec.client_id] = waiting.get(rec.client_id, 0) + 1
    return render(
        request, "clients/list.html", viewer=viewer, rows=rows, q=q, waiting=waiting,
        pending=pending, names=names, page=page, more=more,
    )  # fmt: skip


def _profile(
    request: Request, viewer: Viewer, database: Any, client_id: int, *,
    status_code: int = 200, **extra: Any,
) -> HTMLResponse:  # fmt: skip
    org = viewer.caller.org_id
    try:
        with database.read() as session:
            client = clients.get_client(session, org_id=org, client_id=client_id)
            events = conduct.list_conduct(session, org_id=org, client_id=client_id)
            standing = policy.client_standing(session, org_id=org, client_id=client_id)
            recommendations = policy.list_recommendations(
                session, org_id=org, client_id=client_id, status=None
            )
            decisions = policy.list_decisions(session, org_id=org, client_id=client_id)
            incidents = incident_store.list_incidents(session, org_id=org, client_id=client_id)
    except NotFound as exc:
        raise PageProblem(404, str(exc)) from None
    if not viewer.may("incidents:all"):
        incidents = [i for i in incidents if i.recorded_by == viewer.caller.actor.name]
    timeline = sorted(
        [("conduct", e.occurred_at, e) for e in events]
        + [("incident", i.occurred_at, i) for i in incidents],
        key=lambda item: item[1],
        reverse=True,
    )
    return render(
        request, "clients/detail.html", viewer=viewer, client=client, timeline=timeline,
        standing=standing, recommendations=recommendations, decisions=decisions,
        may_decide=viewer.may("recommendations:decide"), may_export=viewer.may("clients:write"),
        may_erase=viewer.may("clients:erase"),
        status_code=status_code, **extra,
    )  # fmt: skip


@router.get("/clients/{client_id}", response_class=HTMLResponse)
def client_detail(
    client_id: int, request: Request, viewer: ViewerDep, database: DatabaseDep, notice: str = ""
) -> HTMLResponse:
    """A client's profile: conduct timeline, standing, recommendations and decisions."""
    viewer.require("clients:read")
    gettext = translations(viewer.language).gettext
    message = {
        "approved": gettext("The recommendation was approved; the decision is in force."),
        "rejected": gettext("The recommendation was rejected."),
        "erased": gettext("The client's personal data was erased."),
    }.get(notice)
    return _profile(request, viewer, database, client_id, notice=message)


@router.post(
    "/clients/{client_id}/recommendations/{recommendation_id}",
    response_class=HTMLResponse,
    response_model=None,
)
def review(
    client_id: int,
    recommendation_id: int,
    request: Request,
    viewer: ViewerDep,
    database: DatabaseDep,
    action: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    expires_at: Annotated[str, Form()] = "",
) -> Response:
    """Approve or reject a recommendation; the note is required and kept with the outcome."""
    viewer.require("recommendations:decide")
    gettext = translations(viewer.language).gettext
    if not note.strip():
        return _profile(
            request, viewer, database, client_id, status_code=422,
            error=gettext("Write a note: say why. It is kept with the decision."),
        )  # fmt: skip
    try:
        expiry = parse_moment(expires_at) if optional(expires_at) else None
        with database.write() as session:
            rec = policy.get_recommendation(
                session, org_id=viewer.caller.org_id, recommendation_id=recommendation_id
            )
            if rec.client_id != client_id:
                raise NotFound(f"recommendation {recommendation_id} does not exist")
            policy.review_recommendation(
                session, org_id=viewer.caller.org_id, recommendation_id=recommendation_id,
                action=action, note=note, actor=viewer.caller.actor, expires_at=expiry,
            )  # fmt: skip
    except NotFound as exc:
        raise PageProblem(404, str(exc)) from None
    except (CalmdeskError, ValueError) as exc:
        return _profile(request, viewer, database, client_id, status_code=422, error=str(exc))
    outcome = "rejected" if action == "reject" else "approved"
    return redirect(f"/clients/{client_id}", notice=outcome)


@router.get("/clients/{client_id}/export.json")
def export(client_id: int, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """Everything calmdesk keeps about the client, as a JSON file (a data access request)."""
    viewer.require("clients:write")
    try:
        with database.write() as session:
            data = privacy.export_client(session, org_id=viewer.caller.org_id, client_id=client_id)
            audit.record(
                session, org_id=viewer.caller.org_id, actor=viewer.caller.actor,
                action="client.export", entity="client", entity_id=client_id,
            )  # fmt: skip
    except NotFound as exc:
        raise PageProblem(404, str(exc)) from None
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="client-{client_id}.json"'},
    )


@router.post("/clients/{client_id}/erase", response_class=HTMLResponse, response_model=None)
def erase(
    client_id: int,
    request: Request,
    viewer: ViewerDep,
    database: DatabaseDep,
    reason: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    incident_details: Annotated[str, Form()] = "",
) -> Response:
    """Erase the client's personal data after an explicit confirmation and with a reason."""
    viewer.require("clients:erase")
    gettext = translations(viewer.language).gettext
    if confirm != "yes" or not reason.strip():
        message = gettext("Tick the confirmation and give the reason (e.g. the request's number).")
        return _profile(request, viewer, database, client_id, status_code=422, error=message)
    try:
        with database.write() as session:
            privacy.erase_client(
                session, org_id=viewer.caller.org_id, client_id=client_id,
                reason=reason.strip(), actor=viewer.caller.actor,
                erase_incident_details=incident_details == "yes",
            )  # fmt: skip
    except NotFound as exc:
        raise PageProblem(404, str(exc)) from None
    except CalmdeskError as exc:
        return _profile(request, viewer, database, client_id, status_code=422, error=str(exc))
    return redirect(f"/clients/{client_id}", notice="erased")
