"""``calmdesk analyze`` end to end: the real console entry point in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

CALMDESK = [sys.executable, "-c", "from calmdesk.cli import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CALMDESK, "analyze", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def said(done: subprocess.CompletedProcess[str]) -> str:
    # Rich may wrap a long error at the terminal width; read it as one line.
    return " ".join(done.stderr.split())


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_one_message_prints_one_contract_object(contract: dict[str, Any]) -> None:
    text = "Jest Pan idiotą, oddawajcie pieniądze!"
    done = run(text)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    contract["analysis"].validate(result)
    assert result["language"] == "pl"
    assert result["abuse"]["flagged"] and result["abuse"]["directed_at_staff"]
    assert result["severity"] == "high"
    insult = next(e for e in result["evidence"] if e["label"] == "insult")
    assert text[insult["start"] : insult["end"]] == insult["text"] == "idiotą"


def test_jsonl_file_keeps_order_ids_and_languages(tmp_path: Path, contract: dict[str, Any]) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "a1", "text": "Tapan sinut", "lang": "fi"},
        {"id": 7, "text": "Thanks, great job!"},
        {"text": "Kurwa, znowu nie działa"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    out = tmp_path / "out.jsonl"
    done = run("--file", str(source), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar where no one watches it
    results = lines(out.read_text(encoding="utf-8"))
    assert [r.get("id") for r in results] == ["a1", 7, None]
    assert "id" not in results[2]
    for result in results:
        contract["analysis"].validate({k: v for k, v in result.items() if k != "id"})
    assert results[0]["language"] == "fi" and results[0]["severity"] == "critical"
    assert results[1]["dominant_emotion"] == "satisfaction"


def test_csv_and_txt_files(tmp_path: Path) -> None:
    csv_file = tmp_path / "in.csv"
    csv_file.write_text('id,text\n1,"Olen ääliö? Ei, sinä olet ääliö"\n2,Hello there\n')
    done = run("--file", str(csv_file))
    assert done.returncode == 0, done.stderr
    results = lines(done.stdout)
    assert [r["id"] for r in results] == ["1", "2"]
    assert results[0]["abuse"]["flagged"]

    txt_file = tmp_path / "in.txt"
    txt_file.write_text("I know where you live\nWhen do you open?\n")
    done = run("--file", str(txt_file))
    results = lines(done.stdout)
    assert [r["severity"] for r in results] == ["critical", "none"]
    assert "question" in results[1]["intents"]


def test_lines_follow_the_encoding_of_standard_output(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Jesteś idiotą\nKiitos paljon!\n", encoding="utf-8")
    done = subprocess.run(
        [*CALMDESK, "analyze", "--file", str(source)],
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-16"},
    )
    assert done.returncode == 0, done.stderr
    results = lines(done.stdout.decode("utf-16"))
    assert [r["language"] for r in results] == ["pl", "fi"]
    assert results[0]["evidence"][0]["text"] == "idiotą"


def test_help_lists_every_area() -> None:
    done = subprocess.run(
        [*CALMDESK, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert all(name in done.stdout for name in ("analyze", "assist", "train", "serve", "db"))
    done = run("--help")
    assert done.returncode == 0 and "--file" in done.stdout


def test_version_alone_prints_the_version() -> None:
    from calmdesk import __version__

    done = subprocess.run([*CALMDESK, "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == __version__


def test_lang_option_skips_detection() -> None:
    done = run("--lang", "fi", "on")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["language"] == "fi"


def test_table_format_is_for_people() -> None:
    done = run("--format", "table", "Ty debilu")
    assert done.returncode == 0, done.stderr
    assert "severity" in done.stdout and "high" in done.stdout
    assert "debilu" in done.stdout


def test_empty_text_is_valid_with_severity_none() -> None:
    done = run("")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["severity"] == "none"


def test_errors_are_one_clear_line_and_non_zero(tmp_path: Path) -> None:
    missing = run("--file", str(tmp_path / "nope.jsonl"))
    assert missing.returncode != 0 and "no such file" in said(missing)
    assert "Traceback" not in missing.stderr

    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text('{"text": "ok"}\n{"text": oops}\n')
    done = run("--file", str(bad_json))
    assert done.returncode != 0 and "line 2" in said(done)
    assert "Traceback" not in done.stderr

    wrong_column = tmp_path / "wrong.csv"
    wrong_column.write_text("message\nhello\n")
    done = run("--file", str(wrong_column))
    assert done.returncode != 0 and '"text" column' in said(done)

    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 10)
    done = run("--file", str(binary))
    assert done.returncode != 0 and "binary" in said(done)
    assert "Traceback" not in done.stderr

    unknown = run("--lang", "de", "Hallo")
    assert unknown.returncode != 0 and "unknown language" in said(unknown)

    usage = run("--bogus", "Hallo")
    assert usage.returncode == 2 and "No such option: --bogus" in said(usage)
    assert "Traceback" not in usage.stderr


def test_a_one_megabyte_message_in_a_file(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    source.write_text(json.dumps({"id": "big", "text": "Jesteś idiotą. " * 70_000}) + "\n")
    done = run("--file", str(source))
    assert done.returncode == 0, done.stderr
    (result,) = lines(done.stdout)
    assert result["id"] == "big" and result["abuse"]["flagged"]


def test_a_lone_surrogate_escape_in_an_id_or_text_is_written_back(tmp_path: Path) -> None:
    source = tmp_path / "odd.jsonl"
    source.write_text(
        '{"id": "\\ud800", "text": "hello"}\n{"id": "b", "text": "bad \\udc00 text"}\n',
        encoding="utf-8",
    )
    for args in (("--output", str(tmp_path / "out.jsonl")), ()):
        done = run("--file", str(source), *args)
        assert done.returncode == 0, said(done)
        output = (tmp_path / "out.jsonl").read_text("utf-8") if args else done.stdout
        assert [record["id"] for record in lines(output)] == ["\ud800", "b"]
