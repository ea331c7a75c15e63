"""A client's data: export for an access request, erasure on request (tenant-safe)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.api.conftest import World


def test_export_then_erase_a_client(client: TestClient, world: World) -> None:
    supervisor, admin = world.people["acme.supervisor"].auth, world.people["acme.admin"].auth
    created = client.post(
        "/api/v1/clients", json={"display_name": "Jan Kowalski", "email": "jan@example.com"},
        headers=supervisor,
    )  # fmt: skip
    client_id = created.json()["id"]
    conversation = client.post(
        "/api/v1/conversations", json={"client_id": client_id}, headers=supervisor
    ).json()["id"]
    words = "Proszę oddać pieniądze za wizytę."
    client.post(f"/api/v1/conversations/{conversation}/messages",
                json={"role": "client", "text": words}, headers=supervisor)  # fmt: skip
    no_show = {"kind": "no_show", "occurred_at": "2026-11-20T10:00:00Z"}
    assert (
        client.post(
            f"/api/v1/clients/{client_id}/conduct", json=no_show, headers=supervisor
        ).status_code
        == 201
    )

    exported = client.get(f"/api/v1/clients/{client_id}/export", headers=supervisor).json()
    assert exported["client"]["email"] == "jan@example.com"
    assert exported["conversations"][0]["messages"][0]["text"] == words
    assert [e["kind"] for e in exported["conduct_events"]] == ["no_show"]

    intruder = world.people["other.admin"].auth
    refused = client.post(
        f"/api/v1/clients/{client_id}/erase", json={"reason": "x"}, headers=intruder
    )
    assert refused.status_code == 404
    erased = client.post(
        f"/api/v1/clients/{client_id}/erase", json={"reason": "the client asked"}, headers=admin
    )
    assert erased.status_code == 200, erased.text
    pseudonym = erased.json()["pseudonym"]
    after = client.get(f"/api/v1/clients/{client_id}/export", headers=supervisor).json()
    assert after["client"]["display_name"] == pseudonym and after["client"]["email"] is None
    assert words not in json.dumps(after, ensure_ascii=False)
    assert after["conduct_events"] == []
