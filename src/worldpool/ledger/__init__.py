"""The global inventory ledger: the only code that writes inventory state."""

# Importing order_tables registers the orders/api_keys tables on the shared metadata.
from worldpool.ledger import assistant_tables as assistant_tables
from worldpool.ledger import audit_tables as audit_tables
from worldpool.ledger import carrier_tables as carrier_tables
from worldpool.ledger import connector_tables as connector_tables
from worldpool.ledger import hs_tables as hs_tables
from worldpool.ledger import hub_tables as hub_tables
from worldpool.ledger import import_tables as import_tables
from worldpool.ledger import logistics_tables as logistics_tables
from worldpool.ledger import order_tables as order_tables
from worldpool.ledger import plan_tables as plan_tables
from worldpool.ledger import profit_tables as profit_tables
from worldpool.ledger import user_tables as user_tables
from worldpool.ledger.check import Drift, DriftReport
from worldpool.ledger.dead_letter_store import DeadLetter, StoredDeadLetter
from worldpool.ledger.history import JournalEntry
from worldpool.ledger.journal import PostResult
from worldpool.ledger.retry import RetryPolicy, retrying
from worldpool.ledger.store import BatchResult, Ledger

__all__ = [
    "BatchResult",
    "DeadLetter",
    "Drift",
    "DriftReport",
    "JournalEntry",
    "Ledger",
    "PostResult",
    "RetryPolicy",
    "StoredDeadLetter",
    "retrying",
]
