"""``calmdesk train`` and ``calmdesk eval``: build the shipped models and measure them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

DEFAULT_DATA = Path("..") / "shared" / "data"

_err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add ``train`` and ``eval`` to the calmdesk app."""
    app.command("train")(train_command)
    app.command("eval")(eval_command)


def train_command(
    data: Path = typer.Option(DEFAULT_DATA, "--data", help="Training data directory."),
    out: Path | None = typer.Option(
        None, "--out", help="Where to write the model files (default: the package's models)."
    ),
    seed: int = typer.Option(13, "--seed", help="Seed of the validation split and solvers."),
) -> None:
    """Train language, abuse and emotion models from DATA (deterministic for a seed)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from calmdesk.engine.weights import MODELS_DIR
    from calmdesk.train.pipeline import train

    target = out or MODELS_DIR
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=_err
    ) as bar:
        task = bar.add_task("reading data", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total or None)

        report = train(data, target, seed=seed, progress=progress)
    _err.print(f"trained in {report['seconds']} s; wrote {len(report['files'])} files to {target}")
    table = Table(title="validation (model only, threshold tuned on it)")
    for column in ("head", "data set", "precision", "recall", "F1"):
        table.add_column(column)
    for head, sources in report["heads"].items():
        for source, m in sources.items():
            table.add_row(
                head, source, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}"
            )
    Console().print(table)


def eval_command(
    data: Path = typer.Option(DEFAULT_DATA, "--data", help="Training data directory."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the metrics here."),
    seed: int = typer.Option(13, "--seed", help="Seed of the validation split."),
    model_only: bool = typer.Option(
        False, "--model-only", help="Score the learned models without the rules."
    ),
) -> None:
    """Full-pipeline precision/recall/F1 on calmdesk's own validation splits of DATA."""
    from calmdesk.train.evaluate import evaluate

    with _err.status("evaluating") as status:
        rows = evaluate(
            data,
            seed=seed,
            model_only=model_only,
            progress=lambda what: status.update(f"evaluating {what}"),
        )
    # Piped output gets room for every column; a terminal keeps its own width.
    Console(width=None if sys.stdout.isatty() else 150).print(_table(rows))
    if json_out is not None:
        json_out.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", "utf-8")
        _err.print(f"wrote {json_out}")


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="calmdesk on its validation splits (full analysis)")
    columns = ("dataset", "label", "n", "precision", "recall", "f1", "macro_f1", "accuracy")
    extra = "criticism_flagged"
    for column in (*columns, extra):
        text = column in ("dataset", "label")
        table.add_column(column, justify="left" if text else "right", no_wrap=text)
    for row in rows:
        table.add_row(*(_cell(row.get(column)) for column in (*columns, extra)))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
