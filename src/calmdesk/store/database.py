"""The ``Database``: engines and sessions for one URL, built on demand (no import-time globals).

SQLite (the default, a file in calmdesk's data directory) runs with WAL, foreign keys on and a
busy timeout; writes are serialised by a process-wide lock per file and ``BEGIN IMMEDIATE``, so
a write never fails half-way on "database is locked". Reads use their own engine and run
concurrently. PostgreSQL URLs are used as given (``postgresql://`` means psycopg 3).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from calmdesk.errors import Conflict

if TYPE_CHECKING:
    from calmdesk.settings import Settings

_BUSY_TIMEOUT_MS = 30_000
_write_locks: dict[str, threading.RLock] = {}
_locks_guard = threading.Lock()


def normalise_url(url: str) -> str:
    """Pick calmdesk's drivers: psycopg 3 for PostgreSQL, the standard module for SQLite."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _write_lock(key: str) -> threading.RLock:
    with _locks_guard:
        return _write_locks.setdefault(key, threading.RLock())


class Database:
    """calmdesk's records at one database URL."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._lock = _write_lock(self.url) if self.is_sqlite else None
        if self.is_sqlite:
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                self.read_engine = self._sqlite_engine(immediate=False, echo=echo)
                self.write_engine = self._sqlite_engine(immediate=True, echo=echo)
            else:
                # An in-memory database exists once per connection: share one connection.
                self.read_engine = self._sqlite_engine(immediate=True, echo=echo, memory=True)
                self.write_engine = self.read_engine
        else:
            self.read_engine = create_engine(self.url, echo=echo, pool_pre_ping=True)
            self.write_engine = self.read_engine
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)

    def _sqlite_engine(self, *, immediate: bool, echo: bool, memory: bool = False) -> Engine:
        options: dict[str, Any] = {"poolclass": StaticPool} if memory else {}
        engine = create_engine(
            self.url, echo=echo, connect_args={"check_same_thread": False}, **options
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event emit BEGIN itself (the driver's own is deferred).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql(begin)

        return engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; closing it ends its transaction without committing.

        Objects loaded in it stay readable after the block (they are not expired).
        """
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error."""
        if self._lock is not None:
            with self._lock, self._writer() as session, session.begin():
                yield session
        else:
            with self._writer() as session, session.begin():
                yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (creates an empty database's tables)."""
        from calmdesk.store.migrate import upgrade

        if self._lock is not None:
            with self._lock:
                upgrade(self)
        else:
            upgrade(self)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def open_database(settings: Settings) -> Database:
    """The database the settings name. The embedded SQLite file is created and brought up
    to date on first use; a configured database is upgraded only by ``db upgrade``, and one
    that is not at this calmdesk's migration is refused with a message saying so.
    """
    from calmdesk.store.migrate import current_revision, head_revision

    db = Database(settings.resolved_database_url)
    current, head = current_revision(db), head_revision()
    if current == head:
        return db
    if not settings.database_url:
        db.upgrade()
        return db
    where = make_url(db.url).render_as_string(hide_password=True)
    db.dispose()
    if current is None:
        raise Conflict(f"the database at {where} has no calmdesk tables: run `calmdesk db upgrade`")
    raise Conflict(
        f"the database at {where} is at migration {current}, this calmdesk needs {head}: "
        "run `calmdesk db upgrade`"
    )
