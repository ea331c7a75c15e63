"""Command groups over calmdesk's records: db, orgs, users, demo, incidents, clients, conduct,
policy and retention. Shared plumbing lives here: opening the database, choosing the
organisation and the person acting, printing.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from calmdesk.domain.people import Actor
from calmdesk.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    # SQLAlchemy loads only when a records command runs, not for every calmdesk command.
    from sqlalchemy.orm import Session

    from calmdesk.store.database import Database


def register(app: typer.Typer) -> None:
    """Add the records command groups to the calmdesk app."""
    from calmdesk.cli import records_admin, records_clients, records_incidents, records_policy

    for module in (records_admin, records_clients, records_incidents, records_policy):
        module.register(app)


ORG_OPTION = typer.Option(None, "--org", help="Organisation (slug); needed when there are several.")
AS_OPTION = typer.Option(None, "--as", help="Act as this user (their role applies).")


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a command works and who it acts as."""

    db: Database
    org_id: int
    language: str
    actor: Actor


def open_db() -> Database:
    """The configured database (the embedded one is created/upgraded on first use)."""
    from calmdesk.settings import get_settings
    from calmdesk.store.database import open_database

    return open_database(get_settings())


@contextmanager
def scope(org: str | None = None, user: str | None = None) -> Iterator[Scope]:
    """Open the database, pick the organisation and the acting person."""
    from calmdesk.settings import get_settings
    from calmdesk.store import organisations

    settings = get_settings()
    db = open_db()
    try:
        with db.read() as session:
            slug = org or settings.org
            if slug:
                chosen = organisations.find_organisation(session, slug)
            else:
                every = organisations.list_organisations(session)
                if not every:
                    raise NotFound(
                        "no organisation yet: run `calmdesk demo` or `calmdesk orgs add SLUG`"
                    )
                if len(every) > 1:
                    names = ", ".join(o.slug for o in every)
                    raise InvalidInput(f"several organisations ({names}): choose one with --org")
                chosen = every[0]
            actor = _actor(session, chosen.id, user or settings.user)
            where = Scope(db=db, org_id=chosen.id, language=chosen.language, actor=actor)
        yield where
    finally:
        db.dispose()


def _actor(session: Session, org_id: int, username: str | None) -> Actor:
    from calmdesk.store import organisations

    if not username:
        # Whoever can open the database file administers it; say who they were.
        return Actor(name=f"{getpass.getuser()} (command line)", role="admin")
    person = organisations.find_user(session, org_id=org_id, username=username)
    if not person.active:
        raise InvalidInput(f"user {username!r} is deactivated")
    return Actor(name=person.display_name or person.username, user_id=person.id, role=person.role)


def echo_json(value: Any) -> None:
    """Print a JSON document (UTF-8 letters kept)."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def table(columns: list[str], rows: list[list[Any]]) -> None:
    """Print a table for people."""
    from rich.console import Console
    from rich.table import Table

    out = Table(show_edge=False, header_style="bold")
    for column in columns:
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(*("—" if cell is None else str(cell) for cell in row))
    Console(width=160).print(out)
