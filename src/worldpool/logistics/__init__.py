"""Logistics execution: rate cards, quotes, packing, SSCC labels, tracking, ETA.

Pure modules (no database): :mod:`ratecard` (tariffs as data), :mod:`quote`,
:mod:`emissions` (GLEC), :mod:`packing` (first-fit decreasing), :mod:`sscc`,
:mod:`code128`, :mod:`events` (EPCIS-style), :mod:`track` and :mod:`eta`.
Services: :mod:`service` (quotes, shipments, documents, booking, receipt),
:mod:`tracking_service` (events in, exceptions out) and :mod:`po_service`
(purchase orders).
"""

from worldpool.logistics.carriers import CarrierClient
from worldpool.logistics.eta import LegFit, fit_legs, remaining_days
from worldpool.logistics.events import BizStep, TrackingEvent
from worldpool.logistics.packing import Carton, PackItem, pack
from worldpool.logistics.quote import Quote, QuoteRequest, quote
from worldpool.logistics.ratecard import Piece, Price, RateRow, price_service
from worldpool.logistics.sscc import make_sscc, sscc_is_valid
from worldpool.logistics.track import TrackState, exceptions_of, fold

__all__ = [
    "BizStep",
    "CarrierClient",
    "Carton",
    "LegFit",
    "PackItem",
    "Piece",
    "Price",
    "Quote",
    "QuoteRequest",
    "RateRow",
    "TrackState",
    "TrackingEvent",
    "exceptions_of",
    "fit_legs",
    "fold",
    "make_sscc",
    "pack",
    "price_service",
    "quote",
    "remaining_days",
    "sscc_is_valid",
]
