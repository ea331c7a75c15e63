"""Roles on every route, and tenants that never see each other's data."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World

POLICY = """\
version: 1
review_after_days: 90
rules:
  - id: two-no-shows
    when: {kind: no_show, at_least: 2, within_days: 90}
    then: {level: warning}
"""


def _seed(client: TestClient, world: World) -> dict[str, int]:
    """A conversation of acme.agent with a client message, a client and an incident."""
    agent, supervisor = world.people["acme.agent"], world.people["acme.supervisor"]
    created = client.post("/api/v1/conversations", json={"subject": "parcel"}, headers=agent.auth)
    assert created.status_code == 201, created.text
    conversation = created.json()["id"]
    message = {"role": "client", "text": "Where is my parcel?"}
    added = client.post(
        f"/api/v1/conversations/{conversation}/messages", json=message, headers=agent.auth
    )
    assert added.status_code == 201, added.text
    customer = client.post("/api/v1/clients", json={"display_name": "Jan"}, headers=supervisor.auth)
    assert customer.status_code == 201, customer.text
    incident = client.post(
        "/api/v1/incidents",
        json={"occurred_at": "2026-11-23T10:00:00Z", "type": "verbal_abuse", "severity": "high",
              "description": "insulted at the desk", "conversation_id": conversation},
        headers=agent.auth,
    )  # fmt: skip
    assert incident.status_code == 201, incident.text
    return {
        "conversation": conversation,
        "client": customer.json()["id"],
        "incident": incident.json()["id"],
    }


# (method, path, body, lowest role allowed)
ROUTES: list[tuple[str, str, Any, str]] = [
    ("POST", "/api/v1/analyze", {"text": "hello"}, "agent"),
    ("POST", "/api/v1/assist", {"messages": [{"role": "client", "text": "hi"}]}, "agent"),
    ("GET", "/api/v1/conversations", None, "agent"),
    ("GET", "/api/v1/conversations/{conversation}", None, "agent"),
    (
        "POST",
        "/api/v1/incidents",
        {
            "occurred_at": "2026-11-23T10:00:00Z",
            "type": "other",
            "severity": "low",
            "description": "x",
        },
        "agent",
    ),
    ("GET", "/api/v1/clients", None, "agent"),
    ("GET", "/api/v1/clients/{client}/standing", None, "agent"),
    ("GET", "/api/v1/incidents", None, "supervisor"),
    ("GET", "/api/v1/incidents/verify", None, "supervisor"),
    (
        "PATCH",
        "/api/v1/incidents/{incident}",
        {"changes": {"status": "under_review"}, "reason": "reviewing"},
        "supervisor",
    ),
    ("GET", "/api/v1/incidents/{incident}/export", None, "supervisor"),
    ("POST", "/api/v1/clients", {"display_name": "Ewa"}, "supervisor"),
    (
        "POST",
        "/api/v1/clients/{client}/conduct",
        {"kind": "no_show", "occurred_at": "2026-11-20T10:00:00Z"},
        "supervisor",
    ),
    ("GET", "/api/v1/clients/{client}/export", None, "supervisor"),
    ("GET", "/api/v1/policy", None, "supervisor"),
    ("GET", "/api/v1/recommendations", None, "supervisor"),
    ("POST", "/api/v1/recommendations/refresh", None, "supervisor"),
    ("GET", "/api/v1/decisions", None, "supervisor"),
    ("PUT", "/api/v1/policy", {"source": POLICY}, "admin"),
    ("GET", "/api/v1/users", None, "admin"),
    ("GET", "/api/v1/integrations", None, "admin"),
    ("PUT", "/api/v1/integrations/generic/default", {"config": {}, "secret": "s" * 20}, "admin"),
    ("POST", "/api/v1/clients/{client}/erase", {"reason": "the client asked"}, "admin"),
    (
        "POST",
        "/api/v1/users",
        {"username": "new-{role}", "password": "a long enough password"},
        "admin",
    ),
]
RANK = {"agent": 0, "supervisor": 1, "admin": 2}


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
def test_role_by_route_matrix(client: TestClient, world: World, role: str) -> None:
    ids = _seed(client, world)
    person = world.people[f"acme.{role}"]
    outcomes = {}
    for method, path, body, lowest in ROUTES:
        url = path.format(**ids)
        if body is not None:
            body = {
                k: (v.replace("{role}", role) if isinstance(v, str) else v) for k, v in body.items()
            }
        response = client.request(method, url, json=body, headers=person.auth)
        allowed = RANK[role] >= RANK[lowest]
        outcomes[(method, path)] = response.status_code
        if allowed:
            assert response.status_code in (200, 201), (method, url, response.text)
        else:
            assert response.status_code == 403, (method, url, response.status_code)
            assert response.headers["content-type"] == "application/problem+json"
    assert len(outcomes) == len(ROUTES)


def test_agents_see_only_their_own_conversations(client: TestClient, world: World) -> None:
    ids = _seed(client, world)
    url = f"/api/v1/conversations/{ids['conversation']}"
    assert client.get(url, headers=world.people["acme.agent"].auth).status_code == 200
    assert client.get(url, headers=world.people["acme.agent2"].auth).status_code == 404
    assert client.get(url, headers=world.people["acme.supervisor"].auth).status_code == 200
    listed = client.get("/api/v1/conversations", headers=world.people["acme.agent2"].auth).json()
    assert listed["items"] == []
    mine = client.get("/api/v1/conversations", headers=world.people["acme.agent"].auth).json()
    assert [c["id"] for c in mine["items"]] == [ids["conversation"]]


def test_no_route_reads_or_changes_another_tenants_data(client: TestClient, world: World) -> None:
    ids = _seed(client, world)
    intruder = world.people["other.admin"].auth  # the most powerful role of the other tenant
    reads = [
        f"/api/v1/conversations/{ids['conversation']}",
        f"/api/v1/clients/{ids['client']}",
        f"/api/v1/clients/{ids['client']}/standing",
        f"/api/v1/clients/{ids['client']}/export",
        f"/api/v1/incidents/{ids['incident']}",
        f"/api/v1/incidents/{ids['incident']}/export",
        f"/api/v1/users/{world.people['acme.agent'].user_id}",
    ]
    for url in reads:
        response = client.get(url, headers=intruder)
        assert response.status_code == 404, (url, response.status_code)
    conversation_url = f"/api/v1/conversations/{ids['conversation']}"
    incident_url = f"/api/v1/incidents/{ids['incident']}"
    no_show = {"kind": "no_show", "occurred_at": "2026-11-20T10:00:00Z"}
    writes = [
        ("POST", f"{conversation_url}/messages", {"role": "agent", "text": "x"}),
        ("PATCH", conversation_url, {"status": "closed"}),
        ("PATCH", incident_url, {"changes": {"status": "closed"}, "reason": "x"}),
        ("POST", f"/api/v1/clients/{ids['client']}/conduct", no_show),
        ("PATCH", f"/api/v1/users/{world.people['acme.agent'].user_id}", {"active": False}),
        ("POST", f"{conversation_url}/incident", None),
    ]
    for method, url, body in writes:
        response = client.request(method, url, json=body, headers=intruder)
        assert response.status_code == 404, (method, url, response.status_code)
    for url, acme_id in (
        ("/api/v1/conversations", ids["conversation"]),
        ("/api/v1/clients", ids["client"]),
        ("/api/v1/incidents", ids["incident"]),
    ):
        assert acme_id not in [
            item["id"] for item in client.get(url, headers=intruder).json()["items"]
        ]
    users = {item["id"] for item in client.get("/api/v1/users", headers=intruder).json()["items"]}
    assert users == {p.user_id for name, p in world.people.items() if name.startswith("other.")}
    # ... and acme's records are unchanged.
    supervisor = world.people["acme.supervisor"].auth
    conversation = client.get(
        f"/api/v1/conversations/{ids['conversation']}", headers=supervisor
    ).json()
    assert conversation["status"] == "open" and len(conversation["messages"]) == 1


def test_an_agent_cannot_change_policy_even_with_every_scope(
    client: TestClient, world: World
) -> None:
    response = client.put(
        "/api/v1/policy", json={"source": POLICY}, headers=world.people["acme.agent"].auth
    )
    assert response.status_code == 403
    assert "policy:write" in response.json()["detail"]


def test_lists_are_paged(client: TestClient, world: World) -> None:
    supervisor = world.people["acme.supervisor"].auth
    for i in range(5):
        client.post("/api/v1/clients", json={"display_name": f"Client {i}"}, headers=supervisor)
    first = client.get("/api/v1/clients?limit=2", headers=supervisor).json()
    assert [c["display_name"] for c in first["items"]] == ["Client 0", "Client 1"]
    assert first["has_more"] is True
    last = client.get("/api/v1/clients?limit=2&offset=4", headers=supervisor).json()
    assert [c["display_name"] for c in last["items"]] == ["Client 4"] and last["has_more"] is False
    found = client.get("/api/v1/clients?search=client 3", headers=supervisor).json()["items"]
    assert [c["display_name"] for c in found] == ["Client 3"]
    refused = client.get("/api/v1/clients?limit=0", headers=supervisor)
    assert refused.status_code == 422 and "limit" in refused.json()["detail"]
