"""Fixtures for the API: a real temporary SQLite database, two organisations, people and tokens."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from calmdesk.api.app import create_app
from calmdesk.domain.auth import hash_password, new_api_token
from calmdesk.domain.people import Actor
from calmdesk.settings import Settings
from calmdesk.store import organisations, tokens
from calmdesk.store.database import Database

PASSWORD = "correct horse battery staple"


@dataclass
class Person:
    org_id: int
    user_id: int
    username: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    database: Database
    settings: Settings
    people: dict[
        str, Person
    ]  # "acme.agent", "acme.agent2", "acme.supervisor", "acme.admin", "other.*"
    orgs: dict[str, int]


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "secret_key": "test-secret-key-" + "x" * 32,
        "cookie_secure": False,
        "api_rate_limit_per_minute": 100_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def populate(database: Database) -> tuple[dict[str, int], dict[str, Person]]:
    system = Actor.system("tests")
    orgs: dict[str, int] = {}
    people: dict[str, Person] = {}
    password_hash = hash_password(PASSWORD)
    with database.write() as session:
        for slug in ("acme", "other"):
            org = organisations.create_organisation(
                session, slug=slug, name=slug.title(), actor=system
            )
            orgs[slug] = org.id
            roles = [("agent", "agent"), ("agent2", "agent"), ("supervisor", "supervisor")]
            for username, role in [*roles, ("admin", "admin")]:
                user = organisations.create_user(
                    session, org_id=org.id, username=username, role=role,
                    password_hash=password_hash, actor=system,
                )  # fmt: skip
                new = new_api_token()
                tokens.create_token(
                    session, org_id=org.id, user_id=user.id, token_hash=new.hash,
                    prefix=new.prefix, scopes=["*"], actor=system,
                )  # fmt: skip
                people[f"{slug}.{username}"] = Person(org.id, user.id, username, new.secret)
    return orgs, people


@pytest.fixture(scope="session")
def api_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the API tests (skipped when no server is reachable).

    From ``CALMDESK_TEST_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test),
    like the store's tests; dropped after the session.
    """
    import psycopg

    base = os.environ.get("CALMDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        connection = psycopg.connect(base, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable ({exc}); set CALMDESK_TEST_POSTGRES_URL")
    name = f"calmdesk_api_test_{uuid.uuid4().hex[:10]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + f"/{name}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    yield url
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_database(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    if kind == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'calmdesk.db'}")
        database.upgrade()
        return database
    database = Database(request.getfixturevalue("api_postgres_url"))
    # Each test starts from empty tables.
    database_reset(database)
    return database


def database_reset(database: Database) -> None:
    from sqlalchemy import text

    from calmdesk.store.models import Base

    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.write() as session:
        session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """Two organisations with people and tokens, on SQLite and then on PostgreSQL.

    Modules about the HTTP edge only (limits, errors, sessions) override ``world`` with
    ``sqlite_world``: the database makes no difference there.
    """
    database = _fresh_database(request.param, tmp_path, request)
    orgs, people = populate(database)
    yield World(database, make_settings(tmp_path), people, orgs)
    database.dispose()


@pytest.fixture
def sqlite_world(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    """The same world on SQLite only."""
    database = _fresh_database("sqlite", tmp_path, request)
    orgs, people = populate(database)
    yield World(database, make_settings(tmp_path), people, orgs)
    database.dispose()


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    app = create_app(world.settings, database=world.database)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def assist_contract() -> Any:
    """A validator of the assist response contract.

    The shared ``contract["assist"]`` cannot resolve its ``$ref`` to the analysis schema (the
    reference is relative to the schema's ``$id``); this one registers it under that URI too.
    """
    import json

    import jsonschema
    from referencing import Registry, Resource

    folder = Path(__file__).parents[1] / "contracts"
    analysis = json.loads((folder / "analysis.v1.schema.json").read_text())
    assist = json.loads((folder / "assist.v1.schema.json").read_text())
    resource = Resource.from_contents(analysis)
    registry = Registry().with_resources(
        [("analysis.v1.schema.json", resource), ("calmdesk/analysis.v1.schema.json", resource)]
    )
    return jsonschema.Draft202012Validator(assist, registry=registry)
