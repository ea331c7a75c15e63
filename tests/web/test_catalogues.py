"""The interface catalogues are complete: every text on a page exists in pl, fi and en."""

from __future__ import annotations

import re

import pytest

from calmdesk.web.catalog import extract, load
from calmdesk.web.i18n import LANGUAGES, translations
from calmdesk.web.labels import LABELS

PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalogue = load(language)
    used = set(extract())
    assert len(used) > 250  # the extractor really found the pages' texts
    missing = sorted(m for m in used if not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", ["pl", "fi"])
def test_translations_keep_their_placeholders(language: str) -> None:
    for message in load(language):
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
                PLACEHOLDER.findall(str(message.string))
            ), message.id


def test_vocabulary_names_are_in_the_catalogues() -> None:
    used = set(extract())
    for kind, names in LABELS.items():
        for value, message in names.items():
            assert message in used, (kind, value)


def test_compiled_catalogues_translate() -> None:
    assert translations("pl").gettext("Sign in") == "Zaloguj się"
    assert translations("fi").gettext("Sign in") == "Kirjaudu sisään"
    assert translations("en").gettext("Sign in") == "Sign in"
