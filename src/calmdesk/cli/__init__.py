"""The ``calmdesk`` command line (Typer). Commands live in one module per area."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from calmdesk.errors import CalmdeskError

app = typer.Typer(
    name="calmdesk",
    help="calmdesk: read difficult client messages, guide the reply, keep records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_err = Console(stderr=True)


def _register() -> None:
    # Each area adds its own commands; imports stay light (heavy work is imported lazily).
    from calmdesk.cli import analyze, assist, records, serve, train

    for module in (analyze, assist, records, train, serve):
        module.register(app)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Show the version and exit."),
) -> None:
    if version:
        from calmdesk import __version__

        typer.echo(__version__)
        raise typer.Exit()


def main() -> None:
    """Entry point of the console script: calmdesk's errors become one clear line, exit 2."""
    _register()
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except CalmdeskError as exc:
        _err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _err.print("aborted")
        sys.exit(1)
    except KeyboardInterrupt:
        _err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
