"""The rule engine compiled by mypyc (setup.py) and its plain Python source agree.

An install compiles the modules listed in setup.py where a C compiler is present; the plain
source is what runs where none is. Both must give the same analysis, byte for byte.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calmdesk.engine.pipeline import analyze_records

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "data" / "realistic_messages.jsonl"


def _compiled_names() -> list[str]:
    """setup.py's COMPILED_MODULES, read without running setup.py."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id == "COMPILED_MODULES":
            return list(ast.literal_eval(node.value))
    raise AssertionError("setup.py names no COMPILED_MODULES")


def _is_extension(module: str) -> bool:
    path = importlib.import_module(module).__file__ or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in CASES.read_text(encoding="utf-8").splitlines()]
    # The obfuscations the normaliser undoes, and inputs at the edges.
    variants = [
        *(t.upper() for t in texts),
        *(t.translate(str.maketrans("ąćęłńóśźżäö", "acelnoszzao")) for t in texts),
        *(t.replace("i", "1").replace("o", "0").replace("a", "@") for t in texts),
        "k.u.r.w.a", "ch*j", "f u c k   y o u", "kuuuurwaaa", "id\u200biota", "іdіоt",
        "", "   ", "!!!", "😡😡😡", "a" * 5000, "Ty debilu!!! " * 40,
    ]  # fmt: skip
    return texts + variants


def test_the_listed_modules_are_compiled_where_a_compiler_is_present() -> None:
    names = _compiled_names()
    assert "engine.rules" in names and "engine.lexicon" in names
    if os.environ.get("CALMDESK_PURE_PYTHON"):
        pytest.skip("installed as plain Python on purpose (CALMDESK_PURE_PYTHON)")
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler on this machine: the engine runs as plain Python")
    plain = [n for n in names if not _is_extension(f"calmdesk.{n}")]
    assert not plain, f"not compiled (reinstall with `pip install -e .`): {plain}"


def test_plain_python_gives_the_same_analysis_as_the_compiled_engine(tmp_path: Path) -> None:
    compiled = [n for n in _compiled_names() if _is_extension(f"calmdesk.{n}")]
    if not compiled:
        pytest.skip("the engine is plain Python here: nothing to compare")
    package = Path(importlib.import_module("calmdesk").__file__ or "").parent
    # A copy of the package with the sources only: there, every module runs as Python.
    shutil.copytree(
        package,
        tmp_path / "calmdesk",
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"),
    )
    texts = _texts()
    source = tmp_path / "texts.json"
    source.write_text(json.dumps(texts), encoding="utf-8")
    script = (
        "import json, sys\n"
        "import calmdesk.engine.rules as rules\n"
        "from calmdesk.engine.pipeline import analyze_records\n"
        "assert rules.__file__.endswith('.py'), rules.__file__\n"
        "texts = json.loads(open(sys.argv[1], encoding='utf-8').read())\n"
        "sys.stdout.write(json.dumps(analyze_records(texts), ensure_ascii=False))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(source)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    plain = json.loads(done.stdout)
    ours = json.loads(json.dumps(analyze_records(texts), ensure_ascii=False))
    differing = [t for t, a, b in zip(texts, plain, ours, strict=True) if a != b]
    assert not differing, f"{len(differing)} texts differ, first: {differing[0]!r}"
    assert len(plain) == len(texts)
