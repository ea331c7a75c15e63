"""``calmdesk analyze``: the Analysis of one message, or of every message of a file (JSONL out)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import orjson
import typer

from calmdesk.cli.inputs import InputMessage, check_language, read_messages
from calmdesk.errors import InvalidInput

_BATCH = 512


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the calmdesk app."""
    app.command("analyze")(analyze_command)


def analyze_command(
    text: str | None = typer.Argument(None, help="The client's message (quote it)."),
    file: Path | None = typer.Option(
        None,
        "--file",
        "-f",
        help="Messages to analyse: .jsonl (text, id, lang), .csv (text), .txt.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write results here instead of standard output."
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="Language of the messages (pl, fi, en); skips detection."
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.json, "--format", help="json (one object per line) or table (for people)."
    ),
) -> None:
    """Analyse client messages: language, abuse, emotions, intents, severity and evidence."""
    lang = check_language(lang, "--lang")
    if (text is None) == (file is None):
        raise InvalidInput("give either a message text or --file, not both or neither")
    if file is not None:
        messages = read_messages(file)
    else:
        assert text is not None
        messages = [InputMessage(text=text)]
    try:
        sink = output.open("w", encoding="utf-8") if output else nullcontext(sys.stdout)
    except OSError as exc:
        raise InvalidInput(f"{output}: cannot write ({exc.strerror})") from None
    with sink as out:
        results = _analyze_all(messages, lang, show_progress=file is not None)
        if fmt is OutputFormat.table:
            _print_table(list(results), out)
        else:
            # Lines go out batch by batch: holding every result until the end made the cycle
            # collector walk a growing heap (and memory grew with the file).
            pretty = file is None and out.isatty()
            for result in results:
                out.write(_json_line(result, pretty=pretty))


def _json_line(record: dict[str, Any], *, pretty: bool) -> str:
    # orjson writes a line about five times faster than json.dumps (1.8 vs 9.7 µs per analysis,
    # a tenth of the whole per-message cost). It refuses lone surrogates (possible in a text
    # argument decoded from bytes that are not UTF-8) and integers beyond 64 bits; json
    # writes those as before.
    if not pretty:
        try:
            return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(record, ensure_ascii=False, indent=2 if pretty else None) + "\n"


def _analyze_all(
    messages: list[InputMessage], lang: str | None, *, show_progress: bool
) -> Iterator[dict[str, Any]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from calmdesk import analyze_many

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        disable=not show_progress,
        console=_stderr_console(),
    )
    with progress:
        task = progress.add_task("analysing", total=len(messages))
        for start in range(0, len(messages), _BATCH):
            batch = messages[start : start + _BATCH]
            langs = [lang or m.lang for m in batch]
            for message, analysis in zip(
                batch, analyze_many([m.text for m in batch], langs), strict=True
            ):
                record = analysis.to_dict()
                if message.id is not None:
                    record = {"id": message.id, **record}
                yield record
            progress.advance(task, len(batch))


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _print_table(results: list[dict[str, Any]], out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=True)
    for column in ("#", "lang", "severity", "abuse", "to staff", "emotion", "intents", "evidence"):
        table.add_column(column, overflow="fold")
    for number, r in enumerate(results, start=1):
        abuse = r["abuse"]
        flagged = "yes" if abuse["flagged"] else "no"
        evidence = "; ".join(f"{e['label']}: “{e['text']}”" for e in r["evidence"])
        table.add_row(
            str(r.get("id", number)),
            r["language"],
            r["severity"],
            f"{flagged} ({abuse['score']:.2f})",
            "yes" if abuse["directed_at_staff"] else "no",
            r["dominant_emotion"],
            ", ".join(r["intents"]) or "-",
            evidence or "-",
        )
    Console(file=out, width=None if out.isatty() else 140).print(table)
