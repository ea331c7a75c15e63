"""Opening the records for the server (the store does the work; this only picks the URL)."""

from __future__ import annotations

from calmdesk.settings import Settings
from calmdesk.store.database import Database


def open_database(settings: Settings, *, upgrade: bool = False) -> Database:
    """The database named by ``settings``; ``upgrade`` brings its schema up to date first."""
    database = Database(settings.resolved_database_url)
    if upgrade:
        database.upgrade()
    return database
