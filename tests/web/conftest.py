"""A small organisation on a real temporary SQLite database, and a signed-in web client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from calmdesk.api.app import create_app
from calmdesk.domain.auth import hash_password
from calmdesk.domain.clock import utcnow
from calmdesk.domain.incidents import IncidentFields, Quote
from calmdesk.domain.people import Actor
from calmdesk.settings import Settings
from calmdesk.store import clients, conduct, conversations, incidents, organisations, policy
from calmdesk.store.database import Database

PASSWORD = "quiet morning at the desk"
ORG = "salon-web"


@dataclass
class Shop:
    """The fixture organisation: who works there and what is on record."""

    database: Database
    settings: Settings
    users: dict[str, int]
    client_id: int
    incident_id: int
    conversation_id: int
    recommendation_id: int


def make_settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'web.db'}",
        secret_key="web-tests-secret-" + "k" * 32,
        cookie_secure=False,
        api_rate_limit_per_minute=100_000,
    )


def populate(database: Database, settings: Settings) -> Shop:
    """Three people, a client with no-shows and a pending recommendation, an incident, a chat."""
    system = Actor.system("web-tests")
    users: dict[str, int] = {}
    now = utcnow()
    with database.write() as session:
        org = organisations.create_organisation(
            session, slug=ORG, name="Salon Web", language="pl", actor=system
        )
        for username, role, language in (
            ("anna", "agent", "pl"), ("maija", "supervisor", "fi"), ("admin", "admin", "en"),
        ):  # fmt: skip
            user = organisations.create_user(
                session, org_id=org.id, username=username, role=role, language=language,
                password_hash=hash_password(PASSWORD), display_name=username.title(),
                actor=system,
            )  # fmt: skip
            users[username] = user.id
        agent = Actor(name="anna", user_id=users["anna"], role="agent")
        client = clients.create_client(
            session, org_id=org.id, display_name="Jan Kowalski", email="jan@example.test",
            actor=system,
        )  # fmt: skip
        for days in (10, 20, 30):
            conduct.add_conduct_event(
                session, org_id=org.id, client_id=client.id, kind="no_show",
                occurred_at=now - timedelta(days=days), actor=system,
            )  # fmt: skip
        incident = incidents.create_incident(
            session, org_id=org.id, actor=agent,
            fields=IncidentFields(
                occurred_at=now - timedelta(days=2), type="verbal_abuse", severity="high",
                description="The client insulted the receptionist on the phone.",
                channel="phone", quotes=[Quote(text="ty idiotko")], client_id=client.id,
                employees=["anna"],
            ),
        )  # fmt: skip
        chat = conversations.create_conversation(
            session, org_id=org.id, channel="chat", actor=system, subject="Reklamacja",
            external_source="chatwoot", external_id="c-1", assigned_user_id=users["anna"],
            client_id=client.id,
        )  # fmt: skip
        conversations.add_message(
            session, org_id=org.id, conversation_id=chat.id, role="client", actor=system,
            text="Od tygodnia czekam na zwrot pieniędzy.",
            analysis={"severity": "low"},
        )  # fmt: skip
        policy.refresh_recommendations(session, org_id=org.id, actor=system)
        recommendation = policy.list_recommendations(session, org_id=org.id)[0]
        return Shop(
            database=database, settings=settings, users=users, client_id=client.id,
            incident_id=incident.id, conversation_id=chat.id,
            recommendation_id=recommendation.id,
        )  # fmt: skip


def build_app(shop: Shop) -> FastAPI:
    """The server as ``calmdesk serve`` builds it (``create_app`` mounts the web pages)."""
    return create_app(shop.settings, database=shop.database)


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Shop]:
    """The populated database, built once; each test gets its own copy of the file."""
    folder = tmp_path_factory.mktemp("web-template")
    settings = make_settings(folder)
    database = Database(settings.resolved_database_url)
    database.upgrade()
    shop = populate(database, settings)
    database.dispose()  # the last connection closing folds the WAL into the file
    return folder / "web.db", shop


@pytest.fixture()
def shop(_template: tuple[Path, Shop], tmp_path: Path) -> Iterator[Shop]:
    source, built = _template
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", tmp_path / f"web.db{suffix}")
    settings = make_settings(tmp_path)
    database = Database(settings.resolved_database_url)
    try:
        yield replace(built, database=database, settings=settings)
    finally:
        database.dispose()


def sign_in(client: TestClient, username: str) -> None:
    answer = client.post(
        "/login",
        data={"organisation": ORG, "username": username, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@pytest.fixture()
def web(shop: Shop) -> Iterator[TestClient]:
    with TestClient(build_app(shop)) as client:
        yield client
