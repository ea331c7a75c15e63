"""The web application: server-rendered pages on the API's FastAPI app (``install``).

Pages are thin: they call the same store and domain functions as the REST API and the CLI,
and only decide how things look, in the viewer's language.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from calmdesk.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the pages, their static files and the page-style error handlers on ``app``.

    Calling it again on the same app does nothing, so ``create_app`` and tests may both call it.
    """
    if getattr(app.state, "web_installed", False):
        return
    app.state.web_installed = True
    from calmdesk.web.forms import redirect
    from calmdesk.web.i18n import translations
    from calmdesk.web.pages import (
        account,
        assist,
        clients,
        dashboard,
        incident_drafts,
        incidents,
        setup,
        templates_admin,
    )
    from calmdesk.web.templating import render
    from calmdesk.web.viewer import (
        PASSWORD_PAGE,
        LoginRequired,
        PageProblem,
        PasswordChangeRequired,
        current_viewer,
        visitor_language,
    )

    app.mount("/static", StaticFiles(packages=[("calmdesk.web", "static")]), name="static")
    for module in (
        account,
        assist,
        incident_drafts,
        incidents,
        clients,
        dashboard,
        setup,
        templates_admin,
    ):
        app.include_router(module.router, include_in_schema=False)

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return redirect("/login", next=exc.next_path)

    async def password_change(request: Request, exc: Exception) -> Response:
        return redirect(PASSWORD_PAGE)

    async def page_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageProblem)
        language = visitor_language(request)
        viewer = None
        if exc.status != 401:
            try:
                viewer = await current_viewer(request)
            except (LoginRequired, PageProblem, PasswordChangeRequired):
                viewer = None
        gettext = translations(viewer.language if viewer else language).gettext
        heading = {
            403: gettext("Not allowed"),
            404: gettext("Not found"),
        }.get(exc.status, gettext("Something went wrong"))
        message = {
            403: gettext("Your role does not include this page or action."),
            404: gettext("This record does not exist or belongs to someone else."),
        }.get(exc.status, exc.detail)
        page: HTMLResponse = render(
            request, "problem.html", viewer=viewer, language=language, status_code=exc.status,
            heading=heading, message=message,
        )  # fmt: skip
        return page

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PasswordChangeRequired, password_change)
    app.add_exception_handler(PageProblem, page_problem)
