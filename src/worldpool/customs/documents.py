"""Commercial invoice and packing list as records, and as plain data for JSON."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from worldpool.customs.nomenclature import hs_digits
from worldpool.customs.shipment import Carton, Party, Shipment

__all__ = [
    "CommercialInvoice",
    "InvoiceRow",
    "PackingList",
    "build_documents",
    "documents_to_dict",
]


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One printed invoice line."""

    sku: str
    """SKU id."""
    description: str
    """Detailed description."""
    hs_code: str
    """HS / national code, digits only."""
    origin: str
    """Country of origin."""
    quantity: int
    """Units."""
    unit_value: Decimal
    """Value per unit, invoice currency."""
    total_value: Decimal
    """quantity x unit_value."""
    net_kg: Decimal
    """Net weight of the line, kg."""
    gross_kg: Decimal
    """Gross weight of the line, kg."""
    dangerous_goods: str
    """UN number and battery class, or empty."""


@dataclass(frozen=True, slots=True)
class CommercialInvoice:
    """The commercial invoice of one shipment."""

    shipment: Shipment
    """The shipment it is built from."""
    rows: tuple[InvoiceRow, ...]
    """Printed lines."""
    goods_total: Decimal
    """Sum of the line values."""
    invoice_total: Decimal
    """Goods + freight + insurance."""
    net_kg: Decimal
    """Total net weight, kg."""
    gross_kg: Decimal
    """Total gross weight, kg."""
    tax_scheme: str
    """Tax treatment (``IOSS`` ...), from validation."""


@dataclass(frozen=True, slots=True)
class PackingList:
    """The packing list: cartons and what is in them."""

    shipment: Shipment
    """The shipment it is built from."""
    cartons: tuple[Carton, ...]
    """Packages (for a parcel without cartons: one package with every line)."""
    gross_kg: Decimal
    """Total gross weight of the packages, kg."""


def _d(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def _row(line_index: int, s: Shipment) -> InvoiceRow:
    ln = s.lines[line_index]
    qty = ln.quantity or 0
    dg = " ".join(
        x
        for x in (
            ln.un_number,
            "" if ln.battery == "none" else f"Li battery {ln.battery}",
        )
        if x
    )
    return InvoiceRow(
        sku=ln.sku,
        description=ln.description,
        hs_code=hs_digits(ln.hs_code),
        origin=ln.origin,
        quantity=qty,
        unit_value=_d(ln.unit_value),
        total_value=_d(ln.unit_value) * qty,
        net_kg=_d(ln.unit_net_kg) * qty,
        gross_kg=_d(ln.unit_gross_kg or ln.unit_net_kg) * qty,
        dangerous_goods=dg,
    )


def build_documents(
    shipment: Shipment, tax_scheme: str = ""
) -> tuple[CommercialInvoice, PackingList]:
    """Assemble the commercial invoice and packing list of a shipment.

    Args:
        shipment: The shipment (validate it first: this only assembles).
        tax_scheme: Tax treatment found by validation, printed on the invoice.
    """
    rows = tuple(_row(i, shipment) for i in range(len(shipment.lines)))
    goods = sum((r.total_value for r in rows), Decimal(0))
    gross = sum((r.gross_kg for r in rows), Decimal(0))
    invoice = CommercialInvoice(
        shipment=shipment,
        rows=rows,
        goods_total=goods,
        invoice_total=goods + shipment.freight + shipment.insurance,
        net_kg=sum((r.net_kg for r in rows), Decimal(0)),
        gross_kg=gross,
        tax_scheme=tax_scheme,
    )
    cartons = shipment.cartons or (
        Carton("1", tuple((r.sku, r.quantity) for r in rows), gross),
    )
    carton_kg = sum((_d(c.gross_kg) for c in cartons), Decimal(0))
    return invoice, PackingList(shipment, cartons, carton_kg)


def _party(p: Party) -> dict[str, object]:
    return {
        "name": p.name,
        "address": p.address,
        "country": p.country,
        "tax_id": p.tax_id,
        "ids": dict(p.ids),
        "contact": p.contact,
    }


def documents_to_dict(
    invoice: CommercialInvoice, packing: PackingList
) -> dict[str, object]:
    """Return both documents as plain data (decimals as strings).

    Args:
        invoice: The commercial invoice.
        packing: The packing list.
    """
    s = invoice.shipment
    return {
        "commercial_invoice": {
            "invoice_number": s.invoice_number,
            "date": s.date.isoformat() if s.date else "",
            "shipment": s.id,
            "kind": s.kind,
            "destination": s.destination,
            "mode": s.mode,
            "incoterm": s.incoterm,
            "currency": s.currency,
            "reason": s.reason,
            "port_of_entry": s.port_of_entry,
            "exporter": _party(s.exporter),
            "importer_of_record": _party(s.importer_of_record),
            "consignee": _party(s.consignee),
            "eu_responsible_person": s.eu_responsible_person,
            "tax_scheme": invoice.tax_scheme,
            "lines": [{k: str(v) for k, v in _fields(r).items()} for r in invoice.rows],
            "goods_total": str(invoice.goods_total),
            "freight": str(s.freight),
            "insurance": str(s.insurance),
            "invoice_total": str(invoice.invoice_total),
            "net_kg": str(invoice.net_kg),
            "gross_kg": str(invoice.gross_kg),
            "signatory": s.signatory,
        },
        "packing_list": {
            "shipment": s.id,
            "packages": len(packing.cartons),
            "gross_kg": str(packing.gross_kg),
            "cartons": [
                {
                    "id": c.id,
                    "contents": dict(c.contents),
                    "gross_kg": str(_d(c.gross_kg)),
                    "dimensions_cm": [str(x) for x in c.dimensions_cm]
                    if c.dimensions_cm
                    else [],
                }
                for c in packing.cartons
            ],
        },
    }


def _fields(row: InvoiceRow) -> dict[str, object]:
    # Slotted records have no __dict__.
    return {name: getattr(row, name) for name in InvoiceRow.__dataclass_fields__}
