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

    org: str | None = None
    """Organisation (slug) the command line works in; needed only when there are several."""
    user: str | None = None
    """Username the command line acts as (its role applies); empty: the local administrator."""
    pdf_font: Path | None = None
    """A TrueType font with Polish and Finnish letters for PDF reports (found when empty)."""

    llm_base_url: str | None = None
    """OpenAI-compatible endpoint for optional reply drafting (e.g. a local server)."""
    llm_model: str = "default"
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = 10.0

    playbook_dir: Path | None = None
    """A directory with the business's own playbook files (``<lang>/replies.yaml`` ...)."""

    # The server (calmdesk serve); limits protect it from oversized or abusive input.
    api_max_body_bytes: int = Field(default=1_000_000, gt=0)
    """Largest request body the API accepts (413 above it)."""
    api_max_message_chars: int = Field(default=20_000, gt=0)
    """Longest single message the API analyses (422 above it)."""
    api_max_batch: int = Field(default=1_000, gt=0)
    """Most messages in one batch request."""
    api_rate_limit_per_minute: int = Field(default=600, gt=0)
    """Requests one API token or session may make per minute (429 above it)."""
    secret_key: SecretStr | None = None
    """Signs session cookies; empty means a random key kept in ``data_dir/secret_key``."""
    cookie_secure: bool = True
    """Send session cookies only over HTTPS; turn off only for local plain-HTTP use."""
    webhook_max_age_seconds: int = Field(default=300, gt=0)
    """Signed webhook deliveries older than this are rejected as replays."""

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
