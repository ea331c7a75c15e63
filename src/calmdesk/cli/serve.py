"""``calmdesk serve`` (the REST API and webhooks) and ``calmdesk notify run``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``notify`` group to the calmdesk app."""
    app.command("serve")(serve)
    notify = typer.Typer(help="Outgoing notifications (Slack-compatible webhooks, e-mail).")
    notify.command("run")(notify_run)
    app.add_typer(notify, name="notify")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
    grace: int = typer.Option(30, help="Seconds to finish in-flight requests on shutdown."),
) -> None:
    """Run the REST API and webhooks (SQLite by default; CALMDESK_DATABASE_URL for PostgreSQL)."""
    import uvicorn

    # uvicorn's own access log prints query strings, which may hold webhook secrets; calmdesk
    # writes its own structured access log instead.
    uvicorn.run(
        "calmdesk.api.server:build",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=None,
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
    database = open_database(settings)
    try:
        if once:
            sent, failed = deliver_due(database, settings)
            typer.echo(f"sent {sent}, failed {failed}")
        else:
            run_forever(database, settings)
    finally:
        database.dispose()
