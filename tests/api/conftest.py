"""Fixtures for the API: a real temporary SQLite database, two organisations, people and tokens."""

from __future__ import annotations

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


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    database = Database(f"sqlite:///{tmp_path / 'calmdesk.db'}")
    database.upgrade()
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
