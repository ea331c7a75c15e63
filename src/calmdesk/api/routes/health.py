"""Liveness (/healthz) and readiness (/readyz: the database answers)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from calmdesk import __version__

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    """Always ok while the server answers."""
    return {"status": "ok", "version": __version__}


@router.get("/readyz", summary="Ready to serve: the database answers", response_model=None)
def readyz(request: Request) -> JSONResponse | dict[str, str]:
    """503 problem while the database cannot be reached."""
    from calmdesk.api.problems import problem
    from calmdesk.store.api_support import ping

    try:
        ping(request.app.state.database)
    except Exception:
        return problem(503, "The database is not reachable.", instance=request.url.path)
    return {"status": "ready"}
