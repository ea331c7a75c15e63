"""Optional drafting by an OpenAI-compatible server: a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from calmdesk.playbook import assist
from calmdesk.settings import Settings

ANGRY = {
    "messages": [
        {"role": "client", "text": "Pralka z zamówienia 45821 znowu nie działa, mam dość!"}
    ]
}
GOOD = (
    "Rozumiem, że to bardzo frustrujące. Mogę jeszcze dziś zlecić wymianę pralki "
    "albo zwrot 1299 zł do piątku. Które rozwiązanie Pan/Pani wybiera?"
)
GOOD_2 = (
    "Przepraszam za kłopot z pralką. Sprawdzę status zamówienia 45821 i oddzwonię do 15:00 "
    "z konkretnym terminem naprawy."
)
BAD = "Proszę się uspokoić, to wina serwisu."


@dataclass
class FakeModelServer:
    """Answers chat completions with ``reply`` (a dict, or an int status), after ``delay``."""

    reply: Any = None
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    state = FakeModelServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
            )
            time.sleep(state.delay)
            if isinstance(state.reply, int):
                self.send_response(state.reply)
                self.end_headers()
                return
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": state.reply}}]}
            ).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def settings_for(server: FakeModelServer, timeout: float = 5.0) -> Settings:
    return Settings(
        llm_base_url=server.url,
        llm_model="local-test-model",
        llm_api_key="s3cret",  # type: ignore[arg-type]
        llm_timeout_seconds=timeout,
    )


def replies_json(*texts: str) -> str:
    return json.dumps({"replies": [{"text": t, "purpose": "options"} for t in texts]})


def test_model_drafts_that_pass_the_review_are_shown(model_server: FakeModelServer) -> None:
    model_server.reply = "Here you are:\n" + replies_json(GOOD, GOOD_2)
    result = assist(ANGRY, settings=settings_for(model_server))
    assert [r["text"] for r in result["suggested_replies"]] == [GOOD, GOOD_2]
    assert {r["source"] for r in result["suggested_replies"]} == {"llm"}
    assert result["drafting"] == {"source": "llm", "rejected": 0}

    sent = model_server.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["auth"] == "Bearer s3cret"
    assert sent["body"]["model"] == "local-test-model"
    system = sent["body"]["messages"][0]["content"]
    assert "Polish" in system and "Pan/Pani" in system and result["stage"] in system
    assert "Replies from the business's playbook" in system  # the templates as examples
    assert "zamówienia 45821" in sent["body"]["messages"][1]["content"]


def test_drafts_failing_the_review_are_dropped_and_templates_fill_in(
    model_server: FakeModelServer,
) -> None:
    model_server.reply = replies_json(BAD, GOOD)
    result = assist(ANGRY, settings=settings_for(model_server))
    texts = [r["text"] for r in result["suggested_replies"]]
    assert BAD not in texts
    assert texts[0] == GOOD
    assert len(texts) >= 2
    assert {r["source"] for r in result["suggested_replies"][1:]} == {"template"}
    assert result["drafting"] == {"source": "llm+templates", "rejected": 1}


@pytest.mark.parametrize("reply", [500, "no json at all", json.dumps({"answer": "hi"})])
def test_errors_fall_back_to_templates(model_server: FakeModelServer, reply: Any) -> None:
    model_server.reply = reply
    result = assist(ANGRY, settings=settings_for(model_server))
    assert len(result["suggested_replies"]) >= 2
    assert {r["source"] for r in result["suggested_replies"]} == {"template"}
    assert result["drafting"]["source"] == "templates"
    assert result["drafting"]["error"]


def test_a_slow_server_times_out_to_templates(model_server: FakeModelServer) -> None:
    model_server.reply = replies_json(GOOD, GOOD_2)
    model_server.delay = 1.0
    started = time.perf_counter()
    result = assist(ANGRY, settings=settings_for(model_server, timeout=0.2))
    assert time.perf_counter() - started < 1.0
    assert result["drafting"]["source"] == "templates"
    assert "Timeout" in result["drafting"]["error"]


def test_without_an_endpoint_nothing_is_sent() -> None:
    result = assist(ANGRY, settings=Settings(llm_base_url=None))
    assert result["drafting"] == {"source": "templates"}
