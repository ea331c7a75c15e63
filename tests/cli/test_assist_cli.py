"""``calmdesk assist`` on the command line: JSON out, a table for people, clear input errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CONVERSATION = {
    "messages": [
        {"role": "client", "text": "Jest Pan idiotą, zamówienie 45821 dalej nie dotarło!"},
    ],
    "draft": "Proszę się uspokoić!!!",
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # The real console entry point in a child process, as a user runs it.
    return subprocess.run(
        [sys.executable, "-c", "from calmdesk.cli import main; main()", "assist", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def conversation_file(tmp_path: Path) -> Path:
    path = tmp_path / "conv.json"
    path.write_text(json.dumps(CONVERSATION, ensure_ascii=False), encoding="utf-8")
    return path


def test_file_in_one_json_object_out(conversation_file: Path, contract: dict[str, Any]) -> None:
    done = run("--file", str(conversation_file))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    contract["assist"].validate(result)
    assert result["language"] == "pl"
    assert result["draft_review"]["ok"] is False
    codes = {issue["code"] for issue in result["draft_review"]["issues"]}
    assert {"dismissive", "shouting"} <= codes


def test_standard_input_without_file() -> None:
    done = run(stdin=json.dumps(CONVERSATION))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["facts"]["order"] == "45821"


def test_table_for_people(conversation_file: Path) -> None:
    done = run("--file", str(conversation_file), "--format", "table")
    assert done.returncode == 0, done.stderr
    assert "Stage:" in done.stdout
    assert "Suggested replies" in done.stdout
    assert "Draft review" in done.stdout
    assert "dismissive" in done.stdout
    assert "“Proszę się uspokoić”" in done.stdout  # the offending words, quoted


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "standard input: invalid JSON"),
        ("", "standard input: empty"),
        ("{}", "messages: is required"),
        ('{"messages": []}', "messages: at least one message is required"),
        ('{"messages": [{"role": "boss", "text": "hi"}]}', "messages[0].role: must be"),
        ('{"messages": [{"role": "client", "text": 42}]}', "messages[0].text: must be a string"),
        ('{"messages": [{"role": "client", "text": "a"}], "draft": []}', "draft: must be a string"),
        ("[1, 2]", "conversation: must be a JSON object"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(stdin: str, message: str) -> None:
    done = run(stdin=stdin)
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split())  # rich may wrap the line
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_missing_file_is_named(tmp_path: Path) -> None:
    done = run("--file", str(tmp_path / "nope.json"))
    assert done.returncode == 2
    assert "nope.json: no such file" in " ".join(done.stderr.split())
