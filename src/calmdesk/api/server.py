"""The application as uvicorn loads it in each worker process (``calmdesk serve``)."""

from __future__ import annotations

from fastapi import FastAPI

from calmdesk.api.app import create_app
from calmdesk.api.logs import configure_logging
from calmdesk.settings import get_settings


def build() -> FastAPI:
    """Factory for uvicorn: settings from the environment, JSON logs on stderr."""
    configure_logging()
    return create_app(get_settings())
