"""Real databases for store tests: a SQLite file, and PostgreSQL when a server is reachable.

PostgreSQL comes from ``CALMDESK_TEST_POSTGRES_URL`` (default
postgresql://postgres@127.0.0.1:5432/test). A fresh database is created for the test session
and dropped after it; each test starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from calmdesk.domain.people import Actor
from calmdesk.store import organisations
from calmdesk.store.database import Database, normalise_url
from calmdesk.store.models import Base

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_admin_url() -> str:
    return normalise_url(os.environ.get("CALMDESK_TEST_POSTGRES_URL", DEFAULT_POSTGRES))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database at head, dropped after the session (or a skip)."""
    import psycopg

    admin = make_url(_postgres_admin_url())
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"calmdesk_test_{uuid.uuid4().hex[:10]}"
    try:
        connection = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(
            f"PostgreSQL not reachable at {admin.render_as_string()} ({exc}); "
            "set CALMDESK_TEST_POSTGRES_URL to test on PostgreSQL"
        )
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    db.upgrade()
    db.dispose()
    yield url
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "calmdesk.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()  # closing the last connection folds the WAL into the file
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "calmdesk.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with database.write() as session:
            session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    database.dispose()


@pytest.fixture
def admin() -> Actor:
    """An administrator acting through calmdesk itself."""
    return Actor(name="Administrator", role="admin")


@pytest.fixture
def org_id(db: Database, admin: Actor) -> int:
    """A Polish-speaking organisation in the test database."""
    with db.write() as session:
        return organisations.create_organisation(
            session, slug="salon", name="Salon Urody Ewa", language="pl", actor=admin
        ).id
