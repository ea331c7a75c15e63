"""The web app in a real browser: Debian's headless chromium driven by Playwright, against a
real uvicorn server on 127.0.0.1 with a temporary SQLite database.

Screenshots go to test-artifacts/web/. The assist screen's update time after a paste is
measured in the page (median of ten pastes) and printed.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from calmdesk.store import incidents, organisations
from tests.web.conftest import ORG, PASSWORD, Shop, build_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
UPDATE_BUDGET_MS = 300.0
TIMEZONE = "Europe/Helsinki"  # people type and read local time; calmdesk stores UTC

pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's chromium at /usr/bin/chromium: "
        "run scripts/install-browser",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture()
def server(shop: Shop) -> Iterator[str]:
    """uvicorn serving the app on a random free port, in a thread of this process."""
    port = _free_port()
    config = uvicorn.Config(
        build_app(shop), host="127.0.0.1", port=port, log_config=None, access_log=False,
        lifespan="on",
    )  # fmt: skip
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: the machine is shared, and a busy moment must not fail a correct page.
    expect.set_options(timeout=20_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            base_url=server, viewport={"width": 1024, "height": 768}, locale="en-GB",
            timezone_id=TIMEZONE,
        )  # fmt: skip
        context.set_default_timeout(30_000)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        page = context.new_page()
        errors: list[str] = []  # script errors and refused resources (e.g. a CSP violation)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield page
        finally:
            context.close()
            browser.close()
        assert errors == []


def _shot(page: object, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _paste(page: object, selector: str, text: str) -> float:
    """Put ``text`` in a box as a paste does and return the ms until the advice is on screen."""
    return float(
        page.evaluate(  # type: ignore[attr-defined]
            """async ([selector, text]) => {
                const result = document.getElementById("result");
                const before = Number(result.dataset.seq);
                const box = document.querySelector(selector);
                const start = performance.now();
                box.value = text;
                const paste = {inputType: "insertFromPaste", bubbles: true};
                box.dispatchEvent(new InputEvent("input", paste));
                while (Number(result.dataset.seq) <= before) {
                    await new Promise(r => requestAnimationFrame(r));
                }
                return performance.now() - start;
            }""",
            [selector, text],
        )
    )


def test_an_agent_day_in_the_browser(page: object, shop: Shop) -> None:
    from playwright.sync_api import expect

    p = page  # the Playwright Page
    p.goto("/login?lang=en")  # type: ignore[attr-defined]
    p.get_by_label("Organisation").fill(ORG)  # type: ignore[attr-defined]
    p.get_by_label("Username").fill("maija")  # type: ignore[attr-defined]
    p.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    _shot(p, "01-login")
    p.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    expect(p.locator("html")).to_have_attribute("lang", "fi")  # maija reads Finnish

    # Switch the interface to English (the choice is kept on her user record).
    p.get_by_label("Käyttöliittymän kieli").select_option("en")  # type: ignore[attr-defined]
    expect(p.locator("html")).to_have_attribute("lang", "en")

    # Assist: a conversation with an insult aimed at the employee.
    conversation = "Client: My booking was moved again.\nClient: You are an idiot, fix it now!"
    _paste(p, "#conversation", conversation)
    expect(p.locator("#stage")).to_have_attribute("data-stage", "boundary_warning")
    expect(p.locator("#actions li").first).to_contain_text("Warn about the boundary")
    expect(p.locator("#highlighted mark.ev-abuse")).to_have_text("idiot")
    expect(p.locator("#safety")).to_be_hidden()
    _shot(p, "02-assist-boundary-warning")

    # Copy the first suggested reply.
    first_reply = p.locator("#replies .reply-text").first.inner_text()  # type: ignore[attr-defined]
    p.locator("#replies .copy").first.click()  # type: ignore[attr-defined]
    copied = p.evaluate("navigator.clipboard.readText()")  # type: ignore[attr-defined]
    assert copied == first_reply
    expect(p.locator("#replies .copy").first).to_have_text("Copied")

    # A draft reviewed as it is typed: "calm down" is dismissive, "!!!" is shouting.
    p.locator("#draft").press_sequentially("CALM DOWN!!!", delay=5)  # type: ignore[attr-defined]
    expect(p.locator("#draft-review u.issue-dismissive")).to_be_visible()
    expect(p.locator("#draft-review")).to_contain_text("Dismissive")
    _shot(p, "03-assist-draft-review")

    # The assist screen's update time after a paste: median over ten pastes.
    timings = [
        _paste(p, "#conversation", f"Client: Order {n} is late again. You are useless, idiot!")
        for n in range(10)
    ]
    median = statistics.median(timings)
    summary = (
        f"assist update after paste: median {median:.1f} ms over {len(timings)} pastes "
        f"(min {min(timings):.1f}, max {max(timings):.1f})"
    )
    print("\n" + summary)  # shown with -s; the artefact keeps it either way
    (ARTIFACTS / "assist-update-time.txt").write_text(summary + "\n", encoding="utf-8")
    assert median < UPDATE_BUDGET_MS

    # One click logs an incident pre-filled from the conversation.
    _paste(p, "#conversation", conversation)
    p.get_by_role("button", name="Log an incident").click()  # type: ignore[attr-defined]
    expect(p.locator("#type")).to_have_value("verbal_abuse")
    expect(p.locator("#quotes")).to_have_value("idiot")
    expect(p.locator("#description")).to_contain_text("You are an idiot, fix it now!")
    _shot(p, "04-incident-prefilled")
    p.locator("#occurred_at").fill("2026-11-20T09:30")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Save the incident").click()  # type: ignore[attr-defined]
    expect(p.locator("#chain-status")).to_contain_text("Record intact")
    with shop.database.read() as session:
        recorded = max(incidents.list_incidents(session, org_id=_org(shop)), key=lambda i: i.id)
    assert recorded.occurred_at == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # 09:30 in Helsinki
    expect(p.locator("time").first).to_have_text("2026-11-20 09:30")
    expect(p.locator("#quotes")).to_contain_text("idiot")
    _shot(p, "05-incident-recorded")

    # Approve the client's pending recommendation with a note.
    p.goto(f"/clients/{shop.client_id}")  # type: ignore[attr-defined]
    note = p.locator(f"#note-{shop.recommendation_id}")  # type: ignore[attr-defined]
    note.fill("Three no-shows in a month; deposit from now on.")
    p.get_by_role("button", name="Approve").click()  # type: ignore[attr-defined]
    expect(p.get_by_role("status")).to_contain_text("approved")  # type: ignore[attr-defined]
    expect(p.locator("#standing")).not_to_contain_text("No restriction")
    _shot(p, "06-recommendation-approved")

    # The dashboard's charts are drawn on the server.
    p.goto("/dashboard")  # type: ignore[attr-defined]
    expect(p.locator("figure.chart svg")).to_have_count(5)
    _shot(p, "07-dashboard")

    # Switch to Polish: the whole interface follows.
    p.get_by_label("Interface language").select_option("pl")  # type: ignore[attr-defined]
    expect(p.locator("html")).to_have_attribute("lang", "pl")
    expect(p.get_by_role("navigation", name="Główna")).to_contain_text("Skrzynka")  # type: ignore[attr-defined]
    _shot(p, "08-polish")

    # A tablet at the reception desk: the assist screen still fits.
    p.set_viewport_size({"width": 768, "height": 1024})  # type: ignore[attr-defined]
    p.goto("/")  # type: ignore[attr-defined]
    _paste(p, "#conversation", "Klient: Jest Pan idiotą, proszę to naprawić!")
    expect(p.locator("#stage")).to_have_attribute("data-stage", "boundary_warning")
    expect(p.locator("#replies .reply-text").first).to_contain_text("Pana/Pani")
    p.locator("#register").select_option("informal")  # type: ignore[attr-defined]
    expect(p.locator("#replies .reply-text").first).to_contain_text("dla Ciebie")
    width = p.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= 768
    _shot(p, "09-tablet-polish")


def _org(shop: Shop) -> int:
    with shop.database.read() as session:
        return organisations.find_organisation(session, ORG).id


def test_safety_banner_end_script_and_inbox(page: object, shop: Shop) -> None:
    from playwright.sync_api import expect

    p = page
    p.goto("/login")  # type: ignore[attr-defined]
    p.locator("#organisation").fill(ORG)  # type: ignore[attr-defined]
    p.locator("#username").fill("anna")  # type: ignore[attr-defined]
    p.locator("#password").fill(PASSWORD)  # type: ignore[attr-defined]
    p.locator("#password").press("Enter")  # type: ignore[attr-defined]
    expect(p.locator("html")).to_have_attribute("lang", "pl")  # anna reads Polish

    # A threat of violence: the safety banner, and staff safety comes first.
    _paste(p, "#conversation", "Jak to się nie zmieni, to Panią zabiję.")
    expect(p.locator("#safety")).to_be_visible()
    expect(p.locator("#stage")).to_have_attribute("data-stage", "safety")
    expect(p.locator("#actions li").first).to_contain_text("Zadbaj o swoje bezpieczeństwo")
    _shot(p, "10-safety-banner")

    # Abuse again after a boundary warning: the end-of-conversation script is shown.
    _paste(
        p,
        "#conversation",
        "Klient: Jesteś idiotką!\n"
        "Pracownik: Proszę nie używać obraźliwych słów. Jeśli to się powtórzy, zakończę rozmowę.\n"
        "Klient: Zamknij się, idiotko!",
    )
    expect(p.locator("#safety")).to_be_hidden()
    expect(p.locator("#end-script")).to_be_visible()
    assert p.locator("#end-script-text").inner_text().strip()  # type: ignore[attr-defined]
    _shot(p, "11-end-conversation")

    # The inbox opens a conversation in the assist view; agents see no dashboard.
    p.goto("/inbox")  # type: ignore[attr-defined]
    p.get_by_role("link", name="Reklamacja").click()  # type: ignore[attr-defined]
    expect(p.locator("#conversation")).to_have_value(
        "Klient: Od tygodnia czekam na zwrot pieniędzy."
    )
    expect(p.locator("#result")).not_to_have_attribute("data-seq", "0")
    expect(p.locator("#reading")).to_be_visible()
    _shot(p, "12-inbox-conversation")
    assert p.get_by_role("link", name="Pulpit").count() == 0  # type: ignore[attr-defined]

    # Keyboard only: the skip link is the first stop and leads to the content.
    p.goto("/incidents")  # type: ignore[attr-defined]
    p.keyboard.press("Tab")  # type: ignore[attr-defined]
    expect(p.locator("a.skip")).to_be_focused()
    p.keyboard.press("Enter")  # type: ignore[attr-defined]
    expect(p.locator("#main")).to_be_focused()


def test_admin_settings_in_the_browser(page: object, shop: Shop) -> None:
    from playwright.sync_api import expect

    p = page
    p.goto("/login?lang=en")  # type: ignore[attr-defined]
    p.locator("#organisation").fill(ORG)  # type: ignore[attr-defined]
    p.locator("#username").fill("admin")  # type: ignore[attr-defined]
    p.locator("#password").fill(PASSWORD)  # type: ignore[attr-defined]
    p.locator("#password").press("Enter")  # type: ignore[attr-defined]
    p.goto("/settings")  # type: ignore[attr-defined]

    # Each user row saves its own form: make anna a supervisor.
    anna = shop.users["anna"]
    p.locator(f"#role-{anna}").select_option("supervisor")  # type: ignore[attr-defined]
    p.locator(f'button[form="user-{anna}"]').click()  # type: ignore[attr-defined]
    expect(p.get_by_role("status")).to_contain_text("The user was saved.")  # type: ignore[attr-defined]
    with shop.database.read() as session:
        user = organisations.get_user(session, org_id=_org(shop), user_id=anna)
        assert (user.role, user.active) == ("supervisor", True)

    # A new API token is shown once, and works against the API.
    p.locator("#tok-name").fill("booking tool")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Create the token").click()  # type: ignore[attr-defined]
    secret = p.locator("#new-token").inner_text()  # type: ignore[attr-defined]
    assert secret.startswith("cdk_")
    answer = p.request.get(  # type: ignore[attr-defined]
        "/api/v1/session", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    assert answer.json()["user"]["username"] == "admin"
    _shot(p, "13-settings-token")
