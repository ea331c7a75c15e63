"""The ``calmdesk`` command line (Typer). Commands live in one module per area."""

from __future__ import annotations

import gc
import os
import sys

import typer

from calmdesk.errors import CalmdeskError

app = typer.Typer(
    name="calmdesk",
    help="calmdesk: read difficult client messages, guide the reply, keep records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register(command: str | None = None) -> None:
    # Each area adds its own commands; imports stay light (heavy work is imported lazily).
    # ``analyze`` alone skips the other areas' modules (30 ms of a run's start-up); any other
    # command, help and usage errors see them all.
    from calmdesk.cli import analyze

    analyze.register(app)
    if command == "analyze":
        return
    from calmdesk.cli import assist, records, serve, train

    for module in (assist, records, train, serve):
        module.register(app)


def _error(message: str) -> None:
    # rich loads only when there is something to say (20 ms of start-up otherwise).
    from rich.console import Console

    Console(stderr=True).print(message, highlight=False)


def _show_version(value: bool) -> None:
    if value:
        from calmdesk import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    # Eager, with its own callback: the group's callback runs only once a command is given, so
    # "calmdesk --version" alone stopped at "Missing command".
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    del version  # handled by _show_version


def main() -> None:
    """Entry point of the console script: calmdesk's errors become one clear line, exit 2."""
    command = sys.argv[1] if len(sys.argv) > 1 else None
    if command == "analyze":
        # Analysis uses no BLAS, yet OpenBLAS starts a thread per core when numpy loads: 55 ms
        # of a one-message run on two cores (none where the process is pinned to one core).
        # Set before numpy loads; a value already set stands.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _register(command)
    try:
        code = app(standalone_mode=False)
        # The process ends here. The full collections Python runs at exit would walk all the
        # engine built (lexicons, caches, token tables: 47 ms after 60,000 messages); nothing
        # in it needs finalising, and frozen objects are skipped.
        gc.freeze()
        if isinstance(code, int) and code:
            sys.exit(code)
    except CalmdeskError as exc:
        _error(f"[bold red]error:[/] {exc}")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _error("aborted")
        sys.exit(1)
    except KeyboardInterrupt:
        _error("interrupted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        raise


def _is_usage_error(exc: Exception) -> bool:
    # Newer Typer releases carry their own copy of click, whose errors are not click's.
    import click

    own = getattr(typer, "TyperException", None)
    if isinstance(exc, click.ClickException):
        return True
    return own is not None and isinstance(exc, own) and hasattr(exc, "show")
