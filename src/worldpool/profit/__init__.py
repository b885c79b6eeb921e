"""Profit engine: fees, unit economics, price advice, best markets, expansion.

Pure core (no database, no network): the dated fee book
(:func:`load_fee_book`), explained unit economics (:func:`unit_economics`)
and its vectorised twin (:mod:`worldpool.profit.bulk`), price advice from a
constant-elasticity demand curve (:func:`optimal_price`), demand in new
markets from a SKU's own and similar SKUs' sales (:func:`expected_revenue`),
market ranking and one-step expansion plans. ``service.py`` joins them to the
ledger.
"""

from worldpool.profit._problem import EconomicsProblem, Mode
from worldpool.profit.buyers import BuyerIndex, buyer_counts
from worldpool.profit.demand import (
    DemandParams,
    MarketHistory,
    TitleIndex,
    expected_revenue,
)
from worldpool.profit.economics import EconomicsLine, UnitEconomics, unit_economics
from worldpool.profit.fees import FeeBook, load_fee_book
from worldpool.profit.price import (
    ElasticityFit,
    PriceAdvice,
    PriceBounds,
    fit_elasticity,
    optimal_price,
)

__all__ = [
    "BuyerIndex",
    "DemandParams",
    "EconomicsLine",
    "EconomicsProblem",
    "ElasticityFit",
    "FeeBook",
    "MarketHistory",
    "Mode",
    "PriceAdvice",
    "PriceBounds",
    "TitleIndex",
    "UnitEconomics",
    "buyer_counts",
    "expected_revenue",
    "fit_elasticity",
    "load_fee_book",
    "optimal_price",
    "unit_economics",
]
