"""``python -m calmdesk.train [--data DIR] [--out DIR] [--seed N]``: same as ``calmdesk train``."""

from __future__ import annotations

import sys

import typer

from calmdesk.cli.train import train_command
from calmdesk.errors import CalmdeskError


def main() -> None:
    """Run the training command, with calmdesk's errors as one line and exit code 2."""
    try:
        typer.run(train_command)
    except CalmdeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
