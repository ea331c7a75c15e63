"""RFC 9457 problem details: every error the API returns, shaped in this one place.

calmdesk's own errors map to HTTP statuses here and nowhere else; routes just raise them.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from calmdesk.errors import (
    CalmdeskError,
    Conflict,
    Forbidden,
    IntegrityError,
    InvalidInput,
    NotFound,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("calmdesk.api")

STATUS_OF_ERROR: dict[type[CalmdeskError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    IntegrityError: 409,
}


class ApiProblem(Exception):
    """An HTTP-only failure (unauthenticated, too large, too many requests, ...)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def problem(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """A problem+json response; ``title`` is the standard phrase of ``status``."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def status_of(error: CalmdeskError) -> int:
    """The HTTP status of one of calmdesk's errors (the most specific class wins)."""
    for cls in type(error).__mro__:
        if cls in STATUS_OF_ERROR:
            return STATUS_OF_ERROR[cls]
    return 400


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def describe_validation(errors: list[Any]) -> tuple[str, list[dict[str, str]]]:
    """A one-line message naming each bad field, and the same as a list of {field, message}."""
    fields: list[dict[str, str]] = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "json_invalid":
            position = loc[1] if len(loc) > 1 else "?"
            fields.append({"field": "body", "message": f"malformed JSON near character {position}"})
            continue
        fields.append({"field": _field_path(loc) or "body", "message": str(err.get("msg", ""))})
    detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "invalid request"
    return detail, fields


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into problem+json."""

    async def calmdesk_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CalmdeskError)
        return problem(status_of(exc), str(exc), instance=request.url.path)

    async def api_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiProblem)
        return problem(exc.status, exc.detail, instance=request.url.path, headers=exc.headers)

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        detail, fields = describe_validation(list(exc.errors()))
        return problem(422, detail, instance=request.url.path, extra={"errors": fields})

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No such route: {request.method} {request.url.path}"
        return problem(
            exc.status_code, detail, instance=request.url.path, headers=dict(exc.headers or {})
        )

    async def not_implemented(request: Request, exc: Exception) -> JSONResponse:
        return problem(
            501, "This part of calmdesk is not available yet.", instance=request.url.path
        )

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to the log; the client gets no internals.
        log.error(
            "unhandled error",
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"method": request.method, "path": request.url.path},
        )
        return problem(500, "Internal error; it has been logged.", instance=request.url.path)

    app.add_exception_handler(CalmdeskError, calmdesk_error)
    app.add_exception_handler(ApiProblem, api_problem)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(NotImplementedError, not_implemented)
    app.add_exception_handler(Exception, unexpected)
