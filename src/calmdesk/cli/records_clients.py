"""``calmdesk clients`` and ``calmdesk conduct``: who the clients are and what they did."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from calmdesk.cli.records import AS_OPTION, ORG_OPTION, echo_json, scope, table
from calmdesk.errors import InvalidInput

clients_app = typer.Typer(help="Clients: history, standing, access requests, erasure.",
                          no_args_is_help=True)  # fmt: skip
conduct_app = typer.Typer(help="Conduct events: no-shows, late cancellations, payments…",
                          no_args_is_help=True)  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add ``clients`` and ``conduct``."""
    app.add_typer(clients_app, name="clients")
    app.add_typer(conduct_app, name="conduct")


@clients_app.command("list")
def clients_list(
    search: str | None = typer.Option(None, "--search", help="Part of a name, e-mail, phone…"),
    as_json: bool = typer.Option(False, "--json"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """List clients by name."""
    from calmdesk.store import clients

    with scope(org, as_user) as where, where.db.read() as session:
        found = clients.list_clients(session, org_id=where.org_id, search=search, limit=10_000)
        rows = [[c.id, c.display_name, c.email, c.phone, c.booking_ref, c.helpdesk_ref]
                for c in found]  # fmt: skip
    if as_json:
        keys = ["id", "display_name", "email", "phone", "booking_ref", "helpdesk_ref"]
        echo_json([dict(zip(keys, row, strict=True)) for row in rows])
        return
    table(["id", "name", "e-mail", "phone", "booking", "helpdesk"], rows)


@clients_app.command("add")
def clients_add(
    name: str = typer.Argument(..., help="Name to show."),
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    booking_ref: str | None = typer.Option(None, "--booking-ref"),
    helpdesk_ref: str | None = typer.Option(None, "--helpdesk-ref"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Add a client."""
    from calmdesk.store import clients

    with scope(org, as_user) as where, where.db.write() as session:
        client = clients.create_client(
            session, org_id=where.org_id, display_name=name, email=email, phone=phone,
            booking_ref=booking_ref, helpdesk_ref=helpdesk_ref, actor=where.actor,
        )  # fmt: skip
        typer.echo(f"client {client.id} added")


@clients_app.command("show")
def clients_show(
    client: str = typer.Argument(..., help="Id (#N), e-mail, phone, booking or helpdesk ref."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """A client's details, conduct summary, incidents and decisions."""
    from calmdesk.domain.labels import label
    from calmdesk.store import clients, conduct, incidents, policy

    with scope(org, as_user) as where, where.db.read() as session:
        found = clients.find_client(session, org_id=where.org_id, reference=client)
        history = conduct.list_conduct(session, org_id=where.org_id, client_id=found.id)
        cases = incidents.list_incidents(session, org_id=where.org_id, client_id=found.id)
        decisions = policy.list_decisions(session, org_id=where.org_id, client_id=found.id)
        lang = where.language
        typer.echo(f"#{found.id} {found.display_name}")
        for name in ("email", "phone", "booking_ref", "helpdesk_ref"):
            if getattr(found, name):
                typer.echo(f"  {name}: {getattr(found, name)}")
        counts: dict[str, int] = {}
        for event in history:
            counts[event.kind] = counts.get(event.kind, 0) + 1
        summary = ", ".join(f"{label('conduct', k, lang)} × {n}" for k, n in sorted(counts.items()))
        typer.echo(f"conduct: {summary or '—'}")
        for incident in cases:
            typer.echo(f"incident {incident.id}: {incident.occurred_at:%Y-%m-%d} "
                       f"{incident.type} ({incident.severity}, {incident.status})")  # fmt: skip
        for decision in decisions:
            percent = f" {decision.percent}%" if decision.percent else ""
            typer.echo(f"decision {decision.id}: {label('levels', decision.level, lang)}{percent} "
                       f"({decision.status}) — {decision.note}")  # fmt: skip


@clients_app.command("standing")
def clients_standing(
    client: str = typer.Argument(..., help="Id (#N), e-mail, phone, booking or helpdesk ref."),
    as_json: bool = typer.Option(False, "--json", help="For booking systems."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """May this client book online, what deposit or prepayment applies, and why."""
    from calmdesk.domain.labels import label
    from calmdesk.store import clients, policy
    from calmdesk.web.i18n import negotiate, translations

    with scope(org, as_user) as where, where.db.read() as session:
        found = clients.find_client(session, org_id=where.org_id, reference=client)
        standing = policy.client_standing(session, org_id=where.org_id, client_id=found.id)
        name, lang = found.display_name, where.language
    if as_json:
        echo_json({"client": name, **standing.to_dict()})
        return
    # The organisation's language, like the labels: the same catalogues as the web app.
    say = translations(negotiate(lang)).gettext
    answer = say("yes") if standing.may_book_online else say("no")
    typer.echo(f"{name} (#{standing.client_id}): {label('levels', standing.level, lang)}")
    typer.echo("  " + say("may book online: %(answer)s") % {"answer": answer})
    if standing.service_ended:
        typer.echo(
            "  " + say("service ended: calmdesk's records say the business no longer serves them")
        )
    if standing.deposit_percent is not None:
        typer.echo("  " + say("deposit: %(percent)s%%") % {"percent": standing.deposit_percent})
    if standing.prepayment_percent is not None:
        typer.echo(
            "  " + say("prepayment: %(percent)s%%") % {"percent": standing.prepayment_percent}
        )
    for reason in standing.why:
        typer.echo("  " + say("why: %(reason)s") % {"reason": reason})
    if standing.review_at is not None:
        typer.echo("  " + say("review by: %(date)s") % {"date": f"{standing.review_at:%Y-%m-%d}"})
    if standing.history:
        seen = ", ".join(f"{label('conduct', k, lang)} × {n}" for k, n in standing.history.items())
        typer.echo("  " + say("history: %(events)s") % {"events": seen})
    if standing.pending_recommendation:
        rec = standing.pending_recommendation
        level = label("levels", rec["level"], lang) + (
            f" {rec['percent']}%" if rec["percent"] else ""
        )
        text = say(
            "pending recommendation %(id)s: %(level)s (not in force until a supervisor approves it)"
        )
        typer.echo("  " + text % {"id": rec["id"], "level": level})


@clients_app.command("export")
def clients_export(
    client: str = typer.Argument(...),
    output: Path | None = typer.Option(None, "--output", "-o"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Everything calmdesk holds about a client, as JSON (a data access request)."""
    import json

    from calmdesk.store import audit, clients
    from calmdesk.store.privacy import export_client

    with scope(org, as_user) as where, where.db.write() as session:
        found = clients.find_client(session, org_id=where.org_id, reference=client)
        data = export_client(session, org_id=where.org_id, client_id=found.id)
        audit.record(session, org_id=where.org_id, actor=where.actor, action="client.export",
                     entity="client", entity_id=found.id)  # fmt: skip
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"client data written to {output}")


@clients_app.command("erase")
def clients_erase(
    client: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="E.g. the erasure request's reference."),
    incident_details: bool = typer.Option(
        False, "--incident-details", help="Also erase personal details inside their incidents."
    ),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Erase a client's personal data (incidents stay, pseudonymised; the chain still holds)."""
    from calmdesk.store import clients
    from calmdesk.store.privacy import erase_client

    if not yes:
        typer.confirm(f"Erase the personal data of client {client}? This cannot be undone",
                      abort=True)  # fmt: skip
    with scope(org, as_user) as where, where.db.write() as session:
        found = clients.find_client(session, org_id=where.org_id, reference=client)
        pseudonym = erase_client(
            session, org_id=where.org_id, client_id=found.id, reason=reason, actor=where.actor,
            erase_incident_details=incident_details,
        )  # fmt: skip
    typer.echo(f"client {found.id} erased; now known as {pseudonym}")


@conduct_app.command("import")
def conduct_import(
    file: Path = typer.Argument(..., help="CSV (header row) or JSONL file of conduct events."),
    create_clients: bool = typer.Option(
        False, "--create-clients", help="Create clients the file names but calmdesk lacks."
    ),
    source: str | None = typer.Option(None, "--source", help="Where the events come from."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Import conduct events; any bad line is reported and nothing is imported."""
    from calmdesk.domain.conduct import read_import_file
    from calmdesk.store.conduct import import_conduct

    rows, errors = read_import_file(file)
    with scope(org, as_user) as where, where.db.write() as session:
        result = import_conduct(
            session, org_id=where.org_id, rows=rows, errors=errors, actor=where.actor,
            create_clients=create_clients, source=source or file.name,
        )  # fmt: skip
    typer.echo(f"imported {result.imported} event(s); created {result.clients_created} client(s)")


@conduct_app.command("add")
def conduct_add(
    client: str = typer.Argument(...),
    kind: str = typer.Argument(..., help="no_show, late_cancellation, attended, …"),
    at: str | None = typer.Option(None, "--at", help="ISO date or time (default now)."),
    hours_notice: float | None = typer.Option(None, "--hours-notice"),
    amount: float | None = typer.Option(None, "--amount"),
    incident: int | None = typer.Option(None, "--incident", help="Linked incident (abuse)."),
    note: str | None = typer.Option(None, "--note"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Record one conduct event."""
    from calmdesk.domain.clock import parse_moment, utcnow
    from calmdesk.store import clients, conduct

    try:
        moment: datetime = parse_moment(at) if at else utcnow()
    except ValueError:
        raise InvalidInput(f"--at: {at!r} is not an ISO date or time") from None
    with scope(org, as_user) as where, where.db.write() as session:
        found = clients.find_client(session, org_id=where.org_id, reference=client)
        event = conduct.add_conduct_event(
            session, org_id=where.org_id, client_id=found.id, kind=kind, occurred_at=moment,
            hours_notice=hours_notice, amount=amount, incident_id=incident, note=note,
            actor=where.actor,
        )  # fmt: skip
        typer.echo(f"conduct event {event.id} recorded for client {found.id}")


@conduct_app.command("list")
def conduct_list(
    client: str = typer.Argument(...),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """A client's conduct events, newest first."""
    from calmdesk.store import clients, conduct

    with scope(org, as_user) as where, where.db.read() as session:
        found = clients.find_client(session, org_id=where.org_id, reference=client)
        events = conduct.list_conduct(session, org_id=where.org_id, client_id=found.id)
        rows = [[e.id, f"{e.occurred_at:%Y-%m-%d %H:%M}", e.kind, e.hours_notice, e.amount,
                 e.incident_id, e.note] for e in events]  # fmt: skip
    table(["id", "when (UTC)", "kind", "notice h", "amount", "incident", "note"], rows)
