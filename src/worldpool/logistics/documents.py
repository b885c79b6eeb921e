"""Shipment documents as plain data: carton labels' content, packing list, ASN.

The ASN (advance ship notice) is what the receiving node expects: every logistic
unit (SSCC) with its contents, the lines in total and the expected arrival, in
the spirit of an EDIFACT DESADV / GS1 despatch advice. Rendering to PDF is
:mod:`worldpool.logistics.labels`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["LabelData", "asn_document", "packing_list_rows"]


@dataclass(frozen=True, slots=True)
class LabelData:
    """What one carton label shows."""

    shipment: str
    """Shipment id."""
    sscc: str
    """The carton's 18-digit SSCC."""
    seq: int
    """Carton number within the shipment (1-based)."""
    total: int
    """Cartons in the shipment."""
    ship_from: str
    """Origin node id and name."""
    ship_to: str
    """Destination node id and name."""
    reference: str
    """Plan or purchase-order reference."""
    service: str
    """Carrier service id."""
    contents: tuple[tuple[str, int], ...]
    """(SKU, units) in the carton."""
    weight_kg: float
    """Gross weight, in kg."""


def packing_list_rows(cartons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one row per (carton, SKU): seq, sscc, carton, sku, qty, weight, volume.

    Args:
        cartons: Stored carton rows (``seq, sscc, carton, weight_kg, volume_m3,
            contents`` with contents as ``[[sku, qty], ...]``).
    """
    rows = []
    for c in cartons:
        for sku, qty in c["contents"]:
            rows.append(
                {
                    "carton": c["seq"],
                    "sscc": c["sscc"],
                    "size": c["carton"],
                    "sku": sku,
                    "qty": int(qty),
                    "gross_kg": float(c["weight_kg"]),
                    "volume_m3": float(c["volume_m3"]),
                }
            )
    return rows


def asn_document(
    shipment: dict[str, Any], cartons: list[dict[str, Any]], issued: datetime
) -> dict[str, Any]:
    """Return the ASN of a shipment for its receiving node (JSON-ready).

    Args:
        shipment: Stored shipment row (payload with ``lines``).
        cartons: Its stored cartons.
        issued: Issue time (UTC).
    """
    eta = shipment.get("eta")
    return {
        "type": "ASN",
        "asn_id": f"ASN-{shipment['id']}",
        "shipment": shipment["id"],
        "issued_at": issued.isoformat(),
        "ship_from": shipment["origin"],
        "ship_to": shipment["destination"],
        "reference": shipment["source_ref"],
        "service": shipment["service"],
        "carrier": shipment["carrier"],
        "tracking_number": shipment.get("tracking_number"),
        "expected_arrival": eta.isoformat() if isinstance(eta, datetime) else eta,
        "lines": [
            {"sku": ln["sku"], "qty": ln["qty"]} for ln in shipment["payload"]["lines"]
        ],
        "logistic_units": [
            {
                "sscc": c["sscc"],
                "contents": [{"sku": s, "qty": int(q)} for s, q in c["contents"]],
                "gross_kg": float(c["weight_kg"]),
            }
            for c in cartons
        ],
    }
