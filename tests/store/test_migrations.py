"""Migrations: an empty database reaches head, and head matches the models exactly."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from calmdesk.store.database import Database
from calmdesk.store.migrate import current_revision, head_revision
from calmdesk.store.models import Base


def test_empty_sqlite_database_upgrades_to_head(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new' / 'calmdesk.db'}")
    assert current_revision(db) is None
    db.upgrade()
    assert current_revision(db) == head_revision()
    db.upgrade()  # a second run is a no-op
    with db.write_engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= set(Base.metadata.tables)
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_postgres_database_at_head_matches_the_models(postgres_url: str) -> None:
    db = Database(postgres_url)
    assert current_revision(db) == head_revision()
    with db.write_engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    db.dispose()
    assert diff == []


def test_in_memory_sqlite_shares_one_database_between_reads_and_writes() -> None:
    from calmdesk.domain.people import Actor
    from calmdesk.store import organisations

    db = Database("sqlite://")
    db.upgrade()
    with db.write() as session:
        organisations.create_organisation(session, slug="a", name="A", actor=Actor.system())
    with db.read() as session:
        assert [o.slug for o in organisations.list_organisations(session)] == ["a"]
    db.dispose()
