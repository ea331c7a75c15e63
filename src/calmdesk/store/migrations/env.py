"""Alembic environment: uses the Database handed over by calmdesk.store.migrate."""

from __future__ import annotations

from alembic import context

from calmdesk.store.database import Database
from calmdesk.store.models import Base

config = context.config
db = config.attributes.get("database") or Database(config.get_main_option("sqlalchemy.url") or "")

with db.write_engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=db.is_sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
