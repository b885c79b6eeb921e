"""Reference catalog: marketplaces, sales channels, nodes and lanes as dated data.

Facts live in CSV files under ``data/`` (every row names its ``source`` and the
``effective_date`` it applies from); users override or extend them with their
own files (see :func:`load_catalog`). Standard library only.
"""

from worldpool.catalog.as_of import in_effect
from worldpool.catalog.catalog import Catalog
from worldpool.catalog.load import CATALOG_ENV, load_catalog

__all__ = ["CATALOG_ENV", "Catalog", "in_effect", "load_catalog"]
