"""Settings read from ``WORLDPOOL_*`` environment variables.

Read by services and interfaces only; the pure core takes explicit arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["DATABASE_ENV", "DEFAULT_DATABASE_URL", "Settings"]

DATABASE_ENV = "WORLDPOOL_DATABASE_URL"
"""Environment variable holding the SQLAlchemy database URL."""

DEFAULT_DATABASE_URL = "sqlite:///worldpool.db"
"""Embedded default: a SQLite file in the working directory."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Process-wide settings."""

    database_url: str = DEFAULT_DATABASE_URL
    """SQLAlchemy URL: ``sqlite:///path.db`` or ``postgresql+psycopg://...``."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``)."""
        source = os.environ if env is None else env
        return cls(database_url=source.get(DATABASE_ENV, DEFAULT_DATABASE_URL))
