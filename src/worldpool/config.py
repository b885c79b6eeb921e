"""Settings: one typed object, read in one place.

Values come from, in increasing priority: the defaults below, an optional TOML
config file (``WORLDPOOL_CONFIG``, else ``./worldpool.toml`` when it exists, in
its ``[worldpool]`` table or at top level), and ``WORLDPOOL_*`` environment
variables. Read by services and interfaces only; the pure core takes explicit
arguments. Secrets (``secret_key``, provider secrets) are never printed: the
``repr`` masks them.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from worldpool.errors import ConfigError

__all__ = [
    "CONFIG_ENV",
    "DATABASE_ENV",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_SELLER",
    "Settings",
]

DATABASE_ENV = "WORLDPOOL_DATABASE_URL"
"""Environment variable holding the SQLAlchemy database URL."""

CONFIG_ENV = "WORLDPOOL_CONFIG"
"""Environment variable naming the TOML config file."""

DEFAULT_DATABASE_URL = "sqlite:///worldpool.db"
"""Embedded default: a SQLite file in the working directory."""

DEFAULT_SELLER = "default"
"""The seller every row belongs to on a single-seller install."""

_SECRET_FIELDS = frozenset({"secret_key", "llm_api_key"})


@dataclass(frozen=True, slots=True)
class Settings:
    """Process-wide settings (see the module docstring for where they come from)."""

    database_url: str = DEFAULT_DATABASE_URL
    """SQLAlchemy URL: ``sqlite:///path.db`` or ``postgresql+psycopg://...``."""
    catalog_dir: str | None = None
    """Folder of catalog override CSV files (``WORLDPOOL_CATALOG``)."""
    fx_file: str | None = None
    """FX rates CSV overriding/extending the packaged table (``WORLDPOOL_FX_FILE``)."""
    default_seller: str = DEFAULT_SELLER
    """Seller a context acts for when none is named (single-seller installs)."""
    secret_key: str | None = field(default=None, repr=False)
    """Key that encrypts stored credentials (``WORLDPOOL_SECRET_KEY``); never logged."""
    llm_base_url: str | None = None
    """OpenAI-compatible endpoint for the assistant's conversation (optional)."""
    llm_model: str | None = None
    """Model name at ``llm_base_url``."""
    llm_api_key: str | None = field(default=None, repr=False)
    """API key for ``llm_base_url`` (optional; never logged)."""
    language: str = "en"
    """Default language of user-facing text (``en`` or ``zh-CN``)."""
    approval_policy_file: str | None = None
    """CSV overriding the assistant's approval policy, per action and seller."""
    tax_ids: str | None = None
    """Seller's tax-scheme numbers as ``IOSS=IM...;VAT=GB...`` (``NAME:MARKET=``
    for one market); the assistant flags markets shipped to without one."""

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, config: Path | None = None
    ) -> Settings:
        """Build settings from a config file and ``env`` (default: ``os.environ``).

        Args:
            env: Environment variables; ``WORLDPOOL_<FIELD>`` sets ``field``.
            config: TOML file; default ``WORLDPOOL_CONFIG`` or ``./worldpool.toml``.

        Raises:
            ConfigError: naming the file and key of an unreadable or unknown value.
        """
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        path = config or _config_path(source)
        if path is not None:
            values.update(_read_toml(path))
        for f in fields(cls):
            key = "WORLDPOOL_" + f.name.upper()
            if key in source:
                values[f.name] = source[key]
        if "WORLDPOOL_CATALOG" in source:
            values["catalog_dir"] = source["WORLDPOOL_CATALOG"]
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied (e.g. a ``--db`` option)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={'***' if f.name in _SECRET_FIELDS else getattr(self, f.name)!r}"
            for f in fields(self)
        )
        return f"Settings({shown})"


def _config_path(env: Mapping[str, str]) -> Path | None:
    named = env.get(CONFIG_ENV)
    if named:
        return Path(named)
    local = Path("worldpool.toml")
    return local if local.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    table = data.get("worldpool", data)
    known = {f.name for f in fields(Settings)}
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: unknown setting {key!r}")
    return {k: str(v) for k, v in table.items()}
