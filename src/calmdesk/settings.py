"""One typed settings object, read once from the environment (prefix ``CALMDESK_``).

Nothing else in calmdesk reads ``os.environ``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("calmdesk", appauthor=False))


class Settings(BaseSettings):
    """calmdesk configuration; every field can be set as ``CALMDESK_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CALMDESK_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    """Where the embedded SQLite database and other local files live."""

    database_url: str | None = None
    """SQLAlchemy URL; empty means the embedded SQLite file in ``data_dir``."""

    llm_base_url: str | None = None
    """OpenAI-compatible endpoint for optional reply drafting (e.g. a local server)."""
    llm_model: str = "default"
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = 10.0

    @property
    def resolved_database_url(self) -> str:
        """The database to use: ``database_url`` or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'calmdesk.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
