"""Who is looking at a page: the server's session (or token) caller, with their language.

Pages use the API's own authentication; a visitor without a valid session is sent to the
sign-in page instead of getting a problem+json answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from calmdesk.api.deps import Caller
from calmdesk.api.identity import authenticate
from calmdesk.api.problems import ApiProblem
from calmdesk.api.sessions import COOKIE
from calmdesk.store import organisations
from calmdesk.store.database import Database
from calmdesk.web.i18n import LANGUAGE_COOKIE, negotiate


class LoginRequired(Exception):
    """The page needs a signed-in person; ``next_path`` is where to return afterwards."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PasswordChangeRequired(Exception):
    """The viewer signed in with a one-time password and must choose their own first."""


PASSWORD_PAGE = "/account/password"
_ALLOWED_BEFORE_CHANGE = (PASSWORD_PAGE, "/logout", "/language")


class PageProblem(Exception):
    """A page cannot be shown (not found, not allowed); rendered as a page, not JSON."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Viewer:
    """The signed-in person looking at a page."""

    caller: Caller
    language: str
    display_name: str
    organisation: str
    csrf_token: str
    must_change_password: bool = False

    def may(self, permission: str) -> bool:
        """True when the viewer holds ``permission``."""
        return self.caller.may(permission)

    def require(self, permission: str) -> None:
        """A 403 page unless the viewer holds ``permission``."""
        if not self.may(permission):
            raise PageProblem(403, permission)


def _profile(database: Database, caller: Caller) -> tuple[str | None, str, str, bool]:
    with database.read() as session:
        user = organisations.get_user(session, org_id=caller.org_id, user_id=caller.user_id)
        org = organisations.get_organisation(session, caller.org_id)
        language = user.language or org.language
        name = user.display_name or user.username
        return language, name, org.name, user.must_change_password


async def current_viewer(request: Request) -> Viewer:
    """The viewer of this request (state-changing forms have their CSRF token checked)."""
    try:
        caller = await authenticate(request)
    except ApiProblem as problem:
        if problem.status == 401:
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            raise LoginRequired(target) from None
        raise PageProblem(problem.status, problem.detail) from None
    request.app.state.limiter.check(caller.label)
    language, name, org_name, must_change = await run_in_threadpool(
        _profile, request.app.state.database, caller
    )
    if must_change and caller.via == "session" and request.url.path not in _ALLOWED_BEFORE_CHANGE:
        raise PasswordChangeRequired()
    csrf = ""
    data = request.app.state.sessions.read(request.cookies.get(COOKIE, ""))
    if data is not None:
        csrf = request.app.state.sessions.csrf_token(data.nonce)
    return Viewer(
        caller=caller,
        language=negotiate(language, accept_language=request.headers.get("accept-language", "")),
        display_name=name,
        organisation=org_name,
        csrf_token=csrf,
        must_change_password=must_change,
    )


def visitor_language(request: Request) -> str:
    """The language of someone not signed in: ``?lang=``, their cookie, then the browser's."""
    return negotiate(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language", ""),
    )
