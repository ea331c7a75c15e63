"""Every page over HTTP (no browser): signed-in access, roles, languages and the forms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from calmdesk.domain.people import Actor
from calmdesk.playbook import content
from calmdesk.store import clients, incidents, organisations, policy
from tests.web.conftest import ORG, PASSWORD, Shop, sign_in

PAGES = ("/", "/inbox", "/incidents", "/incidents/new", "/clients", "/dashboard", "/settings")


def csrf(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def test_pages_need_a_session(web: TestClient) -> None:
    for path in PAGES:
        answer = web.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")


def test_wrong_password_is_refused_in_the_visitors_language(web: TestClient) -> None:
    answer = web.post(
        "/login",
        data={"organisation": ORG, "username": "anna", "password": "nope", "lang": "fi"},
    )
    assert answer.status_code == 401
    assert "Väärä organisaatio, käyttäjätunnus tai salasana." in answer.text


@pytest.mark.parametrize("language", ["pl", "fi", "en"])
def test_every_page_renders_in_every_language(web: TestClient, shop: Shop, language: str) -> None:
    sign_in(web, "admin")
    page = web.get("/")
    web.post("/language", data={"language": language, "csrf_token": csrf(page.text)})
    paths = [
        *PAGES,
        f"/incidents/{shop.incident_id}",
        f"/clients/{shop.client_id}",
        f"/inbox/{shop.conversation_id}",
    ]
    for path in paths:
        answer = web.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        assert f'<html lang="{language}">' in answer.text
    home = web.get("/").text
    expected = {"pl": "Skrzynka", "fi": "Saapuneet", "en": "Inbox"}[language]
    assert expected in home


def test_agent_sees_own_incidents_but_no_supervisor_pages(web: TestClient, shop: Shop) -> None:
    sign_in(web, "anna")
    assert web.get("/dashboard").status_code == 403
    assert web.get("/settings").status_code == 403
    listing = web.get("/incidents").text
    assert f'href="/incidents/{shop.incident_id}"' in listing
    detail = web.get(f"/incidents/{shop.incident_id}").text
    assert "/amend" not in detail  # amending is for supervisors, as in the API
    refused = web.post(
        f"/incidents/{shop.incident_id}/amend",
        data={"csrf_token": csrf(detail), "status": "closed", "reason": "done"},
    )
    assert refused.status_code == 403
    page = web.get(f"/clients/{shop.client_id}").text
    assert 'value="approve"' not in page  # agents cannot decide


def test_supervisor_approves_a_recommendation_with_a_required_note(
    web: TestClient, shop: Shop
) -> None:
    sign_in(web, "maija")
    page = web.get(f"/clients/{shop.client_id}")
    token = csrf(page.text)
    target = f"/clients/{shop.client_id}/recommendations/{shop.recommendation_id}"
    refused = web.post(target, data={"action": "approve", "note": " ", "csrf_token": token})
    assert refused.status_code == 422
    approved = web.post(
        target,
        data={"action": "approve", "note": "Three no-shows in a month.", "csrf_token": token},
    )
    assert approved.status_code == 200
    with shop.database.read() as session:
        rec = policy.get_recommendation(
            session, org_id=_org_id(shop), recommendation_id=shop.recommendation_id
        )
        assert rec.status == "approved"
        assert rec.review_note == "Three no-shows in a month."
    assert "Three no-shows in a month." in approved.text


def test_forms_without_the_csrf_token_are_refused(web: TestClient, shop: Shop) -> None:
    sign_in(web, "maija")
    target = f"/clients/{shop.client_id}/recommendations/{shop.recommendation_id}"
    answer = web.post(target, data={"action": "approve", "note": "x"}, follow_redirects=False)
    assert answer.status_code == 403


def test_incident_from_assist_is_prefilled_and_recorded(web: TestClient, shop: Shop) -> None:
    sign_in(web, "anna")
    token = csrf(web.get("/").text)
    prefill = {"messages": [{"role": "client", "text": "Jesteś idiotką!"}]}
    form = web.post("/incidents/draft", data={"prefill": json.dumps(prefill), "csrf_token": token})
    assert form.status_code == 200
    assert "Klient: Jesteś idiotką!" in form.text  # anna reads Polish
    # The engine found abuse aimed at staff; which type it weighs highest is the engine's call.
    assert re.search(r'<option value="(verbal_abuse|discrimination)" selected>', form.text)
    assert 'value="high" selected' in form.text
    assert re.search(r'<textarea id="quotes"[^>]*>idiotką</textarea>', form.text)
    saved = web.post(
        "/incidents",
        data={
            "csrf_token": token, "occurred_at": "2026-11-20T10:00", "type": "verbal_abuse",
            "severity": "high", "channel": "chat", "description": "Klient: Jesteś idiotką!",
            "quotes": "idiotk", "quotes_json": json.dumps([{"text": "idiotk", "label": "insult",
                                                           "start": 9, "end": 15}]),
            "steps_taken": "Ostrzeżenie", "employees": "Anna",
        },
    )  # fmt: skip
    assert saved.status_code == 200
    assert "Rekord nienaruszony" in saved.text  # the chain verifies
    with shop.database.read() as session:
        recorded = incidents.list_incidents(session, org_id=_org_id(shop))
        newest = max(recorded, key=lambda incident: incident.id)
        assert newest.quotes[0]["text"] == "idiotk"
        assert newest.quotes[0]["start"] == 9
        assert newest.recorded_by == "anna"


def test_incident_amendment_needs_a_reason(web: TestClient, shop: Shop) -> None:
    sign_in(web, "maija")
    token = csrf(web.get(f"/incidents/{shop.incident_id}").text)
    target = f"/incidents/{shop.incident_id}/amend"
    base = {"csrf_token": token, "status": "closed", "severity": "high", "type": "verbal_abuse"}
    assert web.post(target, data={**base, "reason": ""}).status_code == 422
    done = web.post(target, data={**base, "reason": "Talked to the client."})
    assert done.status_code == 200
    assert "Talked to the client." in done.text


def test_pdf_report_for_supervisors(web: TestClient, shop: Shop) -> None:
    sign_in(web, "maija")
    answer = web.get(f"/incidents/{shop.incident_id}/report.pdf")
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")


def test_dashboard_draws_svg_charts(web: TestClient) -> None:
    sign_in(web, "maija")
    page = web.get("/dashboard").text
    assert page.count("<svg") == 5
    assert '<strong id="total">1</strong>' in page


def test_policy_errors_are_shown_and_nothing_changes(web: TestClient, shop: Shop) -> None:
    sign_in(web, "admin")
    token = csrf(web.get("/settings").text)
    answer = web.post("/settings/policy", data={"csrf_token": token, "source": "rules: 3"})
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text
    with shop.database.read() as session:
        assert policy.current_policy(session, org_id=_org_id(shop)).source != "rules: 3"


def test_admin_adds_a_user_who_can_sign_in(web: TestClient) -> None:
    sign_in(web, "admin")
    token = csrf(web.get("/settings").text)
    short = web.post("/settings/users", data={"csrf_token": token, "username": "olli",
                                              "role": "agent", "password": "short"})  # fmt: skip
    assert short.status_code == 422
    web.post("/settings/users", data={"csrf_token": token, "username": "olli", "role": "agent",
                                      "language": "fi", "password": PASSWORD})  # fmt: skip
    web.cookies.clear()
    sign_in(web, "olli")
    assert "Saapuneet" in web.get("/").text


def test_incident_draft_from_an_inbox_conversation(web: TestClient, shop: Shop) -> None:
    sign_in(web, "anna")
    token = csrf(web.get(f"/inbox/{shop.conversation_id}").text)
    prefill = json.dumps({"conversation_id": shop.conversation_id})
    form = web.post("/incidents/draft", data={"prefill": prefill, "csrf_token": token})
    assert form.status_code == 200
    assert f'name="conversation_id" value="{shop.conversation_id}"' in form.text
    assert f'name="client_id" inputmode="numeric" value="{shop.client_id}"' in form.text
    assert "Od tygodnia czekam na zwrot pieniędzy." in form.text


def test_someone_elses_conversation_is_not_shown(web: TestClient, shop: Shop) -> None:
    sign_in(web, "admin")
    token = csrf(web.get("/").text)
    web.post("/settings/users", data={"csrf_token": token, "username": "pekka", "role": "agent",
                                      "password": PASSWORD})  # fmt: skip
    web.cookies.clear()
    sign_in(web, "pekka")
    assert web.get(f"/inbox/{shop.conversation_id}").status_code == 404
    assert "Reklamacja" not in web.get("/inbox").text


def test_client_export_and_erase(web: TestClient, shop: Shop) -> None:
    sign_in(web, "admin")
    page = web.get(f"/clients/{shop.client_id}").text
    token = csrf(page)
    exported = web.get(f"/clients/{shop.client_id}/export.json")
    assert exported.status_code == 200
    assert exported.json()["client"]["email"] == "jan@example.test"
    target = f"/clients/{shop.client_id}/erase"
    unconfirmed = web.post(target, data={"csrf_token": token, "reason": "RODO-1"})
    assert unconfirmed.status_code == 422
    erased = web.post(target, data={"csrf_token": token, "reason": "RODO-1", "confirm": "yes"})
    assert erased.status_code == 200
    assert "jan@example.test" not in erased.text
    assert "Jan Kowalski" not in erased.text
    incident = web.get(f"/incidents/{shop.incident_id}").text
    assert 'id="chain-status">✔' in incident  # the chain still verifies after the erasure


def test_agents_cannot_export_or_erase(web: TestClient, shop: Shop) -> None:
    sign_in(web, "anna")
    assert web.get(f"/clients/{shop.client_id}/export.json").status_code == 403
    token = csrf(web.get("/").text)
    target = f"/clients/{shop.client_id}/erase"
    refused = web.post(target, data={"csrf_token": token, "reason": "x", "confirm": "yes"})
    assert refused.status_code == 403


def test_reply_templates_are_checked_before_use(web: TestClient) -> None:
    sign_in(web, "admin")
    page = web.get("/settings/templates?language=fi")
    assert page.status_code == 200
    token = csrf(page.text)
    broken = web.post(
        "/settings/templates",
        data={"csrf_token": token, "language": "fi", "source": "language: fi\ntemplates: {}\n"},
    )
    assert broken.status_code == 422
    assert 'role="alert"' in broken.text
    shipped = (content.DATA_DIR / "fi" / "replies.yaml").read_text(encoding="utf-8")
    fine = web.post(
        "/settings/templates", data={"csrf_token": token, "language": "fi", "source": shipped}
    )
    assert fine.status_code == 200
    assert "The file is valid." in fine.text


def test_reply_templates_saved_to_the_playbook_directory(shop: Shop, tmp_path: Path) -> None:
    from calmdesk.api.app import create_app

    (tmp_path / "playbook").mkdir()
    settings = shop.settings.model_copy(update={"playbook_dir": tmp_path / "playbook"})
    source = (content.DATA_DIR / "en" / "replies.yaml").read_text(encoding="utf-8")
    changed = source.replace("Thank you", "Many thanks", 1)
    assert changed != source
    try:
        with TestClient(create_app(settings, database=shop.database)) as client:
            sign_in(client, "admin")
            token = csrf(client.get("/settings/templates?language=en").text)
            saved = client.post(
                "/settings/templates",
                data={"csrf_token": token, "language": "en", "source": changed, "action": "save"},
            )
            assert saved.status_code == 200
            assert (tmp_path / "playbook" / "en" / "replies.yaml").read_text() == changed
    finally:
        content.load_content.cache_clear()


def test_one_time_password_must_be_changed_first(web: TestClient, shop: Shop) -> None:
    with shop.database.write() as session:
        organisations.update_user(
            session, org_id=_org_id(shop), user_id=shop.users["anna"],
            actor=Actor.system("tests"), must_change_password=True,
        )  # fmt: skip
    sign_in(web, "anna")
    blocked = web.get("/incidents", follow_redirects=False)
    assert blocked.status_code == 303
    assert blocked.headers["location"] == "/account/password"
    form = web.get("/account/password")
    token = csrf(form.text)
    new = "a much better passphrase"
    fields = {"csrf_token": token, "new_password": new, "repeat_password": new}
    wrong = web.post("/account/password", data={**fields, "current_password": "no"})
    assert wrong.status_code == 422
    assert "Obecne hasło jest błędne." in wrong.text
    done = web.post("/account/password", data={**fields, "current_password": PASSWORD})
    assert done.status_code == 200
    assert web.get("/incidents").status_code == 200  # the session continues, no more detour


def test_integrations_are_validated_and_show_their_webhook_address(web: TestClient) -> None:
    sign_in(web, "admin")
    token = csrf(web.get("/settings").text)
    form = {"csrf_token": token, "kind": "chatwoot", "name": "support", "active": "on"}
    bad = web.post("/settings/integrations", data={**form, "config": "{url: nope"})
    assert bad.status_code == 422
    assert "Settings must be JSON" in bad.text
    saved = web.post("/settings/integrations", data={**form, "config": '{"inbox": 3}'})
    assert saved.status_code == 200
    assert f"/api/v1/webhooks/chatwoot/{ORG}?integration=support" in saved.text


def test_clients_come_a_page_at_a_time(web: TestClient, shop: Shop) -> None:
    with shop.database.write() as session:
        for n in range(120):
            clients.create_client(
                session, org_id=_org_id(shop), display_name=f"Klient {n:03d}",
                actor=Actor.system("tests"),
            )  # fmt: skip
    sign_in(web, "maija")
    first = web.get("/clients").text
    assert "Klient 000" in first and "Klient 099" not in first  # 100 per page, by name
    assert "page=2" in first
    second = web.get("/clients?page=2").text
    assert "Klient 099" in second and "Klient 119" in second
    assert "page=3" not in second


def _org_id(shop: Shop) -> int:
    with shop.database.read() as session:
        return organisations.find_organisation(session, ORG).id
