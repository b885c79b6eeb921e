"""The seller assistant: signals, ranking, approval policy and actions on approval.

The pure engine (:func:`stockout_risk` and the other signal builders) turns
stock, forecasts, orders and customs checks into :class:`Signal` records,
each with an explanation, its numbers and one :class:`ProposedAction`;
:func:`rank` orders them by expected money impact; :class:`ApprovalPolicy`
(data, per action type, per seller) says whether an action is only
suggested, needs a person's approval, or runs by itself within limits.
``worldpool.assistant.service`` persists proposals and carries actions out
through the other capabilities' services.
"""

from worldpool.assistant.signal import (
    ActionKind,
    ProposedAction,
    Signal,
    SignalKind,
    explain,
)
from worldpool.assistant.stockout import (
    StockoutInputs,
    StockoutRisk,
    moments_from_quantiles,
    stockout_risk,
)

__all__ = [
    "ActionKind",
    "ProposedAction",
    "Signal",
    "SignalKind",
    "StockoutInputs",
    "StockoutRisk",
    "explain",
    "moments_from_quantiles",
    "stockout_risk",
]
