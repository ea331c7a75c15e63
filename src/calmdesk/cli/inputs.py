"""Reading messages to analyse from .jsonl, .csv and .txt files, with errors a person can act on."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from calmdesk.engine.vocabulary import LANGUAGES
from calmdesk.errors import InvalidInput

SUPPORTED_SUFFIXES = (".jsonl", ".csv", ".txt")


@dataclass(slots=True, init=False)
class InputMessage:
    """One message read from a file: its text, optional id and optional language.

    One is made per line read: not frozen (a frozen dataclass sets each field through
    ``object.__setattr__``), with its __init__ written out (compiled by mypyc, see setup.py,
    a generated one would run as interpreted code).
    """

    text: str
    id: Any
    lang: str | None

    def __init__(self, text: str, id: Any = None, lang: str | None = None) -> None:
        self.text = text
        self.id = id
        self.lang = lang


def check_language(lang: str | None, where: str) -> str | None:
    """``lang`` if it is one calmdesk analyses (or empty), else a clear error."""
    if lang in (None, ""):
        return None
    if lang not in LANGUAGES:
        raise InvalidInput(f"{where}: unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def read_messages(path: Path) -> list[InputMessage]:
    """All messages of ``path``, in file order; raises InvalidInput naming the problem."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InvalidInput(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            f"use {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the file ({exc.strerror})") from None
    text = _decode(raw, path)
    if suffix == ".jsonl":
        return _read_jsonl(text, path)
    if suffix == ".csv":
        return list(_read_csv(text, path))
    return [InputMessage(text=line) for line in text.splitlines()]


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw:
        raise InvalidInput(f"{path}: looks like binary data, not UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path}: not valid UTF-8 text (bad byte at position {exc.start}); "
            "save the file as UTF-8"
        ) from None


def _read_jsonl(text: str, path: Path) -> list[InputMessage]:
    messages = []
    for number, line in enumerate(text.splitlines(), start=1):
        # orjson parses a line in a tenth of json's time; what it refuses (NaN, lone surrogate
        # escapes, integers beyond 64 bits, blank lines) takes the slow path below.
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            if not line.strip():
                continue
            obj = _parse_json(line, f"{path}, line {number}")
        # The common line, checked with no per-line work beyond its fields: a text and an
        # optional known language.
        if isinstance(obj, dict):
            message_text, lang = obj.get("text"), obj.get("lang")
            if isinstance(message_text, str) and (lang is None or lang in LANGUAGES):
                messages.append(InputMessage(message_text, obj.get("id"), lang))
                continue
        messages.append(_checked_message(obj, f"{path}, line {number}"))
    return messages


def _checked_message(obj: Any, where: str) -> InputMessage:
    if not isinstance(obj, dict):
        raise InvalidInput(f'{where}: expected a JSON object with a "text" field')
    if "text" not in obj:
        raise InvalidInput(f'{where}: missing the "text" field')
    if not isinstance(obj["text"], str):
        raise InvalidInput(f'{where}: "text" must be a string')
    lang = obj.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise InvalidInput(f'{where}: "lang" must be a string')
    return InputMessage(text=obj["text"], id=obj.get("id"), lang=check_language(lang, where))


def _parse_json(line: str, where: str) -> Any:
    # json reads what orjson refuses, or names the problem.
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None


def _read_csv(text: str, path: Path) -> Iterator[InputMessage]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = reader.fieldnames or []
        if "text" not in fields:
            found = ", ".join(repr(f) for f in fields) or "none"
            raise InvalidInput(f'{path}: no "text" column (columns found: {found})')
        for row in reader:
            where = f"{path}, line {reader.line_num}"
            yield InputMessage(
                text=row["text"] or "",
                id=row.get("id") or None,
                lang=check_language(row.get("lang"), where),
            )
    except csv.Error as exc:
        raise InvalidInput(f"{path}: not a readable CSV file ({exc})") from None
