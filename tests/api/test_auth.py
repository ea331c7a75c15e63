"""People's sessions (argon2, cookies, CSRF) and API tokens (hashed, scoped, revocable)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from calmdesk.domain.auth import hash_token, permissions, token_prefix
from calmdesk.store import tokens
from tests.api.conftest import PASSWORD, World


def _login(client: TestClient, username: str = "admin", password: str = PASSWORD) -> str:
    response = client.post(
        "/api/v1/session",
        json={"organisation": "acme", "username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


@pytest.fixture
def world(sqlite_world: World) -> World:
    """This module tests the HTTP edge: SQLite is enough."""
    return sqlite_world


def test_login_sets_a_safe_cookie_and_csrf_protects_writes(client: TestClient) -> None:
    response = client.post(
        "/api/v1/session", json={"organisation": "acme", "username": "agent", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    csrf = response.json()["csrf_token"]
    assert client.get("/api/v1/session").json()["user"]["username"] == "agent"
    refused = client.post("/api/v1/conversations", json={})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    wrong = client.post("/api/v1/conversations", json={}, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    accepted = client.post("/api/v1/conversations", json={}, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201
    # Reading needs no CSRF token.
    assert client.get("/api/v1/conversations").status_code == 200


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient) -> None:
    bad = {"organisation": "acme", "username": "agent", "password": "not the password"}
    nobody = {"organisation": "acme", "username": "nobody", "password": PASSWORD}
    first, second = (
        client.post("/api/v1/session", json=bad),
        client.post("/api/v1/session", json=nobody),
    )
    assert first.status_code == second.status_code == 401
    assert first.json()["detail"] == second.json()["detail"]
    assert "calmdesk_session" not in client.cookies


def test_secure_cookie_by_default(world: World) -> None:
    from calmdesk.api.app import create_app
    from calmdesk.settings import Settings

    settings = Settings(data_dir=world.settings.data_dir, secret_key="k" * 40)
    with TestClient(
        create_app(settings, database=world.database), base_url="https://testserver"
    ) as https:
        response = https.post(
            "/api/v1/session",
            json={"organisation": "acme", "username": "agent", "password": PASSWORD},
        )
        assert "secure" in response.headers["set-cookie"].lower()


def test_a_new_password_ends_old_sessions(client: TestClient, world: World) -> None:
    _login(client, "agent")
    assert client.get("/api/v1/session").status_code == 200
    agent_id = world.people["acme.agent"].user_id
    changed = client.patch(
        f"/api/v1/users/{agent_id}", json={"password": "an entirely new password"},
        headers=world.people["acme.admin"].auth,
    )  # fmt: skip
    assert changed.status_code == 200
    assert client.get("/api/v1/session").status_code == 401


def test_logout_clears_the_session(client: TestClient) -> None:
    csrf = _login(client, "agent")
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/session").status_code == 401


def test_token_is_shown_once_stored_hashed_and_revocable(client: TestClient, world: World) -> None:
    csrf = _login(client, "agent")
    created = client.post(
        "/api/v1/tokens",
        json={"name": "my bot", "scopes": ["analyze"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201, created.text
    secret = created.json()["token"]
    assert token_prefix(secret) == created.json()["prefix"]
    with world.database.read() as session:
        stored = tokens.find_token(session, hash_token(secret))
        assert (
            stored is not None and stored.token_hash != secret and secret not in stored.token_hash
        )
    listed = client.get("/api/v1/tokens").json()["items"]
    assert all("token" not in item for item in listed)
    bearer = {"Authorization": f"Bearer {secret}"}
    client.cookies.clear()
    assert client.post("/api/v1/analyze", json={"text": "hi"}, headers=bearer).status_code == 200
    # The token's scope is only "analyze": the agent's other permissions do not come with it.
    assert client.get("/api/v1/conversations", headers=bearer).status_code == 403
    owner = world.people["acme.agent"].auth
    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=owner)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.post("/api/v1/analyze", json={"text": "hi"}, headers=bearer).status_code == 401


def test_scopes_never_exceed_the_owners_role() -> None:
    assert permissions("agent", ["*"]) == permissions("agent")
    assert "policy:write" not in permissions("agent", ["policy:write"])
    assert permissions("admin", ["analyze"]) == frozenset({"analyze"})


def test_unknown_scope_is_refused(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/tokens", json={"scopes": ["everything"]}, headers=world.people["acme.admin"].auth
    )
    assert response.status_code == 422 and "everything" in response.json()["detail"]


def test_garbage_and_other_schemes_are_401(client: TestClient) -> None:
    for header in ("Bearer nonsense", "Basic YWRtaW46YWRtaW4=", "Bearer cdk_00000000_" + "x" * 43):
        response = client.post(
            "/api/v1/analyze", json={"text": "hi"}, headers={"Authorization": header}
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_agent_cannot_make_tokens_for_others(client: TestClient, world: World) -> None:
    csrf = _login(client, "agent")
    other = world.people["acme.admin"].user_id
    response = client.post(
        "/api/v1/tokens", json={"user_id": other}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 403


def test_changing_your_password_needs_the_current_one(client: TestClient) -> None:
    csrf = _login(client, "agent")
    headers = {"X-CSRF-Token": csrf}
    wrong = {"current_password": "not it at all", "new_password": "a brand new passphrase"}
    assert client.post("/api/v1/session/password", json=wrong, headers=headers).status_code == 403
    right = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    assert client.post("/api/v1/session/password", json=right, headers=headers).status_code == 204
    # This session continues with its fresh cookie; the old password no longer signs in.
    assert client.get("/api/v1/session").status_code == 200
    client.cookies.clear()
    old = {"organisation": "acme", "username": "agent", "password": PASSWORD}
    assert client.post("/api/v1/session", json=old).status_code == 401
    _login(client, "agent", "a brand new passphrase")
