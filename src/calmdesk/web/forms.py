"""Small helpers shared by the page modules: typed dependencies, redirects, form values."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from calmdesk.store.database import Database
from calmdesk.web.viewer import Viewer, current_viewer

ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def database_of(request: Request) -> Database:
    """The records the app was created with."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(database_of)]


def redirect(path: str, **query: str | int) -> RedirectResponse:
    """A 303 redirect after a form (so reloading does not post it again)."""
    target = path + ("?" + urlencode(query) if query else "")
    return RedirectResponse(target, status_code=303)


def safe_next(path: str | None) -> str:
    """Only local paths as a return address (no open redirects)."""
    if not path or not path.startswith("/") or path.startswith("//"):
        return "/"
    return path


def optional(value: str | None) -> str | None:
    """A form field's text, or None when it was left empty."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def lines(value: str | None) -> list[str]:
    """One entry per non-empty line of a text area."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
