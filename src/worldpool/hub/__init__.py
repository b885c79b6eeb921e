"""3PL hub operations: bins, bin stock, counts, and billing per seller."""

from worldpool.hub.billing import StatementLine
from worldpool.hub.ratecard import RateCard, RateRow, load_rate_card
from worldpool.hub.records import (
    ChargeRequest,
    CloseRequest,
    CloseResult,
    Reconciliation,
    SellerTotal,
    Statement,
)

__all__ = [
    "ChargeRequest",
    "CloseRequest",
    "CloseResult",
    "RateCard",
    "RateRow",
    "Reconciliation",
    "SellerTotal",
    "Statement",
    "StatementLine",
    "load_rate_card",
]
