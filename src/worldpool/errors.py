"""The worldpool exception tree.

Every error message names the record, the field and the offending value, so a
seller can fix the input without reading code::

    WorldpoolError
    ├── InputError                 bad input: file/record, row, field, value
    │   ├── CatalogError           a reference-data file is malformed
    │   └── UnknownReference       an id (SKU, node, marketplace, lane) is not known
    ├── LedgerError                the ledger refused a movement
    │   ├── InsufficientStock      a transfer/reserve/ship exceeds what is there
    │   ├── IdempotencyConflict    a key was reused with a different payload
    │   └── DriftDetected          balances disagree with the journal
    ├── ConfigError                settings cannot be used
    │   └── NotInitialised         no database, or its schema is missing/old
    └── Forbidden                  the acting user/key may not do this (seller, role)

Interfaces map each class to one exit code / HTTP status in one place
(``worldpool.interfaces.cli.errors``).
"""

from __future__ import annotations

__all__ = [
    "CatalogError",
    "ConfigError",
    "DriftDetected",
    "Forbidden",
    "IdempotencyConflict",
    "InputError",
    "InsufficientStock",
    "LedgerError",
    "NotInitialised",
    "UnknownReference",
    "WorldpoolError",
]


class WorldpoolError(Exception):
    """Base class of every error worldpool raises on purpose."""


class InputError(WorldpoolError, ValueError):
    """Bad input, located as precisely as possible.

    Args:
        message: What is wrong, in one sentence.
        record: The file name or record id the problem is in (e.g. ``asn.csv``).
        row: 1-based data row number in a file (header is row 0), if any.
        field: The field (column) that is wrong, if any.
        value: The offending value, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        record: str | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.record = record
        self.row = row
        self.field = field
        self.value = value
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.record is not None:
            where.append(str(self.record))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.message}" if prefix else self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        return text


class CatalogError(InputError):
    """A reference-data file (catalog or user override) is malformed."""


class UnknownReference(InputError):
    """An identifier does not name a known SKU, node, marketplace or lane."""


class LedgerError(WorldpoolError):
    """The ledger refused a movement; nothing was written."""


class InsufficientStock(LedgerError):
    """A movement asks for more units than the source state holds.

    Args:
        sku: The SKU id.
        node: The node id.
        state: The stock state that is short (``available``, ``on_hand``, ...).
        requested: Units asked for.
        available: Units there.
    """

    def __init__(
        self, sku: str, node: str, state: str, requested: int, available: int
    ) -> None:
        self.sku = sku
        self.node = node
        self.state = state
        self.requested = requested
        self.available = available
        super().__init__(
            f"sku {sku!r} at node {node!r}: {state} is {available}, "
            f"cannot take {requested}"
        )


class IdempotencyConflict(LedgerError):
    """An idempotency key was delivered again with a different payload."""


class DriftDetected(LedgerError):
    """Stored balances disagree with the balances recomputed from the journal."""


class ConfigError(WorldpoolError):
    """Settings (env vars, config file) cannot be used."""


class NotInitialised(ConfigError):
    """The database does not exist or its schema is not at this version.

    The fix is always the same: run ``worldpool init`` (which creates or
    upgrades the schema) against the same database URL.
    """


class Forbidden(WorldpoolError):
    """The acting user or key may not do this (another seller's data, a role)."""
