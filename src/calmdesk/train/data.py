"""Reading the public training sets (shared/data layout) and carving seeded validation splits.

Every loader returns plain ``Example`` rows. The split of a row depends only on its text and the
seed (a hash), so duplicates land on the same side and the split is stable across runs.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calmdesk.errors import InvalidInput

VALIDATION_SHARE = 0.15
"""Share of every training file kept aside for validation (never trained on)."""

FILES = {
    "poleval": "abuse/pl_poleval2019_train.jsonl",
    "komentarze": "abuse/pl_komentarze_train.jsonl",
    "olid": "abuse/en_olid_train.jsonl",
    "davidson": "abuse/en_davidson.jsonl",
    "xed_fi": "emotion/fi_xed_train.jsonl",
    "xed_en": "emotion/en_xed_train.jsonl",
    "xed_pl": "emotion/pl_xed_train.jsonl",
    "xed_fi_neutral": "emotion/fi_xed_neutral_train.jsonl",
    "xed_en_neutral": "emotion/en_xed_neutral_train.jsonl",
    "goemotions": "emotion/en_goemotions_train.jsonl",
}
"""Data set name -> path under the data directory."""

LANGUAGE_OF = {
    "poleval": "pl",
    "komentarze": "pl",
    "olid": "en",
    "davidson": "en",
    "xed_fi": "fi",
    "xed_en": "en",
    "xed_pl": "pl",
    "xed_fi_neutral": "fi",
    "xed_en_neutral": "en",
    "goemotions": "en",
}

LEXICONS = {
    "pl": ("lexicons/banpl_polish_vulgarisms.txt", "lexicons/ldnoobw_pl.txt"),
    "fi": ("lexicons/ldnoobw_fi.txt",),
    "en": ("lexicons/ldnoobw_en.txt",),
}


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text; ``labels`` keeps the data set's own fields."""

    text: str
    language: str
    source: str
    validation: bool
    labels: dict[str, Any] = field(default_factory=dict)


def is_validation(text: str, seed: int) -> bool:
    """Whether ``text`` belongs to the validation side of the split for ``seed``."""
    digest = hashlib.blake2b(f"{seed}\x00{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < VALIDATION_SHARE


def check_data_dir(data_dir: Path) -> None:
    """Raise InvalidInput unless ``data_dir`` holds every file calmdesk trains on."""
    if not data_dir.is_dir():
        raise InvalidInput(f"data directory not found: {data_dir}")
    missing = [rel for rel in FILES.values() if not (data_dir / rel).is_file()]
    missing += [rel for rels in LEXICONS.values() for rel in rels if not (data_dir / rel).is_file()]
    if missing:
        raise InvalidInput(f"missing training files in {data_dir}: {', '.join(sorted(missing))}")


def load(data_dir: Path, name: str, seed: int) -> list[Example]:
    """All rows of data set ``name`` with their split side."""
    rows = load_file(data_dir / FILES[name], LANGUAGE_OF[name], name)
    return [
        Example(r.text, r.language, r.source, is_validation(r.text, seed), r.labels) for r in rows
    ]


def load_file(path: Path, language: str, name: str) -> list[Example]:
    """Rows of one JSON Lines file (all marked as validation: used whole)."""
    rows = []
    for record in _read_jsonl(path):
        text = html.unescape(str(record.pop("text", "") or "")).strip()
        if text.startswith("RT "):
            text = text[3:]
        if not text:
            continue
        rows.append(Example(text, language, name, True, record))
    return rows


def load_lexicon(data_dir: Path, language: str) -> set[str]:
    """The shared reference word list(s) of ``language``, lower-cased."""
    words: set[str] = set()
    for rel in LEXICONS[language]:
        path = data_dir / rel
        if not path.is_file():
            raise InvalidInput(f"missing lexicon file: {path}")
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lower()
            if line and not line.startswith("#"):
                words.add(line)
    return words


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise InvalidInput(f"missing training file: {path}")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path}: line {number} is not valid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise InvalidInput(f"{path}: line {number} is not a JSON object")
            yield record
