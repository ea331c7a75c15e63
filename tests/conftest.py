"""Shared test fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
CONTRACTS = SHARED / "contracts"


def _load_validators() -> dict[str, Any]:
    import jsonschema
    from referencing import Registry, Resource

    names = ("analysis.v1.schema.json", "assist.v1.schema.json", "assist-request.v1.schema.json")
    if not CONTRACTS.is_dir():
        # The schemas are copied into tests/contracts so the suite runs without ../shared too.
        local = Path(__file__).parent / "contracts"
        schemas = {n: json.loads((local / n).read_text()) for n in names}
    else:
        schemas = {n: json.loads((CONTRACTS / n).read_text()) for n in names}
    # "$ref": "analysis.v1.schema.json" resolves against the referring schema's "$id"
    # ("calmdesk/assist.v1"), so each schema is registered under "calmdesk/<name>" as well.
    registry = Registry().with_resources(
        [(n, Resource.from_contents(s)) for n, s in schemas.items()]
        + [(f"calmdesk/{n}", Resource.from_contents(s)) for n, s in schemas.items()]
    )
    return {
        n.split(".")[0]: jsonschema.Draft202012Validator(s, registry=registry)
        for n, s in schemas.items()
    }


@pytest.fixture(scope="session")
def contract() -> dict[str, Any]:
    """JSON Schema validators of the public contracts: "analysis", "assist", "assist-request"."""
    return _load_validators()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once when a compiled engine module is older than its source: the tests would
    run the old code (an editable install compiles once; edits need `pip install -e .`)."""
    import importlib.machinery

    src = Path(__file__).resolve().parents[1] / "src"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        # mypyc puts the code of every compiled module in one library, rebuilt whenever a
        # module changes; each module's own file only points at it.
        for library in src.glob(f"calmdesk__mypyc{suffix}"):
            built = library.stat().st_mtime
            for compiled in (src / "calmdesk").rglob(f"*{suffix}"):
                source = compiled.with_name(compiled.name.removesuffix(suffix) + ".py")
                if source.is_file() and source.stat().st_mtime > built:
                    _stop_stale(source)
        # The feature core is written in C: its library is built from the .c beside it.
        for core in (src / "calmdesk").rglob(f"*{suffix}"):
            source = core.with_name(core.name.removesuffix(suffix) + ".c")
            if source.is_file() and source.stat().st_mtime > core.stat().st_mtime:
                _stop_stale(source)


def _stop_stale(source: Path) -> None:
    pytest.exit(
        f"{source.name} changed after it was compiled: run `pip install -e .` "
        "(or set CALMDESK_PURE_PYTHON=1 for that install to run plain Python)",
        returncode=4,
    )
