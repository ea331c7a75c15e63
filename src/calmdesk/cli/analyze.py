"""``calmdesk analyze``: the Analysis of one message, or of every message of a file (JSONL out)."""

from __future__ import annotations

import codecs
import gc
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
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
        batches = _analyze_all(messages, lang, show_progress=file is not None)
        if fmt is OutputFormat.table:
            _print_table([record for batch in batches for record in batch], out)
        elif file is None and out.isatty():
            for batch in batches:
                for record in batch:
                    out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        else:
            # Lines go out batch by batch: holding every result until the end made the cycle
            # collector walk a growing heap (and memory grew with the file).
            _write_lines(batches, out)


def _write_lines(batches: Iterator[list[dict[str, Any]]], out: IO[str]) -> None:
    # orjson writes a line about five times faster than json.dumps (1.8 vs 9.7 µs per analysis,
    # a tenth of the whole per-message cost). Each batch goes out in one write of UTF-8 bytes,
    # under the text layer where the stream is UTF-8: decoding every line for the text layer
    # to encode it again cost a fifth of the writing.
    raw: IO[bytes] | None = None
    if codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8":
        raw = getattr(out, "buffer", None)
    out.flush()
    for batch in batches:
        try:
            lines = b"".join([orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in batch])
        except orjson.JSONEncodeError:
            # orjson refuses lone surrogates (possible in an id read from JSON escapes) and
            # integers beyond 64 bits; json writes those, through the text layer as before.
            for record in batch:
                out.write(_json_line(record))
            out.flush()
            continue
        if raw is None:
            out.write(lines.decode())
        else:
            raw.write(lines)


def _json_line(record: dict[str, Any]) -> str:
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode()
    except orjson.JSONEncodeError:
        line = json.dumps(record, ensure_ascii=False) + "\n"
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (an id or text read from a JSON escape such as "\ud800") has no
        # UTF-8 form: the line keeps it as the same escape, which reads back to the same value.
        line = json.dumps(record) + "\n"
    return line


def _analyze_all(
    messages: list[InputMessage], lang: str | None, *, show_progress: bool
) -> Iterator[list[dict[str, Any]]]:
    # The cycle collector stays off while the engine loads and the file is read: it would walk
    # the lexicons and models loaded (millions of objects, none in a cycle) and each batch of
    # results, freed by reference counting once written: 1% of the instructions of a run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from calmdesk.engine.pipeline import analyze_records

        with _progress(len(messages), show=show_progress) as advance:
            for start in range(0, len(messages), _BATCH):
                batch = messages[start : start + _BATCH]
                langs = [lang or m.lang for m in batch]
                records = analyze_records([m.text for m in batch], langs)
                for i, message in enumerate(batch):
                    if message.id is not None:
                        records[i] = {"id": message.id, **records[i]}
                yield records
                advance(len(batch))
    finally:
        if collecting:
            gc.enable()


@contextmanager
def _progress(total: int, *, show: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error while a file is read, where a person watches it."""
    if not show or not sys.stderr.isatty():
        # Off a terminal rich draws nothing but a closing newline, yet it costs 20 ms to load
        # and runs a refresh thread.
        yield lambda done: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=_stderr_console(),
    )
    with progress:
        task = progress.add_task("analysing", total=total)
        yield lambda done: progress.advance(task, done)


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
