"""``calmdesk db``, ``orgs``, ``users`` and ``demo``: set up and look after the records."""

from __future__ import annotations

import secrets

import typer

from calmdesk.cli.records import AS_OPTION, ORG_OPTION, echo_json, open_db, scope, table
from calmdesk.domain.people import Actor

db_app = typer.Typer(help="The database: create or upgrade its tables.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations (each keeps its own records).", no_args_is_help=True)
users_app = typer.Typer(help="People who use calmdesk and their roles.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``db``, ``orgs``, ``users`` and ``demo``."""
    app.add_typer(db_app, name="db")
    app.add_typer(orgs_app, name="orgs")
    app.add_typer(users_app, name="users")
    app.command("demo")(demo_command)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the tables, or bring them to this calmdesk's version (safe to repeat)."""
    from calmdesk.settings import get_settings
    from calmdesk.store.database import Database
    from calmdesk.store.migrate import current_revision, head_revision

    db = Database(get_settings().resolved_database_url)
    try:
        before = current_revision(db)
        db.upgrade()
        typer.echo(f"database at {head_revision()} (was {before or 'empty'}): {_where(db.url)}")
    finally:
        db.dispose()


@db_app.command("status")
def db_status() -> None:
    """Where the database is and which migration it is at."""
    from calmdesk.settings import get_settings
    from calmdesk.store.database import Database
    from calmdesk.store.migrate import current_revision, head_revision

    db = Database(get_settings().resolved_database_url)
    try:
        current, head = current_revision(db), head_revision()
        state = "up to date" if current == head else "needs `calmdesk db upgrade`"
        typer.echo(f"{_where(db.url)}\nmigration {current or 'none'} of {head}: {state}")
    finally:
        db.dispose()


def _where(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@orgs_app.command("add")
def orgs_add(
    slug: str = typer.Argument(..., help="Short name used in commands, e.g. salon-ewa."),
    name: str = typer.Option(..., "--name", help="The organisation's full name."),
    language: str = typer.Option("pl", "--language", help="Language of its records: pl, fi, en."),
) -> None:
    """Create an organisation."""
    from calmdesk.store import organisations

    db = open_db()
    try:
        with db.write() as session:
            org = organisations.create_organisation(
                session, slug=slug, name=name, language=language, actor=_local_admin()
            )
            typer.echo(f"organisation {org.slug} created (id {org.id})")
    finally:
        db.dispose()


@orgs_app.command("list")
def orgs_list() -> None:
    """List the organisations."""
    from calmdesk.store import organisations

    db = open_db()
    try:
        with db.read() as session:
            rows = [
                [o.id, o.slug, o.name, o.language]
                for o in organisations.list_organisations(session)
            ]
        table(["id", "slug", "name", "language"], rows)
    finally:
        db.dispose()


def _local_admin() -> Actor:
    import getpass

    return Actor(name=f"{getpass.getuser()} (command line)", role="admin")


@users_app.command("add")
def users_add(
    username: str = typer.Argument(...),
    role: str = typer.Option("agent", "--role", help="agent, supervisor or admin."),
    display_name: str | None = typer.Option(None, "--name", help="Name shown in records."),
    email: str | None = typer.Option(None, "--email"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Add a user; a one-time password is printed once (it must be changed at first sign-in)."""
    from calmdesk.domain.auth import hash_password
    from calmdesk.domain.people import require_role
    from calmdesk.store import organisations

    password = secrets.token_urlsafe(12)
    with scope(org, as_user) as where:
        require_role(where.actor, "admin", "adding users")
        with where.db.write() as session:
            organisations.create_user(
                session, org_id=where.org_id, username=username, role=role,
                display_name=display_name, email=email, password_hash=hash_password(password),
                must_change_password=True, actor=where.actor,
            )  # fmt: skip
    typer.echo(f"user {username} ({role}) added; one-time password: {password}")


@users_app.command("list")
def users_list(org: str | None = ORG_OPTION, as_user: str | None = AS_OPTION) -> None:
    """List the organisation's users."""
    from calmdesk.store import organisations

    with scope(org, as_user) as where, where.db.read() as session:
        users = organisations.list_users(session, org_id=where.org_id)
        rows = [
            [u.id, u.username, u.display_name, u.role, "yes" if u.active else "no"] for u in users
        ]
    table(["id", "username", "name", "role", "active"], rows)


@users_app.command("deactivate")
def users_deactivate(
    username: str = typer.Argument(...),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Stop a user from signing in (their records stay)."""
    from calmdesk.domain.people import require_role
    from calmdesk.store import organisations

    with scope(org, as_user) as where:
        require_role(where.actor, "admin", "deactivating users")
        with where.db.write() as session:
            user = organisations.find_user(session, org_id=where.org_id, username=username)
            organisations.update_user(
                session, org_id=where.org_id, user_id=user.id, active=False, actor=where.actor
            )
    typer.echo(f"user {username} deactivated")


def demo_command(
    reset: bool = typer.Option(False, "--reset", help="Delete and recreate the demo organisation."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Create a demo organisation in Polish (Studio Urody Magnolia) on the local database."""
    from calmdesk.store.demo import create_demo

    db = open_db()
    try:
        with db.write() as session:
            result = create_demo(session, reset=reset)
    finally:
        db.dispose()
    if as_json:
        echo_json(
            {
                "org": result.slug,
                "username": result.admin_username,
                "one_time_password": result.admin_password,
                "pending_recommendations": result.pending_recommendations,
            }
        )
        return
    typer.echo(
        f"Demo organisation '{result.slug}' (Studio Urody Magnolia) created.\n"
        f"Sign in as {result.admin_username} with the one-time password: {result.admin_password}\n"
        "(shown only now; you will be asked to change it)\n\n"
        f"{result.pending_recommendations} recommendation(s) wait for a supervisor. Try:\n"
        "  calmdesk clients list\n"
        "  calmdesk clients standing pawel.zielinski@example.com\n"
        "  calmdesk policy recommendations\n"
        "  calmdesk incidents list\n"
        "  calmdesk incidents export 1 --format pdf --output raport.pdf\n"
        "  calmdesk incidents verify"
    )
