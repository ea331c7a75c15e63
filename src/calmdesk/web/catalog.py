"""The message catalogues: extract the interface texts and keep the ``.po`` files in step.

Run ``python -m calmdesk.web.catalog`` after changing texts: new messages are added to each
catalogue (English gets its own text; Polish and Finnish wait, empty, for a translator) and
messages no longer used are dropped. A test fails while any translation is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from calmdesk.web.i18n import LANGUAGES, po_path

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
_METHODS = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]


def package_dir() -> Path:
    """The web package's directory on disk."""
    return Path(str(resources.files("calmdesk.web")))


def extract() -> Iterator[str]:
    """Every message id the pages, labels and scripts' labels use."""
    for _file, _line, message, _comments, _context in extract_from_dir(
        package_dir(), method_map=_METHODS, keywords=KEYWORDS
    ):
        yield message if isinstance(message, str) else message[0]


def load(language: str) -> Catalog:
    """The catalogue of ``language`` as stored."""
    with (package_dir() / po_path(language)).open("rb") as handle:
        return read_po(handle, locale=language)


def update() -> dict[str, int]:
    """Bring every catalogue in step with the code; returns missing translations per language."""
    wanted = sorted(set(extract()))
    missing: dict[str, int] = {}
    for language in LANGUAGES:
        path = package_dir() / po_path(language)
        old = load(language) if path.exists() else Catalog(locale=language)
        new = Catalog(
            locale=language, project="calmdesk", version="1", domain="messages", fuzzy=False,
            creation_date=old.creation_date, revision_date=old.creation_date,
            header_comment=f"# calmdesk interface texts ({language}).",
        )  # fmt: skip
        for msgid in wanted:
            previous = old.get(msgid)
            text = previous.string if previous is not None and previous.string else ""
            if language == "en" and not text:
                text = msgid
            new.add(msgid, text)
        missing[language] = sum(1 for msgid in wanted if not new[msgid].string)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, new, width=100, omit_header=False, sort_output=True)
    return missing


if __name__ == "__main__":
    for lang, count in update().items():
        print(f"{lang}: {count} missing")
