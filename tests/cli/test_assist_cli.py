"""``calmdesk assist`` on the command line: JSON out, a table for people, clear input errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from calmdesk.cli import main

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


def run_in_process(
    args: list[str],
    stdin: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """The same entry point in this process (fast), for the error paths."""
    monkeypatch.setattr(sys, "argv", ["calmdesk", "assist", *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = 0
    try:
        main()
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())  # rich may wrap the line


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
def test_bad_input_is_one_clear_line_and_exit_2(
    stdin: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_in_process([], stdin, monkeypatch, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert out == ""


def test_bad_input_through_the_console_script_has_no_traceback() -> None:
    done = run(stdin='{"messages": [{"role": "boss", "text": "hi"}]}')
    assert done.returncode == 2
    assert "messages[0].role: must be 'client' or 'agent'" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr


def test_standard_input_without_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_in_process([], json.dumps(CONVERSATION), monkeypatch, capsys)
    assert code == 0
    assert json.loads(out)["facts"]["order"] == "45821"


def test_table_for_people(
    conversation_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--file", str(conversation_file), "--format", "table"]
    code, out, _ = run_in_process(args, "", monkeypatch, capsys)
    assert code == 0
    assert "Stage:" in out
    assert "Suggested replies" in out
    assert "Draft review" in out
    assert "dismissive" in out
    assert "“Proszę się uspokoić”" in out  # the offending words, quoted


def test_missing_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_in_process(["--file", str(tmp_path / "nope.json")], "", monkeypatch, capsys)
    assert code == 2
    assert "nope.json: no such file" in err
