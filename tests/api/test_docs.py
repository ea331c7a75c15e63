"""docs/api.md lists exactly the routes the server has."""

from __future__ import annotations

import re
from pathlib import Path

from calmdesk.api.app import create_app
from calmdesk.store.database import Database
from tests.api.conftest import make_settings

DOC = Path(__file__).parents[2] / "docs" / "api.md"


def test_route_table_matches_the_app(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'calmdesk.db'}")
    app = create_app(make_settings(tmp_path), database=database)
    served = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    documented = set(
        re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) \| (/\S+) \|", DOC.read_text(), re.M)
    )
    assert documented == served
    database.dispose()
