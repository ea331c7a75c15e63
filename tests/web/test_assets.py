"""The pages load nothing from elsewhere: no CDN, no external font, script or stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

import calmdesk.web

WEB = Path(calmdesk.web.__file__).parent
EXTERNAL = re.compile(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", re.IGNORECASE)


def test_templates_and_static_files_reference_only_local_assets() -> None:
    files = [*WEB.glob("templates/**/*.html"), *WEB.glob("static/*")]
    assert len(files) > 10
    offenders = [str(f.relative_to(WEB)) for f in files if EXTERNAL.search(f.read_text())]
    assert offenders == []


def test_static_files_are_served_to_visitors(web: TestClient) -> None:
    for name in ("app.css", "assist.js", "common.js", "favicon.svg"):
        answer = web.get(f"/static/{name}")
        assert answer.status_code == 200
        assert answer.text == (WEB / "static" / name).read_text()


def test_pages_forbid_foreign_scripts_and_framing(web: TestClient) -> None:
    policy = web.get("/login").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
