"""Interface languages (pl, fi, en): gettext catalogues compiled from the shipped ``.po`` files.

The ``.po`` files are the only source; they are compiled in memory on first use, so a fresh
``pip install`` needs no build step and there is no stale ``.mo`` to forget.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("pl", "fi", "en")
LANGUAGE_NAMES = {"pl": "Polski", "fi": "Suomi", "en": "English"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "calmdesk_lang"


def po_path(language: str) -> str:
    """Where the catalogue of ``language`` lives inside the package."""
    return f"locale/{language}/LC_MESSAGES/messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of one interface language (built once per process)."""
    if language not in LANGUAGES:
        raise ValueError(f"no interface language {language!r}")
    source = resources.files("calmdesk.web").joinpath(po_path(language))
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate(*candidates: str | None, accept_language: str = "") -> str:
    """The first supported language among ``candidates``, then the browser's, then English."""
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((quality, tag.strip().lower()[:2]))
    for _quality, tag in sorted(weighted, key=lambda item: -item[0]):
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE
