"""The global inventory ledger: the only code that writes inventory state."""

# Importing order_tables registers the orders/api_keys tables on the shared metadata.
from worldpool.ledger import audit_tables as audit_tables
from worldpool.ledger import order_tables as order_tables
from worldpool.ledger import plan_tables as plan_tables
from worldpool.ledger import user_tables as user_tables
from worldpool.ledger.check import Drift, DriftReport
from worldpool.ledger.deadletter import DeadLetter
from worldpool.ledger.history import JournalEntry
from worldpool.ledger.journal import PostResult
from worldpool.ledger.store import BatchResult, Ledger

__all__ = [
    "BatchResult",
    "DeadLetter",
    "Drift",
    "DriftReport",
    "JournalEntry",
    "Ledger",
    "PostResult",
]
