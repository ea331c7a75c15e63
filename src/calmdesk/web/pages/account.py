"""Sign in, sign out and the interface language, on top of the server's session auth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from calmdesk.api.problems import ApiProblem
from calmdesk.api.routes import session as session_routes
from calmdesk.api.schemas.people import LoginRequest, PasswordChange
from calmdesk.api.sessions import COOKIE
from calmdesk.domain.auth import MIN_PASSWORD_LENGTH
from calmdesk.errors import CalmdeskError
from calmdesk.store import organisations
from calmdesk.web.forms import DatabaseDep, ViewerDep, redirect, safe_next
from calmdesk.web.i18n import LANGUAGE_COOKIE, LANGUAGES, negotiate, translations
from calmdesk.web.templating import render
from calmdesk.web.viewer import PASSWORD_PAGE, visitor_language

router = APIRouter()
_YEAR = 365 * 24 * 3600


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form (in the visitor's language; ``?lang=`` switches it)."""
    language = visitor_language(request)
    response = render(
        request, "login.html", viewer=None, language=language, next_path=safe_next(next),
        organisation="", username="",
    )  # fmt: skip
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=_YEAR, samesite="lax")
    return response


@router.post("/login", response_model=None)
async def login(
    request: Request,
    organisation: Annotated[str, Form()],
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
    lang: Annotated[str, Form()] = "",
) -> Response:
    """Check the password with the server's own sign-in and keep its session cookie."""
    language = negotiate(lang, accept_language=request.headers.get("accept-language", ""))
    gettext = translations(language).gettext
    state = request.app.state
    cookie_jar = Response()
    try:
        await session_routes.login(
            LoginRequest(organisation=organisation.strip(), username=username.strip(),
                         password=password),
            request, cookie_jar, state.settings, state.database,
        )  # fmt: skip
    except ApiProblem as problem:
        message = (
            gettext("Too many attempts; wait a minute and try again.")
            if problem.status == 429
            else gettext("Wrong organisation, username or password.")
        )
        return render(
            request, "login.html", viewer=None, language=language, status_code=problem.status,
            error=message, next_path=safe_next(next), organisation=organisation,
            username=username,
        )  # fmt: skip
    response = RedirectResponse(safe_next(next), status_code=303)
    for key, value in cookie_jar.raw_headers:
        if key == b"set-cookie":
            response.raw_headers.append((key, value))
    return response


@router.post("/logout")
def logout(viewer: ViewerDep, request: Request) -> RedirectResponse:
    """End the session (the form carries the CSRF token)."""
    # The cookie is the whole session: clearing it signs out (as DELETE /api/v1/session does).
    response = redirect("/login", lang=viewer.language)
    response.delete_cookie(
        COOKIE, path="/", secure=request.app.state.settings.cookie_secure, httponly=True
    )
    return response


@router.post("/language")
async def change_language(
    viewer: ViewerDep,
    database: DatabaseDep,
    language: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> RedirectResponse:
    """Remember the viewer's interface language on their user record."""
    chosen = negotiate(language)

    def save() -> None:
        with database.write() as session:
            organisations.update_user(
                session, org_id=viewer.caller.org_id, user_id=viewer.caller.user_id,
                actor=viewer.caller.actor, language=chosen,
            )  # fmt: skip

    await run_in_threadpool(save)
    response = redirect(safe_next(next))
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=_YEAR, samesite="lax")
    return response


@router.get(PASSWORD_PAGE, response_class=HTMLResponse)
def password_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Choose a new password (required after signing in with a one-time password)."""
    return render(request, "password.html", viewer=viewer)


@router.post(PASSWORD_PAGE, response_model=None)
async def change_password(
    request: Request,
    viewer: ViewerDep,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    repeat_password: Annotated[str, Form()],
) -> Response:
    """Change the password with the server's own route; the session continues."""
    gettext = translations(viewer.language).gettext
    error = None
    if new_password != repeat_password:
        error = gettext("The two new passwords differ.")
    elif len(new_password) < MIN_PASSWORD_LENGTH:
        error = gettext("The new password needs at least 12 characters.")
    if error is None:
        state = request.app.state
        try:
            answer = await run_in_threadpool(
                session_routes.change_password,
                PasswordChange(current_password=current_password, new_password=new_password),
                request, viewer.caller, state.database, state.settings,
            )  # fmt: skip
        except ApiProblem:
            error = gettext("The current password is wrong.")
        except CalmdeskError as exc:
            error = str(exc)
    if error is not None:
        return render(request, "password.html", viewer=viewer, error=error, status_code=422)
    response = redirect("/", notice="password")
    for key, value in answer.raw_headers:
        if key == b"set-cookie":
            response.raw_headers.append((key, value))
    return response
