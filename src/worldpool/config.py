"""Settings read from ``WORLDPOOL_*`` environment variables.

Read by services and interfaces only; the pure core takes explicit arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

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
    catalog_paths: tuple[str, ...] = field(default_factory=tuple)
    """User catalog override files or folders, applied over the packaged catalog."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``)."""
        source = os.environ if env is None else env
        paths = source.get("WORLDPOOL_CATALOG", "")
        return cls(
            database_url=source.get(DATABASE_ENV, DEFAULT_DATABASE_URL),
            catalog_paths=tuple(p for p in paths.split(os.pathsep) if p),
        )
