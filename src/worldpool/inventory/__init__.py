"""Inventory capability: SKUs, receipts, movements, balances, ATP, journal, drift.

Everything here goes through :mod:`worldpool.inventory.service` (functions of a
:class:`~worldpool.context.Context`); the records it returns are re-exported so
interfaces never import the ledger.
"""

from worldpool.inventory.service import (
    BatchOutcome,
    DeadLetter,
    DriftReport,
    ImportRecord,
    JournalEntry,
    PostResult,
    RowProblem,
    StoredDeadLetter,
    asn_status,
    atp,
    balances,
    check,
    dead_letter,
    dead_letters,
    get_sku,
    import_skus,
    imports,
    init_schema,
    journal,
    post_movement,
    receive_asn,
)

__all__ = [
    "BatchOutcome",
    "DeadLetter",
    "DriftReport",
    "ImportRecord",
    "JournalEntry",
    "PostResult",
    "RowProblem",
    "StoredDeadLetter",
    "asn_status",
    "atp",
    "balances",
    "check",
    "dead_letter",
    "dead_letters",
    "get_sku",
    "import_skus",
    "imports",
    "init_schema",
    "journal",
    "post_movement",
    "receive_asn",
]
