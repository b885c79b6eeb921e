"""Load the catalog: packaged CSVs, then user overrides, then pick rows by date.

Precedence, lowest first: the packaged files, the paths in the
``WORLDPOOL_CATALOG`` environment variable (in order), then the paths passed
to :func:`load_catalog` (in order). A later layer's rows for an id replace
*all* earlier rows of that id (its whole dated history), so an override always
takes effect whatever dates it carries. Then, per id, the row with the latest
``effective_date`` on or before ``as_of`` is chosen (see :mod:`.as_of`), and
cross-references are checked on the result.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from worldpool.catalog._records import (
    CHANNELS,
    LANES,
    MARKETPLACES,
    NODES,
    Located,
    Table,
)
from worldpool.catalog._references import check_references
from worldpool.catalog._rows import read_rows
from worldpool.catalog.as_of import in_effect, today_utc
from worldpool.catalog.catalog import Catalog
from worldpool.domain.market import Channel, Marketplace
from worldpool.domain.network import Lane, Node
from worldpool.errors import CatalogError

__all__ = ["CATALOG_ENV", "load_catalog"]

CATALOG_ENV = "WORLDPOOL_CATALOG"
"""Environment variable: os.pathsep-separated override directories or files."""

_TABLES: tuple[Table[Marketplace] | Table[Channel] | Table[Node] | Table[Lane], ...]
_TABLES = (MARKETPLACES, CHANNELS, NODES, LANES)
_NAMES = tuple(table.name for table in _TABLES)

T = TypeVar("T", Marketplace, Channel, Node, Lane)
# A file's decoded text and the name its errors should carry, by file name.
_Sources = Mapping[str, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class _Layer:
    """The rows of one source of catalog files (packaged or one override)."""

    marketplaces: tuple[Located[Marketplace], ...]
    channels: tuple[Located[Channel], ...]
    nodes: tuple[Located[Node], ...]
    lanes: tuple[Located[Lane], ...]


def load_catalog(
    overrides: Sequence[Path | str] | Path = (), *, as_of: date | None = None
) -> Catalog:
    """Return the catalog in force on ``as_of``, with overrides applied.

    Args:
        overrides: Directories holding any of marketplaces.csv, channels.csv,
            nodes.csv and lanes.csv, or single files with one of those names.
            Applied after the packaged data and after ``WORLDPOOL_CATALOG``
            (explicit paths win), in order. A single path (str or Path) is
            accepted too.
        as_of: The day whose rules apply; defaults to today in UTC.

    Returns:
        The merged, date-resolved, reference-checked catalog.

    Raises:
        CatalogError: naming file, row, field and value of the first problem.
    """
    if isinstance(overrides, str | Path):
        overrides = (overrides,)
    day = today_utc() if as_of is None else as_of
    paths = (*_env_paths(), *overrides)
    layers = (_packaged(), *(_override(Path(path)) for path in paths))
    marketplaces = _merge((layer.marketplaces for layer in layers), day)
    nodes = _merge((layer.nodes for layer in layers), day)
    lanes = _merge((layer.lanes for layer in layers), day)
    check_references(marketplaces, nodes, lanes)
    return Catalog(
        marketplaces=_freeze(marketplaces),
        channels=_freeze(_merge((layer.channels for layer in layers), day)),
        nodes=_freeze(nodes),
        lanes=_freeze(lanes),
        as_of=day,
    )


def _env_paths() -> tuple[str, ...]:
    value = os.environ.get(CATALOG_ENV, "")
    return tuple(part for part in value.split(os.pathsep) if part.strip())


@functools.lru_cache(maxsize=1)
def _packaged() -> _Layer:
    # Parsed once per process: the records are immutable, so sharing is safe.
    data = resources.files("worldpool.catalog").joinpath("data")
    return _layer(
        {
            name: (
                data.joinpath(name).read_text(encoding="utf-8-sig"),
                f"worldpool/catalog/data/{name}",
            )
            for name in _NAMES
        }
    )


def _override(path: Path) -> _Layer:
    if path.is_dir():
        files = {name: path / name for name in _NAMES if (path / name).is_file()}
        if not files:
            raise CatalogError(
                f"directory holds none of {', '.join(_NAMES)}", record=str(path)
            )
    elif path.is_file():
        if path.name not in _NAMES:
            raise CatalogError(
                f"override file must be named one of {', '.join(_NAMES)}",
                record=str(path),
                value=path.name,
            )
        files = {path.name: path}
    else:
        raise CatalogError("override path does not exist", record=str(path))
    return _layer({name: (_read_text(file), str(file)) for name, file in files.items()})


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError("not UTF-8 text", record=str(path)) from exc
    except OSError as exc:
        raise CatalogError(
            f"cannot read file: {exc.strerror}", record=str(path)
        ) from exc


def _layer(sources: _Sources) -> _Layer:
    return _Layer(
        marketplaces=_parse(MARKETPLACES, sources),
        channels=_parse(CHANNELS, sources),
        nodes=_parse(NODES, sources),
        lanes=_parse(LANES, sources),
    )


def _parse(table: Table[T], sources: _Sources) -> tuple[Located[T], ...]:
    if table.name not in sources:
        return ()
    text, record = sources[table.name]
    rows = read_rows(text, record, table.columns)
    located = tuple(Located(table.parse(row), row) for row in rows)
    seen: set[tuple[str, date]] = set()
    for item in located:
        key = (item.id, item.effective_date)
        if key in seen:
            item.row.fail(
                "effective_date", f"id {item.id!r} already has a row from this date"
            )
        seen.add(key)
    return located


def _merge(
    layers: Iterable[tuple[Located[T], ...]], day: date
) -> dict[str, Located[T]]:
    # A later layer replaces the whole dated history of each id it mentions.
    history: dict[str, list[Located[T]]] = {}
    for layer in layers:
        fresh: dict[str, list[Located[T]]] = {}
        for item in layer:
            fresh.setdefault(item.id, []).append(item)
        history.update(fresh)
    return in_effect(chain.from_iterable(history.values()), day)


def _freeze(located: Mapping[str, Located[T]]) -> Mapping[str, T]:
    return MappingProxyType({key: located[key].item for key in sorted(located)})
