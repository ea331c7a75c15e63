"""Rendering pages: one Jinja2 environment, translated per request in the viewer's language."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache, partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from calmdesk import __version__
from calmdesk.domain.clock import as_utc, utc_iso
from calmdesk.web.i18n import LANGUAGE_NAMES, LANGUAGES, translations
from calmdesk.web.labels import label
from calmdesk.web.viewer import Viewer

# (path, message id, permission needed) in the order the navigation shows them.
NAVIGATION = (
    ("/", "Assist", "analyze"),
    ("/inbox", "Inbox", "conversations:own"),
    ("/incidents", "Incidents", "incidents:create"),
    ("/clients", "Clients", "clients:read"),
    ("/dashboard", "Dashboard", "incidents:all"),
    ("/settings", "Settings", "users:manage"),
)


# Pages load only calmdesk's own files. Inline styles stay allowed for the server-drawn SVG
# charts; scripts never run inline (page data travels in JSON blocks, which do not execute).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (built once; templates are package data)."""
    env = Environment(
        loader=PackageLoader("calmdesk.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False)
    env.filters["moment"] = _moment
    env.filters["day"] = _day
    return env


def _moment(value: datetime | str | None) -> Markup | str:
    """A moment as UTC text in a ``<time>`` element; the page script shows it in local time."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    moment = as_utc(value)
    return Markup('<time datetime="{}" data-local>{} UTC</time>').format(
        utc_iso(moment), moment.strftime("%Y-%m-%d %H:%M")
    )


def _day(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d")


def render(
    request: Request,
    template: str,
    *,
    viewer: Viewer | None,
    language: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` for ``viewer`` (or an anonymous visitor in ``language``)."""
    lang = viewer.language if viewer is not None else (language or "en")
    catalogue = translations(lang)
    gettext = catalogue.gettext
    nav = []
    if viewer is not None:
        nav = [(path, gettext(name)) for path, name, need in NAVIGATION if viewer.may(need)]
    page = (
        environment()
        .get_template(template)
        .render(
            request=request,
            viewer=viewer,
            lang=lang,
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            _=gettext,
            ngettext=catalogue.ngettext,
            label=partial(label, gettext=gettext),
            label_list=lambda kind, values: ", ".join(label(kind, v, gettext) for v in values),
            nav=nav,
            path=request.url.path,
            version=__version__,
            json_script=_json_script,
            **context,
        )
    )
    return HTMLResponse(page, status_code=status_code, headers=SECURITY_HEADERS)


def _json_script(element_id: str, value: Any) -> Markup:
    """Data for the page's script, safe inside HTML (``<`` and friends escaped)."""
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/json" id="{element_id}">{text}</script>')
