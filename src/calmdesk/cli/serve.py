"""``calmdesk serve`` (the REST API and webhooks), ``calmdesk notify run`` and
``calmdesk users create-admin`` (the first admin; there is never a default password)."""

from __future__ import annotations

import sys

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve``, the ``notify`` group and ``users create-admin`` to the calmdesk app."""
    app.command("serve")(serve)
    notify = typer.Typer(help="Outgoing notifications (Slack-compatible webhooks, e-mail).")
    notify.command("run")(notify_run)
    app.add_typer(notify, name="notify")
    # Another area may own a ``users`` group already: join it rather than shadow it.
    users = next(
        (g.typer_instance for g in app.registered_groups if g.name == "users" and g.typer_instance),
        None,
    )
    if users is None:
        users = typer.Typer(help="People who use calmdesk.")
        app.add_typer(users, name="users")
    users.command("create-admin")(create_admin)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
    grace: int = typer.Option(30, help="Seconds to finish in-flight requests on shutdown."),
    log_level: str = typer.Option("info", help="debug, info, warning or error."),
) -> None:
    """Run the REST API and webhooks (SQLite by default; CALMDESK_DATABASE_URL for PostgreSQL)."""
    import uvicorn

    from calmdesk.api.database import open_database
    from calmdesk.settings import get_settings

    # Migrate once here, before the workers start, so they never race to create tables.
    open_database(get_settings(), upgrade=True).dispose()
    # uvicorn's own access log prints query strings, which may hold webhook secrets; calmdesk
    # writes its own structured access log instead.
    uvicorn.run(
        "calmdesk.api.server:build",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level=log_level,
        timeout_graceful_shutdown=grace,
        server_header=False,
    )


def notify_run(
    once: bool = typer.Option(False, "--once", help="Send what is due now, then exit."),
) -> None:
    """Send queued notifications from the outbox, retrying failures with backoff."""
    from calmdesk.api.database import open_database
    from calmdesk.api.notifications import deliver_due, run_forever
    from calmdesk.settings import get_settings

    settings = get_settings()
    database = open_database(settings, upgrade=True)
    try:
        if once:
            sent, failed = deliver_due(database, settings)
            typer.echo(f"sent {sent}, failed {failed}")
        else:
            run_forever(database, settings)
    finally:
        database.dispose()


def create_admin(
    org: str = typer.Option(..., "--org", help="Organisation slug (created if it is new)."),
    username: str = typer.Option(..., "--username", help="The admin's username."),
    org_name: str = typer.Option("", "--org-name", help="Display name of a new organisation."),
    language: str = typer.Option("pl", "--language", help="Language of a new organisation."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    with_token: bool = typer.Option(
        False, "--with-token", help="Also make an API token for this admin (shown once)."
    ),
) -> None:
    """Create an admin: there is no default account and no default password."""
    from calmdesk.api.database import open_database
    from calmdesk.domain.auth import check_password_strength, hash_password, new_api_token
    from calmdesk.domain.people import Actor
    from calmdesk.errors import NotFound
    from calmdesk.settings import get_settings
    from calmdesk.store import organisations, tokens

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    check_password_strength(password)
    actor = Actor.system("calmdesk users create-admin")
    database = open_database(get_settings(), upgrade=True)
    try:
        with database.write() as session:
            try:
                organisation = organisations.find_organisation(session, org)
            except NotFound:
                organisation = organisations.create_organisation(
                    session, slug=org, name=org_name or org, language=language, actor=actor
                )
            user = organisations.create_user(
                session, org_id=organisation.id, username=username, role="admin",
                password_hash=hash_password(password), actor=actor,
            )  # fmt: skip
            secret = None
            if with_token:
                new = new_api_token()
                tokens.create_token(
                    session, org_id=organisation.id, user_id=user.id, token_hash=new.hash,
                    prefix=new.prefix, scopes=["*"], name="created with the first admin",
                    actor=actor,
                )  # fmt: skip
                secret = new.secret
    finally:
        database.dispose()
    typer.echo(f"admin {username!r} created in organisation {org!r}")
    if secret:
        typer.echo(f"API token (shown once, keep it safe): {secret}")
