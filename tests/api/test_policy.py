"""Policy to decision: conduct events, a recommendation a supervisor approves, the client's
standing, an appeal granted; notifications that recommendations await approval."""

from __future__ import annotations

from fastapi.testclient import TestClient

from calmdesk.store import api_support
from tests.api.conftest import World
from tests.api.test_roles import POLICY


def test_recommendation_to_decision_to_appeal(client: TestClient, world: World) -> None:
    admin, supervisor = world.people["acme.admin"].auth, world.people["acme.supervisor"].auth
    assert client.put("/api/v1/policy", json={"source": POLICY}, headers=admin).status_code == 200
    slack = {"config": {}, "secret": "http://127.0.0.1:9/hooks/T0/B0/X"}
    client.put("/api/v1/integrations/slack_webhook/default", json=slack, headers=admin)
    client_id = client.post(
        "/api/v1/clients", json={"display_name": "Piotr"}, headers=supervisor
    ).json()["id"]
    for day in (3, 10):
        no_show = {"kind": "no_show", "occurred_at": f"2026-11-{day:02d}T10:00:00Z"}
        client.post(f"/api/v1/clients/{client_id}/conduct", json=no_show, headers=supervisor)
    created = client.post("/api/v1/recommendations/refresh", headers=supervisor).json()
    assert [(r["client_id"], r["level"]) for r in created] == [(client_id, "warning")]
    with world.database.read() as session:  # supervisors are told it awaits approval
        [queued] = api_support.list_outbox(session, org_id=world.orgs["acme"])
        assert queued.kind == "slack" and "await approval" in queued.payload["text"]
    review = {"action": "approve", "note": "two no-shows this month"}
    decision = client.post(
        f"/api/v1/recommendations/{created[0]['id']}/review", json=review, headers=supervisor
    ).json()
    assert decision["level"] == "warning" and decision["status"] == "active"
    standing = client.get(f"/api/v1/clients/{client_id}/standing", headers=supervisor).json()
    assert standing["level"] == "warning" and standing["decision_ids"] == [decision["id"]]
    base = f"/api/v1/decisions/{decision['id']}"
    appealed = client.post(f"{base}/appeal", json={"note": "I was in hospital"}, headers=supervisor)
    assert appealed.json()["appeal_status"] == "pending"
    granted = client.post(
        f"{base}/appeal/decide", json={"grant": True, "note": "hospital letter"}, headers=supervisor
    ).json()
    assert granted["status"] == "lifted" and granted["appeal_status"] == "granted"
    again = client.post(f"{base}/lift", json={"note": "x"}, headers=supervisor)
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    agent = world.people["acme.agent"].auth
    assert client.post(f"{base}/lift", json={"note": "x"}, headers=agent).status_code == 403
