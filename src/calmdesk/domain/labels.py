"""Words of calmdesk's records in Polish, Finnish and English (``domain/data/*.yaml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """A YAML data file of the domain, read once."""
    with (DATA / f"{name}.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def label(group: str, key: str, language: str) -> str:
    """The word for ``key`` of ``group`` (levels, conduct, severity...) in ``language``."""
    entry = load("labels").get(group, {}).get(key)
    if not entry:
        return key
    return str(entry.get(language) or entry.get("en") or key)
