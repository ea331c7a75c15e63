"""``calmdesk incidents``: record, amend, show, export and verify incidents."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from calmdesk.cli.records import AS_OPTION, ORG_OPTION, echo_json, scope, table
from calmdesk.errors import IntegrityError, InvalidInput

incidents_app = typer.Typer(
    help="Incidents: append-only, tamper-evident records of abuse and threats.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add ``incidents``."""
    app.add_typer(incidents_app, name="incidents")


@incidents_app.command("add")
def incidents_add(
    from_conversation: int | None = typer.Option(
        None, "--from-conversation", help="Pre-fill from a stored conversation and its analyses."
    ),
    file: Path | None = typer.Option(None, "--file", help="JSON object with the incident fields."),
    occurred_at: str | None = typer.Option(None, "--occurred-at", help="ISO time (default now)."),
    incident_type: str | None = typer.Option(None, "--type", help="verbal_abuse, threat, …"),
    severity: str | None = typer.Option(None, "--severity", help="low, medium, high, critical."),
    description: str | None = typer.Option(None, "--description", help="What happened, factually."),
    client: str | None = typer.Option(None, "--client", help="Client id (#N), e-mail, phone, ref."),
    channel: str | None = typer.Option(None, "--channel", help="chat, email, phone, in_person…"),
    place: str | None = typer.Option(None, "--place"),
    quote: list[str] = typer.Option([], "--quote", help="The exact words (repeatable)."),
    step: list[str] = typer.Option([], "--step", help="A step taken (repeatable)."),
    employee: list[str] = typer.Option([], "--employee", help="Employee involved (repeatable)."),
    witness: list[str] = typer.Option([], "--witness", help="A witness (repeatable)."),
    supervisor: str | None = typer.Option(None, "--supervisor", help="Supervisor informed."),
    supervisor_at: str | None = typer.Option(None, "--supervisor-informed-at"),
    police: bool = typer.Option(False, "--police", help="The police were involved."),
    police_ref: str | None = typer.Option(None, "--police-ref"),
    injuries: str | None = typer.Option(None, "--injuries"),
    support: str | None = typer.Option(None, "--support", help="Support offered to the employee."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the incident, record nothing."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Record an incident (pre-filled from a conversation, a JSON file, or the options)."""
    from calmdesk.domain.clock import utc_iso, utcnow
    from calmdesk.domain.incidents import IncidentFields
    from calmdesk.store import clients, incidents
    from calmdesk.store.drafts import draft_from_conversation

    with scope(org, as_user) as where, where.db.write() as session:
        state: dict[str, Any] = {}
        if from_conversation is not None:
            draft = draft_from_conversation(
                session, org_id=where.org_id, conversation_id=from_conversation
            )
            state = draft.to_state()
        if file is not None:
            state.update(_read_json(file))
        options: dict[str, Any] = {
            "occurred_at": occurred_at, "type": incident_type, "severity": severity,
            "description": description, "channel": channel, "place": place,
            "supervisor_name": supervisor, "supervisor_informed_at": supervisor_at,
            "police_reference": police_ref, "injuries": injuries, "support_offered": support,
        }  # fmt: skip
        state.update({k: v for k, v in options.items() if v is not None})
        lists = {"steps_taken": step, "employees": employee, "witnesses": witness}
        state.update({k: list(v) for k, v in lists.items() if v})
        if quote:
            state["quotes"] = [*state.get("quotes", []), *({"text": q} for q in quote)]
        if police:
            state["police_involved"] = True
        if client is not None:
            state["client_id"] = clients.find_client(
                session, org_id=where.org_id, reference=client
            ).id
        state.setdefault("occurred_at", utc_iso(utcnow()))
        missing = [k for k in ("type", "severity", "description") if not state.get(k)]
        if missing:
            raise InvalidInput(f"missing: {', '.join('--' + m for m in missing)}")
        fields = IncidentFields.from_state(state)
        if dry_run:
            echo_json(fields.to_state())
            session.rollback()
            return
        incident = incidents.create_incident(
            session, org_id=where.org_id, fields=fields, actor=where.actor
        )
        typer.echo(f"incident {incident.id} recorded ({fields.type}, {fields.severity})")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: expected a JSON object of incident fields")
    return value


@incidents_app.command("list")
def incidents_list(
    status: str | None = typer.Option(None, "--status", help="open, under_review, closed."),
    client: str | None = typer.Option(None, "--client"),
    as_json: bool = typer.Option(False, "--json"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """List incidents, newest first."""
    from calmdesk.store import clients, incidents

    with scope(org, as_user) as where, where.db.read() as session:
        client_id = (
            clients.find_client(session, org_id=where.org_id, reference=client).id
            if client
            else None
        )
        found = incidents.list_incidents(
            session, org_id=where.org_id, status=status, client_id=client_id, limit=1000
        )
        states = [{"id": i.id, **incidents.incident_state(i)} for i in found]
    if as_json:
        echo_json(states)
        return
    rows = [
        [s["id"], s["occurred_at"][:16].replace("T", " "), s["type"], s["severity"],
         s["status"], s["client_id"], (s["description"] or "")[:60]]
        for s in states
    ]  # fmt: skip
    table(["id", "occurred (UTC)", "type", "severity", "status", "client", "description"], rows)


@incidents_app.command("show")
def incidents_show(
    incident_id: int = typer.Argument(...),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Show an incident and its history (JSON)."""
    from calmdesk.store.reports import incident_report

    with scope(org, as_user) as where, where.db.read() as session:
        echo_json(incident_report(session, org_id=where.org_id, incident_id=incident_id))


@incidents_app.command("amend")
def incidents_amend(
    incident_id: int = typer.Argument(...),
    changes: list[str] = typer.Option(
        ..., "--set", help="FIELD=VALUE (repeatable); lists and booleans as JSON."
    ),
    reason: str = typer.Option(..., "--reason", help="Why the record changes (kept forever)."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Correct or update an incident: an amendment with its author and reason."""
    from calmdesk.store import incidents

    parsed = dict(_assignment(text) for text in changes)
    with scope(org, as_user) as where, where.db.write() as session:
        incidents.amend_incident(
            session, org_id=where.org_id, incident_id=incident_id, changes=parsed,
            reason=reason, actor=where.actor,
        )  # fmt: skip
    typer.echo(f"incident {incident_id} amended: {', '.join(sorted(parsed))}")


def _assignment(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise InvalidInput(f"--set {text!r}: expected FIELD=VALUE")
    value: Any = raw
    if raw[:1] in "[{" or raw in ("true", "false", "null") or raw.lstrip("-").isdigit():
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise InvalidInput(f"--set {name}: {raw!r} is not valid JSON") from None
    return name.strip(), value


@incidents_app.command("export")
def incidents_export(
    incident_id: int = typer.Argument(...),
    fmt: ExportFormat = typer.Option(ExportFormat.pdf, "--format", help="pdf, html or json."),
    redact: bool = typer.Option(False, "--redact", help="Hide witnesses', staff's names."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Export an incident report for a dispute or a court, in the organisation's language."""
    from calmdesk.store.reports import incident_report, note_export

    with scope(org, as_user) as where:
        with where.db.read() as session:
            report = incident_report(
                session, org_id=where.org_id, incident_id=incident_id, redact=redact
            )
        data = _render(report, fmt)
        with where.db.write() as session:
            note_export(session, org_id=where.org_id, incident_id=incident_id, fmt=fmt.value,
                        redact=redact, actor=where.actor)  # fmt: skip
    if output is None and fmt is ExportFormat.pdf:
        output = Path(f"incident-{incident_id}.pdf")
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"{output}: cannot write ({exc.strerror})") from None
    typer.echo(f"incident {incident_id} report written to {output}")


def _render(report: dict[str, Any], fmt: ExportFormat) -> bytes:
    if fmt is ExportFormat.json:
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt is ExportFormat.html:
        from calmdesk.domain.report_html import render_html

        return render_html(report).encode()
    from calmdesk.domain.report_pdf import find_font, render_pdf
    from calmdesk.settings import get_settings

    font = find_font(get_settings().pdf_font)
    if font.regular is None:
        typer.echo(
            "warning: no Unicode font found; Polish letters lose their accents in the PDF "
            "(set CALMDESK_PDF_FONT to a .ttf file)",
            err=True,
        )
    return render_pdf(report, font)


@incidents_app.command("verify")
def incidents_verify(org: str | None = ORG_OPTION, as_user: str | None = AS_OPTION) -> None:
    """Check every incident against the hash chain; fails naming the first altered incident."""
    from calmdesk.store.incidents import verify_chain

    with scope(org, as_user) as where, where.db.read() as session:
        report = verify_chain(session, org_id=where.org_id)
    if report.ok:
        typer.echo(
            f"ok: {report.incidents} incident(s), {report.events} event(s); "
            f"chain hash {report.head_hash}"
        )
        return
    for problem in report.problems:
        typer.echo(f"  {problem}", err=True)
    first = report.first_incident
    named = f"incident {first}" if first is not None else "the chain"
    raise IntegrityError(
        f"{named} no longer matches its tamper-evident record "
        f"({len(report.problems)} problem(s) listed above)"
    )
