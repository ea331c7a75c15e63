"""Settings: the playbook's reply templates per language, shown, checked and (when calmdesk is
given a playbook directory) saved. The playbook's own loader does the checking."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from calmdesk.errors import CalmdeskError
from calmdesk.playbook import content
from calmdesk.web.forms import ViewerDep, redirect
from calmdesk.web.i18n import LANGUAGES, translations
from calmdesk.web.templating import render
from calmdesk.web.viewer import Viewer

router = APIRouter()
_FILE = "replies.yaml"


def _source(language: str, override_dir: Path | None) -> str:
    """The reply templates file in force for ``language`` (the business's own, else shipped)."""
    if override_dir is not None and (override_dir / language / _FILE).is_file():
        return (override_dir / language / _FILE).read_text(encoding="utf-8")
    return (content.DATA_DIR / language / _FILE).read_text(encoding="utf-8")


def check_templates(language: str, text: str) -> None:
    """Raise InvalidInput naming what is wrong with a replies file for ``language``."""
    with tempfile.TemporaryDirectory(prefix="calmdesk-replies-") as scratch:
        folder = Path(scratch) / language
        folder.mkdir()
        (folder / _FILE).write_text(text, encoding="utf-8")
        # The uncached loader: a rejected file must never linger in the playbook's cache.
        content.load_content.__wrapped__(language, Path(scratch))


def _page(
    request: Request, viewer: Viewer, language: str, *, text: str | None = None,
    status_code: int = 200, **extra: Any,
) -> HTMLResponse:  # fmt: skip
    override_dir = request.app.state.settings.playbook_dir
    if language not in LANGUAGES:
        language = viewer.language
    try:
        templates = content.load_content(language, override_dir).replies.templates
    except CalmdeskError as exc:  # e.g. a playbook directory that is missing or broken
        templates = {}
        extra.setdefault("error", str(exc))
    return render(
        request, "settings/templates.html", viewer=viewer, language_shown=language,
        templates=templates, source=text or _source(language, override_dir),
        can_save=override_dir is not None, status_code=status_code, **extra,
    )  # fmt: skip


@router.get("/settings/templates", response_class=HTMLResponse)
def templates_page(
    request: Request, viewer: ViewerDep, language: str = "", notice: str = ""
) -> HTMLResponse:
    """The reply templates in force for one language, and their file for editing."""
    viewer.require("policy:write")
    gettext = translations(viewer.language).gettext
    message = {
        "saved": gettext("The reply templates were saved and are in use."),
    }.get(notice)
    return _page(request, viewer, language or viewer.language, notice=message)


@router.post("/settings/templates", response_class=HTMLResponse, response_model=None)
def save_templates(
    request: Request,
    viewer: ViewerDep,
    language: Annotated[str, Form()],
    source: Annotated[str, Form()],
    action: Annotated[str, Form()] = "check",
) -> Response:
    """Check a replies file; with ``action=save`` also put it in the playbook directory."""
    viewer.require("policy:write")
    gettext = translations(viewer.language).gettext
    if language not in LANGUAGES:
        return _page(request, viewer, viewer.language, status_code=422,
                     error=gettext("Choose one of the languages."))  # fmt: skip
    try:
        check_templates(language, source)
    except CalmdeskError as exc:
        return _page(request, viewer, language, text=source, status_code=422, error=str(exc))
    override_dir: Path | None = request.app.state.settings.playbook_dir
    if action != "save" or override_dir is None:
        return _page(request, viewer, language, text=source,
                     notice=gettext("The file is valid."))  # fmt: skip
    target = override_dir / language / _FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    content.load_content.cache_clear()  # this process uses the new templates from now on
    return redirect("/settings/templates", language=language, notice="saved")
