"""Read the packaged logistics data files (CSV with a source column)."""

from __future__ import annotations

import csv
import io
from importlib import resources

__all__ = ["read_rows", "read_text"]


def read_text(name: str) -> str:
    """Return the text of ``logistics/data/<name>``."""
    return (
        resources.files("worldpool.logistics")
        .joinpath("data")
        .joinpath(name)
        .read_text()
    )


def read_rows(name: str) -> list[dict[str, str]]:
    """Return the rows of the packaged CSV ``name`` as dicts."""
    return list(csv.DictReader(io.StringIO(read_text(name))))
