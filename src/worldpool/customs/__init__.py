"""Customs: HS suggestion, documents, destination rules, landed cost.

The pure core takes typed records and returns results; rules, tariffs and the
HS nomenclature are packaged data files with a source and an effective date.
``worldpool.customs.service`` adds the ledger (SKU records) and is what the
interfaces call.
"""

import importlib
from typing import TYPE_CHECKING

from worldpool.catalog.fx import FxRate, FxTable, read_fx
from worldpool.customs.documents import (
    CommercialInvoice,
    PackingList,
    build_documents,
    documents_to_dict,
)
from worldpool.customs.examples import Example
from worldpool.customs.issues import Issue, Severity, ValidationReport
from worldpool.customs.landed import (
    CostLine,
    LandedCost,
    LandedCostProblem,
    landed_cost,
)
from worldpool.customs.nomenclature import Nomenclature, load_nomenclature
from worldpool.customs.rules import CustomsRules, load_rules
from worldpool.customs.shipment import Carton, Party, Shipment, ShipmentLine
from worldpool.customs.shipment_file import parse_shipment, read_shipment
from worldpool.customs.tariff import DutyRate, duty_rate
from worldpool.customs.validate import ValidationContext, validate

if TYPE_CHECKING:
    from worldpool.customs.model import default_suggester
    from worldpool.customs.pdf import render_pdf
    from worldpool.customs.suggest import HsParams, HsSuggester, HsSuggestion

# scikit-learn, SciPy and fpdf2 take a second to import: load them on first use
# so that every other CLI command starts fast.
_LAZY = {
    "HsParams": "worldpool.customs.suggest",
    "HsSuggester": "worldpool.customs.suggest",
    "HsSuggestion": "worldpool.customs.suggest",
    "default_suggester": "worldpool.customs.model",
    "render_pdf": "worldpool.customs.pdf",
}

__all__ = [
    "Carton",
    "CommercialInvoice",
    "CostLine",
    "CustomsRules",
    "DutyRate",
    "Example",
    "FxRate",
    "FxTable",
    "HsParams",
    "HsSuggester",
    "HsSuggestion",
    "Issue",
    "LandedCost",
    "LandedCostProblem",
    "Nomenclature",
    "PackingList",
    "Party",
    "Severity",
    "Shipment",
    "ShipmentLine",
    "ValidationContext",
    "ValidationReport",
    "build_documents",
    "default_suggester",
    "documents_to_dict",
    "duty_rate",
    "landed_cost",
    "load_nomenclature",
    "load_rules",
    "parse_shipment",
    "read_fx",
    "read_shipment",
    "render_pdf",
    "validate",
]


def __getattr__(name: str) -> object:
    """Import the heavy parts (HS model, PDF) on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'worldpool.customs' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
