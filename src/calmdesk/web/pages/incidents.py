"""Incidents: the list, recording one (also pre-filled from Assist), amending, the record with
its history and chain status, and the PDF report. Supervisors see all; agents their own."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from calmdesk.domain.clock import parse_moment, utc_iso, utcnow
from calmdesk.domain.incidents import IncidentFields, Quote
from calmdesk.domain.vocabulary import (
    CHANNELS,
    INCIDENT_SEVERITIES,
    INCIDENT_STATUSES,
    INCIDENT_TYPES,
)
from calmdesk.errors import CalmdeskError, NotFound
from calmdesk.store import incidents as store
from calmdesk.store import reports
from calmdesk.store.models import Incident
from calmdesk.web.forms import DatabaseDep, ViewerDep, lines, optional, redirect
from calmdesk.web.i18n import translations
from calmdesk.web.templating import render
from calmdesk.web.viewer import PageProblem, Viewer

router = APIRouter()


def _visible(viewer: Viewer, incident: Incident) -> Incident:
    # The same rule as the API: agents read what they recorded; supervisors read everything.
    if viewer.may("incidents:all") or incident.recorded_by == viewer.caller.actor.name:
        return incident
    raise NotFound(f"incident {incident.id} does not exist")


def choices() -> dict[str, Any]:
    return {"types": INCIDENT_TYPES, "severities": INCIDENT_SEVERITIES,
            "statuses": INCIDENT_STATUSES, "channels": CHANNELS}  # fmt: skip


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(
    request: Request, viewer: ViewerDep, database: DatabaseDep, status: str = "",
    severity: str = "", type: str = "", notice: str = "",
) -> HTMLResponse:  # fmt: skip
    """Incidents, newest first, with filters."""
    viewer.require("incidents:create")
    error = None
    rows: list[Incident] = []
    try:
        with database.read() as session:
            rows = store.list_incidents(
                session, org_id=viewer.caller.org_id, status=status or None,
                min_severity=severity or None, limit=1000,
            )  # fmt: skip
    except CalmdeskError as exc:
        error = str(exc)
    if not viewer.may("incidents:all"):
        rows = [r for r in rows if r.recorded_by == viewer.caller.actor.name]
    if type:
        rows = [r for r in rows if r.type == type]
    return render(
        request, "incidents/list.html", viewer=viewer, rows=rows, error=error,
        filters={"status": status, "severity": severity, "type": type},
        notice=_notice(viewer, notice), **choices(),
    )  # fmt: skip


def _notice(viewer: Viewer, key: str) -> str | None:
    gettext = translations(viewer.language).gettext
    return {
        "created": gettext("The incident was recorded."),
        "amended": gettext("The amendment was recorded."),
    }.get(key)


def blank_form() -> dict[str, Any]:
    return {
        "occurred_at": utcnow().strftime("%Y-%m-%dT%H:%M"), "occurred_at_utc": utc_iso(utcnow()),
        "type": "verbal_abuse",
        "severity": "medium", "channel": "chat", "place": "", "description": "", "quotes": "",
        "steps_taken": "", "employees": "", "witnesses": "", "supervisor_name": "",
        "support_offered": "", "client_id": "", "conversation_id": "", "quotes_json": "[]",
    }  # fmt: skip


@router.get("/incidents/new", response_class=HTMLResponse)
def new_incident(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """An empty incident form."""
    viewer.require("incidents:create")
    form = blank_form()
    form["employees"] = viewer.display_name
    return render(request, "incidents/form.html", viewer=viewer, form=form, **choices())


def _moment_field(value: str | None) -> datetime | None:
    text = optional(value)
    return parse_moment(text) if text else None


def _quotes(text: str, quotes_json: str) -> list[Quote]:
    """The quoted words: the ones the analysis found keep their position in the message."""
    known: dict[str, dict[str, Any]] = {}
    try:
        for item in json.loads(quotes_json or "[]"):
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                known.setdefault(item["text"], item)
    except ValueError:
        pass
    out = []
    for words in lines(text):
        found = known.get(words, {})
        out.append(
            Quote(
                text=words,
                message_id=found.get("message_id"),
                label=found.get("label"),
                start=found.get("start"),
                end=found.get("end"),
            )
        )
    return out


@router.post("/incidents", response_class=HTMLResponse, response_model=None)
async def create_incident(request: Request, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """Record the incident on the organisation's chain, then show it."""
    viewer.require("incidents:create")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        fields = IncidentFields(
            occurred_at=_moment_field(form.get("occurred_at")) or utcnow(),
            type=form.get("type", ""), severity=form.get("severity", ""),
            description=form.get("description", ""), channel=optional(form.get("channel")),
            place=optional(form.get("place")),
            quotes=_quotes(form.get("quotes", ""), form.get("quotes_json", "[]")),
            steps_taken=lines(form.get("steps_taken")), employees=lines(form.get("employees")),
            witnesses=lines(form.get("witnesses")),
            supervisor_name=optional(form.get("supervisor_name")),
            support_offered=optional(form.get("support_offered")),
            client_id=_number(form.get("client_id")),
            conversation_id=_number(form.get("conversation_id")),
        )  # fmt: skip
        with database.write() as session:
            incident = store.create_incident(
                session, org_id=viewer.caller.org_id, fields=fields, actor=viewer.caller.actor
            )
            incident_id = incident.id
    except (CalmdeskError, ValueError) as exc:
        return render(
            request, "incidents/form.html", viewer=viewer,
            form={**blank_form(), **form, "occurred_at_utc": form.get("occurred_at", "")},
            error=str(exc), status_code=422, **choices(),
        )  # fmt: skip
    return redirect(f"/incidents/{incident_id}", notice="created")


def _number(value: str | None) -> int | None:
    text = optional(value)
    if text is None:
        return None
    if not text.lstrip("#").isdigit():
        raise ValueError(f"{text!r} is not a number")
    return int(text.lstrip("#"))


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_detail(
    incident_id: int, request: Request, viewer: ViewerDep, database: DatabaseDep,
    notice: str = "",
) -> HTMLResponse:  # fmt: skip
    """The record, its quoted words, its history and whether the chain verifies."""
    viewer.require("incidents:create")
    return _detail(request, viewer, database, incident_id, notice=_notice(viewer, notice))


def _detail(
    request: Request, viewer: Viewer, database: Any, incident_id: int, *,
    status_code: int = 200, **extra: Any,
) -> HTMLResponse:  # fmt: skip
    try:
        with database.read() as session:
            incident = _visible(viewer, store.get_incident(
                session, org_id=viewer.caller.org_id, incident_id=incident_id))  # fmt: skip
            history = store.incident_history(
                session, org_id=viewer.caller.org_id, incident_id=incident_id
            )
            chain = store.verify_chain(session, org_id=viewer.caller.org_id)
    except NotFound as exc:
        raise PageProblem(404, str(exc)) from None
    problems = [p for p in chain.problems if p.incident_id in (None, incident_id)]
    return render(
        request, "incidents/detail.html", viewer=viewer, incident=incident, history=history,
        chain_ok=chain.ok and not problems, chain_events=chain.events, problems=problems,
        may_export=viewer.may("incidents:all"), may_amend=viewer.may("incidents:all"),
        status_code=status_code, **choices(), **extra,
    )  # fmt: skip


@router.post("/incidents/{incident_id}/amend", response_class=HTMLResponse, response_model=None)
async def amend_incident(
    incident_id: int, request: Request, viewer: ViewerDep, database: DatabaseDep
) -> Response:
    """Record an amendment: only the fields that changed, with the reason (supervisors)."""
    viewer.require("incidents:all")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        with database.write() as session:
            incident = _visible(viewer, store.get_incident(
                session, org_id=viewer.caller.org_id, incident_id=incident_id))  # fmt: skip
            changes: dict[str, Any] = {}
            for name in ("type", "severity", "status", "place", "outcome", "supervisor_name",
                         "support_offered"):  # fmt: skip
                if name in form:
                    value = optional(form[name])
                    if value != getattr(incident, name):
                        changes[name] = value
            if "steps_taken" in form and lines(form["steps_taken"]) != incident.steps_taken:
                changes["steps_taken"] = lines(form["steps_taken"])
            store.amend_incident(
                session, org_id=viewer.caller.org_id, incident_id=incident_id, changes=changes,
                reason=form.get("reason", ""), actor=viewer.caller.actor,
            )  # fmt: skip
    except NotFound as exc:
        raise PageProblem(404, str(exc)) from None
    except CalmdeskError as exc:
        return _detail(request, viewer, database, incident_id, status_code=422, error=str(exc))
    return redirect(f"/incidents/{incident_id}", notice="amended")


@router.get("/incidents/{incident_id}/report.pdf")
def incident_pdf(
    incident_id: int,
    request: Request,
    viewer: ViewerDep,
    database: DatabaseDep,
    redact: bool = False,
) -> Response:
    """The incident report as a PDF (supervisors; the export is noted in the audit log)."""
    viewer.require("incidents:all")
    from calmdesk.domain.report_pdf import find_font, render_pdf

    try:
        with database.write() as session:
            report = reports.incident_report(
                session, org_id=viewer.caller.org_id, incident_id=incident_id, redact=redact
            )
            reports.note_export(
                session, org_id=viewer.caller.org_id, incident_id=incident_id, fmt="pdf",
                redact=redact, actor=viewer.caller.actor,
            )  # fmt: skip
    except NotFound as exc:
        raise PageProblem(404, str(exc)) from None
    pdf = render_pdf(report, find_font(request.app.state.settings.pdf_font))
    return Response(
        pdf, media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="incident-{incident_id}.pdf"'},
    )  # fmt: skip
