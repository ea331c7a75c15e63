"""schemathesis over the OpenAPI schema: whatever a client sends, the server never fails (5xx).

Bounded: a few generated examples per operation, one shared database, an admin's token (the
role that reaches every route).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from calmdesk.api.app import create_app
from calmdesk.store.database import Database
from tests.api.conftest import Person, make_settings, populate


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Person]]:
    folder = tmp_path_factory.mktemp("fuzz")
    database = Database(f"sqlite:///{folder / 'calmdesk.db'}")
    database.upgrade()
    _, people = populate(database)
    app = create_app(make_settings(folder), database=database)
    yield app, people["acme.admin"]
    database.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_world: tuple[Any, Person]) -> Any:
    app, _ = fuzz_world
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: Any, fuzz_world: tuple[Any, Person]) -> None:
    _, admin = fuzz_world
    # Revoking or demoting the fuzzing admin itself would only turn later calls into 401/403.
    if case.method == "DELETE" and case.path == "/api/v1/tokens/{token_id}":
        case.path_parameters = {"token_id": 10_000}
    if case.method == "PATCH" and case.path == "/api/v1/users/{user_id}":
        case.path_parameters = {"user_id": 10_000}
    response = case.call(headers=admin.auth)
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json")
