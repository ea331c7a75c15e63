"""The FastAPI application factory: ``create_app(settings)``; nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from calmdesk import __version__
from calmdesk.api import problems
from calmdesk.api.limits import BodyLimit, RateLimiter
from calmdesk.api.logs import AccessLog
from calmdesk.settings import Settings
from calmdesk.store.database import Database

API_PREFIX = "/api/v1"

DESCRIPTION = """\
calmdesk reads difficult client messages, guides the reply and keeps the records that protect
the people who answer. Authenticate with `Authorization: Bearer <token>` (API tokens) or a
session cookie from `POST /api/v1/session` (people). Errors are RFC 9457 problem+json.
"""


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the calmdesk server for ``settings``.

    ``database`` is an already opened store handle (tests share one); by default the app opens
    the database named by the settings when it starts and closes it when it stops.
    """
    from calmdesk.api.database import open_database
    from calmdesk.api.identity import TimedCache
    from calmdesk.api.notifications import run_outbox_worker
    from calmdesk.api.sessions import SessionCodec, secret_key

    owns_database = database is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import asyncio

        from starlette.concurrency import run_in_threadpool

        from calmdesk.api import engine
        from calmdesk.api.advice import Turn, advise

        # Load the engine's models and the playbook's content now, so the first requests do
        # not pay for it (reading the playbook's YAML takes about half a second).
        await run_in_threadpool(engine.analyze, "calmdesk is starting")
        await run_in_threadpool(advise, [Turn("client", "calmdesk is starting")], settings=settings)
        stop = asyncio.Event()
        worker = asyncio.create_task(run_outbox_worker(app, stop))
        try:
            yield
        finally:
            stop.set()
            await worker
            if owns_database:
                app.state.database.dispose()

    app = FastAPI(
        title="calmdesk",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database if database is not None else open_database(settings)
    app.state.limiter = RateLimiter(settings.api_rate_limit_per_minute)
    app.state.token_cache = TimedCache()
    app.state.integration_cache = TimedCache()
    app.state.sessions = SessionCodec(secret_key(settings))

    problems.install(app)
    _include_routers(app)
    from calmdesk.web import install as install_web

    install_web(app, settings)  # the web pages under / (calmdesk.web)
    # Outermost first: the access log sees every answer, including a refused oversized body.
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(AccessLog)
    return app


def _include_routers(app: FastAPI) -> None:
    from calmdesk.api.routes import (
        analyze,
        assist,
        clients,
        conversations,
        health,
        incidents,
        integrations,
        policy,
        session,
        users,
        webhooks,
    )

    # Included one by one (not nested): each level of routers costs time on every request.
    modules = (
        analyze, assist, session, users, conversations, incidents, clients, policy,
        integrations, webhooks,
    )  # fmt: skip
    for module in modules:
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(health.router)
