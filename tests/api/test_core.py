"""The API's edges: contracts, problem+json errors, limits, health and OpenAPI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from calmdesk.api.app import create_app
from tests.api.conftest import World, make_settings


@pytest.fixture
def world(sqlite_world: World) -> World:
    """This module tests the HTTP edge: SQLite is enough."""
    return sqlite_world


def test_analyze_one_text_returns_the_analysis_contract(
    client: TestClient, world: World, contract: dict[str, Any]
) -> None:
    agent = world.people["acme.agent"]
    response = client.post(
        "/api/v1/analyze", json={"text": "Where is my parcel?"}, headers=agent.auth
    )
    assert response.status_code == 200
    body = response.json()
    contract["analysis"].validate(body)
    assert "id" not in body


def test_analyze_batch_keeps_order_and_ids(
    client: TestClient, world: World, contract: dict[str, Any]
) -> None:
    agent = world.people["acme.agent"]
    items = [{"id": "a", "text": "Thank you!"}, {"text": "Gdzie jest moja paczka?", "lang": "pl"}]
    response = client.post("/api/v1/analyze", json={"items": items}, headers=agent.auth)
    assert response.status_code == 200
    results = response.json()["items"]
    assert len(results) == 2
    assert results[0]["id"] == "a" and "id" not in results[1]
    assert results[1]["language"] == "pl"
    for result in results:
        contract["analysis"].validate(result)


def test_analyze_needs_authentication(client: TestClient) -> None:
    response = client.post("/api/v1/analyze", json={"text": "hello"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "/api/v1/nothing-here" in response.json()["detail"]


def test_malformed_json_is_a_422_naming_the_body(client: TestClient, world: World) -> None:
    headers = {**world.people["acme.agent"].auth, "content-type": "application/json"}
    response = client.post("/api/v1/analyze", content=b'{"text": "unclosed', headers=headers)
    assert response.status_code == 422
    assert "malformed JSON" in response.json()["detail"]


def test_wrong_type_is_a_422_naming_the_field(client: TestClient, world: World) -> None:
    agent = world.people["acme.agent"]
    response = client.post("/api/v1/analyze", json={"items": [{"text": 5}]}, headers=agent.auth)
    assert response.status_code == 422
    problem = response.json()
    assert "body.items[0].text" in problem["detail"]
    assert problem["errors"][0]["field"] == "body.items[0].text"


def test_text_and_items_together_are_refused(client: TestClient, world: World) -> None:
    agent = world.people["acme.agent"]
    body = {"text": "a", "items": [{"text": "b"}]}
    response = client.post("/api/v1/analyze", json=body, headers=agent.auth)
    assert response.status_code == 422


def test_message_over_the_length_limit_is_a_422(tmp_path: Path, world: World) -> None:
    settings = make_settings(tmp_path, api_max_message_chars=50)
    with TestClient(create_app(settings, database=world.database)) as client:
        agent = world.people["acme.agent"]
        response = client.post("/api/v1/analyze", json={"text": "x" * 51}, headers=agent.auth)
        assert response.status_code == 422
        assert "body.text" in response.json()["detail"] and "50" in response.json()["detail"]


def test_body_over_the_size_limit_is_a_413(tmp_path: Path, world: World) -> None:
    settings = make_settings(tmp_path, api_max_body_bytes=1000)
    with TestClient(create_app(settings, database=world.database)) as client:
        agent = world.people["acme.agent"]
        response = client.post("/api/v1/analyze", json={"text": "x" * 2000}, headers=agent.auth)
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert "1000 bytes" in response.json()["detail"]


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path, world: World) -> None:
    settings = make_settings(tmp_path, api_rate_limit_per_minute=3)
    with TestClient(create_app(settings, database=world.database)) as client:
        agent, other = world.people["acme.agent"], world.people["acme.agent2"]
        codes = [
            client.post("/api/v1/analyze", json={"text": "hi"}, headers=agent.auth).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        refused = client.post("/api/v1/analyze", json={"text": "hi"}, headers=agent.auth)
        assert int(refused.headers["retry-after"]) >= 1
        # The limit is per token: another token is unaffected.
        assert (
            client.post("/api/v1/analyze", json={"text": "hi"}, headers=other.auth).status_code
            == 200
        )


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readiness_fails_when_the_database_is_gone(tmp_path: Path) -> None:
    from calmdesk.store.database import Database

    # A directory where the database file should be: SQLite cannot open it.
    (tmp_path / "db").mkdir()
    database = Database(f"sqlite:///{tmp_path / 'db'}")
    with TestClient(create_app(make_settings(tmp_path), database=database)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"


def test_openapi_is_served_with_examples(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/analyze" in schema["paths"]
    request_schema = schema["components"]["schemas"]["AnalyzeRequest"]
    assert request_schema["examples"][0]["text"]


def test_assist_answers_the_contract(
    client: TestClient, world: World, assist_contract: Any, contract: dict[str, Any]
) -> None:
    agent = world.people["acme.agent"]
    body = {
        "messages": [{"role": "client", "text": "Where is my refund? I waited two weeks."}],
        "draft": "Calm down.",
        "context": {"company_at_fault": True},
    }
    contract["assist-request"].validate(body)
    response = client.post("/api/v1/assist", json=body, headers=agent.auth)
    assert response.status_code == 200
    result = response.json()
    assist_contract.validate(result)
    assert "apologize" in result["next_actions"]
    assert result["draft_review"] is not None


def test_assist_refuses_an_unknown_role_naming_the_field(client: TestClient, world: World) -> None:
    agent = world.people["acme.agent"]
    body = {"messages": [{"role": "robot", "text": "hi"}]}
    response = client.post("/api/v1/assist", json=body, headers=agent.auth)
    assert response.status_code == 422
    assert "body.messages[0].role" in response.json()["detail"]
