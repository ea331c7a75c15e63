"""`calmdesk serve` for real: the first admin from the CLI, curl-style calls, structured logs
that keep secrets and message bodies out, and a graceful shutdown that finishes a request."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CALMDESK = [sys.executable, "-c", "from calmdesk.cli import main; main()"]
SECRET_TEXT = "Moja tajna wiadomość numer 8812"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_serve_end_to_end_with_graceful_shutdown(tmp_path: Path) -> None:
    env = {**os.environ, "CALMDESK_DATA_DIR": str(tmp_path), "CALMDESK_COOKIE_SECURE": "false"}
    env.pop("CALMDESK_DATABASE_URL", None)
    created = subprocess.run(
        [*CALMDESK, "users", "create-admin", "--org", "acme", "--username", "anna",
         "--password-stdin", "--with-token"],
        input="a long and private passphrase\n", capture_output=True, text=True, env=env,
        check=True, timeout=120,
    )  # fmt: skip
    token = created.stdout.strip().rsplit(" ", 1)[-1]
    assert token.startswith("cdk_")
    port = _free_port()
    server = subprocess.Popen(
        [*CALMDESK, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        auth = {"Authorization": f"Bearer {token}"}
        single = httpx.post(f"{base}/api/v1/analyze", json={"text": SECRET_TEXT}, headers=auth)
        assert single.status_code == 200 and single.json()["language"] == "pl"
        password = "a long and private passphrase"
        sign_in = {"organisation": "acme", "username": "anna", "password": password}
        login = httpx.post(f"{base}/api/v1/session", json=sign_in)
        assert login.status_code == 200
        httpx.post(f"{base}/api/v1/webhooks/generic/acme?secret=query-secret-123", content=b"{}")

        # A big batch is in flight when SIGTERM arrives: it must still be answered in full.
        # Sent on a raw socket, so the whole request is on its way before the signal.
        texts = [f"{SECRET_TEXT} {i}: " + "gdzie jest moja paczka, czekam już tydzień " * 4
                 for i in range(1000)]  # fmt: skip
        payload = json.dumps({"items": [{"text": t} for t in texts]}).encode()
        head = (
            f"POST /api/v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=120) as conn:
            conn.sendall(head + payload)
            time.sleep(0.5)
            server.send_signal(signal.SIGTERM)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.startswith(b"HTTP/1.1 200")
        body = rest.split(b"\r\n\r\n", 1)[1]
        assert len(json.loads(body)["items"]) == 1000
        # uvicorn re-raises the signal once it has shut down cleanly.
        assert server.wait(timeout=60) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
    _, logs = server.communicate(timeout=10)
    records = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    access = [r for r in records if r["logger"] == "calmdesk.api.access"]
    assert {"POST", "GET"} <= {r["method"] for r in access}
    assert any(r["caller"] == token[:12] for r in access)  # the prefix, never the token
    for secret in (token, SECRET_TEXT, "a long and private passphrase", "query-secret-123"):
        assert secret not in logs
