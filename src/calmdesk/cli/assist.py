"""``calmdesk assist``: stage, next actions, replies and draft review for a conversation."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from calmdesk.errors import InvalidInput


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def register(app: typer.Typer) -> None:
    """Add ``assist`` to the calmdesk app."""
    app.command("assist")(assist_command)


def assist_command(
    file: Path | None = typer.Option(
        None,
        "--file",
        "-f",
        help="The conversation as JSON (messages, draft, context); standard input without it.",
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.json, "--format", help="json (one object) or table (for people)."
    ),
) -> None:
    """Guide the reply: stage, next actions, suggested replies, draft review, incident."""
    from calmdesk.playbook import assist

    conversation = _read_conversation(file)
    result = assist(conversation)
    if fmt is OutputFormat.table:
        draft = conversation.get("draft") if isinstance(conversation, dict) else None
        _print_table(result, draft if isinstance(draft, str) else "")
    else:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


def _read_conversation(file: Path | None) -> Any:
    where = str(file) if file is not None else "standard input"
    try:
        raw = file.read_bytes() if file is not None else sys.stdin.buffer.read()
    except FileNotFoundError:
        raise InvalidInput(f"{where}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{where}: is a directory, not a file") from None
    except OSError as exc:
        raise InvalidInput(f"{where}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{where}: not valid UTF-8 text (bad byte at position {exc.start})"
        ) from None
    if not text.strip():
        raise InvalidInput(f'{where}: empty; expected a JSON object with "messages"')
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{where}: invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


def _print_table(result: dict[str, Any], draft: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 120)
    analysis = result["client_analysis"]
    console.print(
        f"[bold]Stage:[/] {result['stage']}   [bold]Language:[/] {result['language']}   "
        f"[bold]Client:[/] {analysis['dominant_emotion']}, severity {analysis['severity']}",
        highlight=False,
    )
    actions = Table(title="Next actions", show_lines=False)
    actions.add_column("#")
    actions.add_column("action")
    actions.add_column("why", overflow="fold")
    for number, item in enumerate(result["action_reasons"], start=1):
        actions.add_row(str(number), item["action"], item["reason"])
    console.print(actions)
    replies = Table(title="Suggested replies", show_lines=True)
    replies.add_column("purpose")
    replies.add_column("reply", overflow="fold")
    for reply in result["suggested_replies"]:
        replies.add_row(reply["purpose"], reply["text"])
    console.print(replies)
    review = result["draft_review"]
    if review is not None:
        if review["ok"]:
            console.print("[bold green]Draft: no issues found.[/]")
        else:
            issues = Table(title="Draft review", show_lines=True)
            issues.add_column("issue")
            issues.add_column("words", overflow="fold")
            issues.add_column("advice", overflow="fold")
            for issue in review["issues"]:
                whole = issue["start"] == 0 and issue["end"] == len(draft)
                words = "(whole draft)" if whole else f"“{draft[issue['start'] : issue['end']]}”"
                issues.add_row(issue["code"], words, issue["advice"])
            console.print(issues)
    incident = result["incident"]
    if incident["recommended"]:
        console.print("[bold red]Document an incident:[/] " + "; ".join(incident["reasons"]))
