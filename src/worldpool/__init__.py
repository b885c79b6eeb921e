"""worldpool: one global inventory pool for cross-border sellers.

List once, stock once, sell everywhere: the ledger holds the pool (origin hub,
in transit, destination fulfilment centres), the catalog holds the reference
facts (marketplaces, nodes, lanes), and the interfaces drive both.
"""

from worldpool._version import __version__
from worldpool.errors import (
    CatalogError,
    ConfigError,
    DriftDetected,
    IdempotencyConflict,
    InputError,
    InsufficientStock,
    LedgerError,
    UnknownReference,
    WorldpoolError,
)

__all__ = [
    "CatalogError",
    "ConfigError",
    "DriftDetected",
    "IdempotencyConflict",
    "InputError",
    "InsufficientStock",
    "LedgerError",
    "UnknownReference",
    "WorldpoolError",
    "__version__",
]
