"""The records command line end to end, on a temporary embedded SQLite database."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from calmdesk.cli import main
from calmdesk.settings import get_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """calmdesk's data directory points at a fresh folder (so the database is new)."""
    monkeypatch.setenv("CALMDESK_DATA_DIR", str(tmp_path / "data"))
    for name in ("CALMDESK_DATABASE_URL", "CALMDESK_ORG", "CALMDESK_USER", "CALMDESK_PDF_FONT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """Run ``calmdesk ARGS`` in this process: (exit status, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["calmdesk", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    # Error lines are wrapped to the terminal width; compare them as running text.
    return code, out, " ".join(err.split())


@pytest.fixture
def cli(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> object:
    def call(*args: str) -> tuple[int, str, str]:
        return run(capsys, monkeypatch, *args)

    return call


def test_demo_then_standing_export_and_verify(cli: object, data_dir: Path, tmp_path: Path) -> None:
    call = cli  # type: ignore[assignment]
    code, out, _ = call("demo")
    assert code == 0
    password = re.search(r"one-time password: (\S+)", out)
    assert password and len(password.group(1)) >= 12
    assert (data_dir / "calmdesk.db").is_file()

    code, out, _ = call("clients", "standing", "pawel.zielinski@example.com", "--json")
    standing = json.loads(out)
    assert code == 0 and standing["may_book_online"] is True
    assert standing["pending_recommendation"]["level"] == "deposit_required"

    code, out, _ = call("clients", "standing", "BK-2210")
    # The organisation is Polish: the lines read in Polish, like its labels.
    assert code == 0 and "możliwa rezerwacja online: nie" in out and "przedpłata: 100%" in out

    pdf = tmp_path / "raport.pdf"
    code, out, _ = call("incidents", "export", "1", "--format", "pdf", "--output", str(pdf))
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF-")
    code, out, _ = call("incidents", "export", "1", "--format", "json")
    report = json.loads(out)
    assert report["language"] == "pl" and report["integrity"]["verified"] is True
    assert [q["text"] for q in report["incident"]["quotes"]] == [
        "kompletną idiotką",
        "Zamknij się",
        "debilko",
    ]

    code, out, _ = call("incidents", "verify")
    assert code == 0 and out.startswith("ok: 2 incident(s), 3 event(s)")

    # Someone edits the database behind calmdesk's back.
    with sqlite3.connect(data_dir / "calmdesk.db") as connection:
        connection.execute("UPDATE incidents SET severity = 'low' WHERE id = 2")
    code, _, err = call("incidents", "verify")
    assert code == 2 and "incident 2 no longer matches" in err

    code, _, _ = call("demo")
    assert code == 2  # the demo is not silently created twice


def test_recommendation_review_flow(cli: object) -> None:
    call = cli  # type: ignore[assignment]
    call("demo")
    code, out, _ = call("policy", "recommendations", "--json")
    pending = {r["client"]: r for r in json.loads(out)}
    rec = pending["Paweł Zieliński"]
    code, _, err = call("policy", "approve", str(rec["id"]), "--note", "ok", "--as", "kasia")
    assert code == 2 and "needs the supervisor role" in err
    code, out, _ = call(
        "policy", "approve", str(rec["id"]), "--note", "Dwie nieobecności w 90 dni.", "--as", "ewa"
    )
    assert code == 0 and "approved" in out
    code, out, _ = call("clients", "standing", "BK-4471", "--json")
    standing = json.loads(out)
    assert standing["deposit_percent"] == 20 and standing["why"] == ["Dwie nieobecności w 90 dni."]


def test_incident_add_amend_and_show(cli: object) -> None:
    call = cli  # type: ignore[assignment]
    assert call("orgs", "add", "kavala", "--name", "Kampaamo Kavala", "--language", "fi")[0] == 0
    assert call("clients", "add", "Matti Virtanen", "--email", "matti@example.com")[0] == 0
    code, out, _ = call(
        "incidents",
        "add",
        "--type",
        "verbal_abuse",
        "--severity",
        "medium",
        "--description",
        "Asiakas huusi ja kiroili vastaanotossa.",
        "--client",
        "matti@example.com",
        "--quote",
        "saatanan idiootti",
        "--witness",
        "Liisa Korhonen",
        "--occurred-at",
        "2026-11-20T09:30:00+02:00",
    )
    assert code == 0 and out.startswith("incident 1 recorded")
    code, out, _ = call(
        "incidents",
        "amend",
        "1",
        "--set",
        "status=closed",
        "--set",
        'steps_taken=["Varoitus annettu"]',
        "--reason",
        "Käsitelty",
    )
    assert code == 0
    code, out, _ = call("incidents", "show", "1")
    shown = json.loads(out)
    assert shown["incident"]["status"] == "closed"
    assert shown["incident"]["occurred_at"] == "2026-11-20T07:30:00.000000Z"
    assert [h["kind"] for h in shown["history"]] == ["created", "amended"]
    code, out, _ = call("incidents", "export", "1", "--format", "html", "--redact")
    assert "Tapahtumaraportti nro 1" in out and "Liisa Korhonen" not in out
    code, _, err = call("incidents", "add", "--type", "verbal_abuse")
    assert code == 2 and "missing: --severity, --description" in err


def test_conduct_import_reports_bad_lines_and_imports_nothing(cli: object, tmp_path: Path) -> None:
    call = cli  # type: ignore[assignment]
    call("orgs", "add", "salon", "--name", "Salon")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kind,occurred_at,client_email,client_name\n"
        "no_show,2026-11-01,a@example.com,Anna\n"
        "no_shw,2026-11-02,a@example.com,Anna\n",
        encoding="utf-8",
    )
    code, _, err = call("conduct", "import", str(bad), "--create-clients")
    assert code == 2 and "line 3: kind: 'no_shw'" in err and "nothing was imported" in err
    code, out, _ = call("clients", "list", "--json")
    assert json.loads(out) == []
    good = tmp_path / "good.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace("no_shw", "no_show"), encoding="utf-8")
    code, out, _ = call("conduct", "import", str(good), "--create-clients")
    assert code == 0 and out.strip() == "imported 2 event(s); created 1 client(s)"
    code, out, _ = call("policy", "evaluate", "--client", "a@example.com", "--dry-run")
    assert code == 0 and "client 1:" in out


def test_policy_check_names_the_problem(cli: object, tmp_path: Path) -> None:
    call = cli  # type: ignore[assignment]
    path = tmp_path / "policy.yaml"
    path.write_text(
        "version: 1\nrules:\n  - {id: x, when: {kind: no_show, at_least: 1},"
        " then: {level: blocked}}\n",
        encoding="utf-8",
    )
    code, _, err = call("policy", "check", str(path))
    assert code == 2 and "rule 'x'.then.level" in err
    default = Path(__file__).parents[2] / "src/calmdesk/domain/data/policy.yaml"
    code, out, _ = call("policy", "check", str(default))
    assert code == 0 and "ok, 11 rule(s)" in out


def test_client_export_and_erase(cli: object) -> None:
    call = cli  # type: ignore[assignment]
    call("demo")
    code, out, _ = call("clients", "export", "marek.w@example.com")
    data = json.loads(out)
    assert data["client"]["display_name"] == "Marek Wróblewski" and data["incidents"]
    code, out, _ = call("clients", "erase", "marek.w@example.com", "--reason", "RODO", "--yes")
    assert code == 0 and "now known as client-" in out
    assert call("incidents", "verify")[0] == 0
    code, out, _ = call("retention", "run", "--dry-run")
    assert code == 0 and "would remove" in out


def test_db_upgrade_and_status(cli: object) -> None:
    call = cli  # type: ignore[assignment]
    code, out, _ = call("db", "upgrade")
    assert code == 0 and "(was empty)" in out
    code, out, _ = call("db", "status")
    assert code == 0 and "up to date" in out


def test_a_configured_database_without_tables_names_the_fix(
    cli: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = cli  # type: ignore[assignment]
    monkeypatch.setenv("CALMDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'configured.db'}")
    get_settings.cache_clear()
    code, out, err = call("demo")
    assert code == 2 and out == ""
    assert "has no calmdesk tables: run `calmdesk db upgrade`" in err
    assert "Traceback" not in err
    assert call("db", "upgrade")[0] == 0
    code, out, _ = call("demo")
    assert code == 0 and "magnolia" in out


DOCS = Path(__file__).parents[2] / "docs" / "records.md"
GROUPS = ("db", "orgs", "users", "incidents", "clients", "conduct", "policy", "retention")


def _documented_commands() -> set[tuple[str, ...]]:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    commands: set[tuple[str, ...]] = set()
    for line in block.splitlines():
        if not line.startswith("    calmdesk "):
            continue
        alternatives = line.removeprefix("    calmdesk ").split(" | ")
        first = _words(alternatives[0])
        commands.add(first)
        for other in alternatives[1:]:
            commands.add((first[0], *_words(other)))
    return commands


def _words(text: str) -> tuple[str, ...]:
    words = []
    for token in text.split():
        if not re.fullmatch(r"[a-z][a-z-]*", token):
            break
        words.append(token)
    return tuple(words)


def _command_tree() -> object:
    import typer.main

    from calmdesk.cli import _register, app

    _register()
    return typer.main.get_command(app)


def test_every_documented_command_exists() -> None:
    root = _command_tree()
    for words in sorted(_documented_commands()):
        node = root
        for word in words:
            children = getattr(node, "commands", {})
            assert word in children, f"docs/records.md: calmdesk {' '.join(words)} does not exist"
            node = children[word]


def test_every_records_command_is_documented() -> None:
    root = _command_tree()
    documented = _documented_commands()
    for group in GROUPS:
        for name in root.commands[group].commands:  # type: ignore[attr-defined]
            assert (group, name) in documented, f"calmdesk {group} {name} is not in docs/records.md"
    assert ("demo",) in documented
