"""Alembic, configured in code: the migrations ship inside the package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from calmdesk.store.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    """Alembic's configuration for ``db`` (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    config.attributes["database"] = db
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Run the migrations up to ``revision``."""
    command.upgrade(alembic_config(db), revision)


def head_revision() -> str:
    """The newest migration shipped with this calmdesk."""
    head = ScriptDirectory.from_config(_script_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with db.write_engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _script_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
