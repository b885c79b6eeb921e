"""Build shipments and receipts as plain rows and movements (no database).

:func:`group_transfers` turns a plan's transfer lines into one shipment per
(hub, FC, mode); :func:`shipment_row` packs its units, picks the cheapest
service of the mode and lays out the rows; :func:`carton_rows` gives each
carton its SSCC; :func:`receipt_movements` turns a receipt into journal
movements, shortages and damages each their own movement with a reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import InputError
from worldpool.logistics.packing import Carton, PackItem, pack
from worldpool.logistics.quote import Quote
from worldpool.logistics.ratecard import Piece
from worldpool.logistics.sscc import make_sscc

__all__ = [
    "ShipmentDraft",
    "carton_rows",
    "group_transfers",
    "pack_lines",
    "pieces_of",
    "po_after_receipt",
    "receipt_movements",
    "shipment_id",
    "shipment_row",
    "transfer_keys",
]


@dataclass(frozen=True, slots=True)
class ShipmentDraft:
    """Units to ship on one lane, before packing."""

    source: str
    """``plan``, ``po`` or ``order``."""
    source_ref: str
    """Plan id, purchase-order id or order reference."""
    origin: str
    """Origin node id (or ``supplier:<name>``)."""
    destination: str
    """Destination node id."""
    mode: str
    """Lane mode."""
    lines: tuple[dict[str, Any], ...]
    """``{sku, qty, keys}``: units per SKU and the movement keys they came by."""
    transit: tuple[float, float] | None = None
    """(P50, P90) days when no catalog lane applies (a supplier's truck)."""


def shipment_id(*parts: str) -> str:
    """Return a stable shipment id from what defines the shipment."""
    return "SHP-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:12].upper()


def transfer_keys(plan: Mapping[str, Any]) -> list[str]:
    """Return the movement key of every transfer line (``plan:<id>:<n>``, 1-based)."""
    return [f"plan:{plan['id']}:{n}" for n in range(1, len(plan["transfers"]) + 1)]


def group_transfers(
    plan: Mapping[str, Any], posted: set[str] | None = None
) -> list[ShipmentDraft]:
    """Group a stored plan's transfers into one draft per (hub, FC, mode).

    The movement key of transfer line ``n`` (1-based) is ``plan:<id>:<n>``, as
    the planning service posts it.

    Args:
        plan: The stored plan (plain data).
        posted: Keys of the transfers actually in the journal; lines the ledger
            refused when the plan was applied are left out (None: keep all).
    """
    groups: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    for n, t in enumerate(plan["transfers"], start=1):
        if posted is not None and f"plan:{plan['id']}:{n}" not in posted:
            continue
        g = groups.setdefault((t["hub"], t["fc"], t["mode"]), {})
        line = g.setdefault(t["sku"], {"sku": t["sku"], "qty": 0, "keys": []})
        line["qty"] += int(t["qty"])
        line["keys"].append(f"plan:{plan['id']}:{n}")
    return [
        ShipmentDraft("plan", plan["id"], hub, fc, mode, tuple(g[s] for s in sorted(g)))
        for (hub, fc, mode), g in sorted(groups.items())
    ]


def pieces_of(cartons: Sequence[Carton]) -> tuple[Piece, ...]:
    """Return the cartons as quote pieces (kg, m3)."""
    return tuple(Piece(c.weight_kg, c.volume_m3) for c in cartons)


def shipment_row(
    sid: str,
    draft: ShipmentDraft,
    cartons: Sequence[Carton],
    chosen: Quote | None,
    transit: tuple[float, float],
    now: datetime,
) -> dict[str, Any]:
    """Return the stored row of a new shipment (booking ``booked``).

    Args:
        sid: Shipment id.
        draft: What to ship.
        cartons: Its packed cartons.
        chosen: The quote of the service picked (None: no rate card, e.g. a
            supplier's own truck).
        transit: Lane (P50, P90) in days.
        now: Creation time.
    """
    lines = [
        {"sku": ln["sku"], "qty": ln["qty"], "keys": ln.get("keys", [])}
        for ln in draft.lines
    ]
    weight = sum((c.weight_kg for c in cartons), Decimal(0))
    return {
        "id": sid,
        "source": draft.source,
        "source_ref": draft.source_ref,
        "origin": draft.origin,
        "destination": draft.destination,
        "mode": draft.mode,
        "service": chosen.service if chosen else f"{draft.mode}:own",
        "carrier": chosen.carrier if chosen else "supplier",
        "lane_p50": transit[0],
        "lane_p90": transit[1],
        "booking": "booked",
        "status": "booked",
        "legs_done": -1,
        "created_at": now,
        "payload": {
            "lines": lines,
            "gross_kg": str(weight),
            "freight": str(chosen.freight) if chosen else None,
            "currency": chosen.currency if chosen else None,
            "co2e_kg": chosen.co2e_kg if chosen else None,
        },
    }


def carton_rows(
    seller: str,
    sid: str,
    cartons: Sequence[Carton],
    first_serial: int,
    prefix: str,
) -> list[dict[str, Any]]:
    """Return the carton rows of a shipment, each with its SSCC.

    Args:
        seller: Owning seller.
        sid: Shipment id.
        cartons: Packed cartons, in order.
        first_serial: First SSCC serial reserved for them.
        prefix: GS1 company prefix.
    """
    return [
        {
            "seller": seller,
            "shipment_id": sid,
            "seq": i + 1,
            "sscc": make_sscc(prefix, first_serial + i),
            "carton": c.type.id,
            "weight_kg": c.weight_kg,
            "volume_m3": c.volume_m3,
            "contents": [list(pair) for pair in c.contents],
        }
        for i, c in enumerate(cartons)
    ]


def pack_lines(
    lines: Sequence[Mapping[str, Any]], units: Mapping[str, tuple[Decimal, Decimal]]
) -> list[Carton]:
    """Pack shipment lines given each SKU's (unit m3, unit kg)."""
    return pack(
        [
            PackItem(ln["sku"], int(ln["qty"]), *units[ln["sku"]])
            for ln in lines
            if int(ln["qty"]) > 0
        ]
    )


def _checked(qty: int, short: int, damaged: int, sku: str) -> None:
    if short < 0 or damaged < 0 or short + damaged > qty:
        raise InputError(
            "short + damaged must be between 0 and the units shipped",
            record=f"receipt {sku}",
            field="short",
            value=short + damaged,
        )


def receipt_movements(
    row: Mapping[str, Any],
    short: Mapping[str, int],
    damaged: Mapping[str, int],
    at: datetime,
) -> list[Movement]:
    """Return the journal movements of receiving shipment ``row``.

    Transfers (plan shipments): ``transfer_in`` of the good units; shortages
    and damages as their own ``transfer_in`` movements carrying ``short`` /
    ``damaged`` (they leave in-transit and never reach on-hand). Purchase
    orders: ``receive`` of the units that came, then an ``adjust`` writing the
    damaged ones off.

    Raises:
        InputError: more short + damaged units than shipped, or an SKU not in
            the shipment.
    """
    sid, node, origin = row["id"], row["destination"], row["origin"]
    known = {ln["sku"] for ln in row["payload"]["lines"]}
    for sku in (*short, *damaged):
        if sku not in known:
            raise InputError("SKU not in this shipment", record=sid, value=sku)
    out: list[Movement] = []
    for ln in row["payload"]["lines"]:
        sku, qty = ln["sku"], int(ln["qty"])
        s, d = int(short.get(sku, 0)), int(damaged.get(sku, 0))
        _checked(qty, s, d, sku)
        key = f"ship:{sid}:{sku}"
        if row["source"] == "po":
            out += _po_receipt(sku, node, qty, s, d, sid, key, at)
        else:
            out += _transfer_receipt(sku, node, origin, qty, s, d, sid, key, at)
    return out


def _po_receipt(
    sku: str,
    node: str,
    qty: int,
    s: int,
    d: int,
    sid: str,
    key: str,
    at: datetime,
) -> list[Movement]:
    # A purchase order line: receive what came, then write the damaged units off.
    out: list[Movement] = []
    if qty - s > 0:
        out.append(
            _mv(MovementKind.RECEIVE, sku, node, qty - s, "received", sid, key, at)
        )
    if d:
        out.append(
            _mv(
                MovementKind.ADJUST,
                sku,
                node,
                -d,
                "damaged on receipt",
                sid,
                key + ":damaged",
                at,
            )
        )
    return out


def _transfer_receipt(
    sku: str,
    node: str,
    origin: str,
    qty: int,
    s: int,
    d: int,
    sid: str,
    key: str,
    at: datetime,
) -> list[Movement]:
    # A transfer line: good, short and damaged units, each its own transfer_in.
    parts = (
        (qty - s - d, 0, 0, "received", ""),
        (s, 0, s, "short on arrival", ":short"),
        (d, d, 0, "damaged on arrival", ":damaged"),
    )
    return [
        Movement(
            MovementKind.TRANSFER_IN,
            sku,
            node,
            n,
            why,
            sid,
            key + tail,
            from_node=origin,
            damaged=dmg,
            short=sht,
            at=at,
        )
        for n, dmg, sht, why, tail in parts
        if n > 0
    ]


def _mv(
    kind: MovementKind,
    sku: str,
    node: str,
    qty: int,
    why: str,
    ref: str,
    key: str,
    at: datetime,
) -> Movement:
    return Movement(kind, sku, node, qty, why, ref, key, at=at)


def po_after_receipt(
    payload: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], str]:
    """Return a purchase order's payload and status after receiving ``lines``.

    Units short go back to "to ship" (the supplier owes them); damaged units
    count as received (they were delivered, then written off).
    """
    got = {ln["sku"]: (int(ln["qty"]), int(ln.get("short", 0))) for ln in lines}
    out = []
    for ln in payload["lines"]:
        qty, short = got.get(ln["sku"], (0, 0))
        out.append(
            dict(
                ln,
                received=int(ln.get("received", 0)) + qty - short,
                shipped=int(ln.get("shipped", 0)) - short,
            )
        )
    done = all(ln["received"] >= ln["qty"] for ln in out)
    status = "received" if done else "partially_received"
    return dict(payload, lines=out), status
