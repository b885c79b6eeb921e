"""The global inventory ledger: the only code that writes inventory state."""

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
