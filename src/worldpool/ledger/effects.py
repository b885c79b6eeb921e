"""What each movement does to balances, and the checks a movement must pass.

Pure functions: no database. The journal applies these effects with guarded
UPDATEs; :mod:`worldpool.ledger.check` recomputes the same sums independently
in SQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import InputError, UnknownReference

__all__ = ["Effect", "effects", "payload_hash", "validate"]


@dataclass(frozen=True, slots=True)
class Effect:
    """A change to one (sku, node) balance row, in units."""

    node: str
    """Node whose balance changes."""
    on_hand: int = 0
    """Change of on-hand units."""
    reserved: int = 0
    """Change of reserved units."""
    in_transit: int = 0
    """Change of in-transit units."""

    @property
    def only_adds(self) -> bool:
        """True when no state decreases (the row may be created by an upsert)."""
        return min(self.on_hand, self.reserved, self.in_transit) >= 0 and (
            self.on_hand >= self.reserved
        )


def effects(m: Movement) -> tuple[Effect, ...]:
    """Return the balance changes of movement ``m``, sorted by node id.

    Sorting gives every transaction the same row-lock order, so two transfers
    in opposite directions cannot deadlock on PostgreSQL.
    """
    q = m.qty
    match m.kind:
        case MovementKind.RECEIVE | MovementKind.RETURN | MovementKind.ADJUST:
            out = [Effect(m.node, on_hand=q)]
        case MovementKind.RESERVE:
            out = [Effect(m.node, reserved=q)]
        case MovementKind.RELEASE:
            out = [Effect(m.node, reserved=-q)]
        case MovementKind.SHIP:
            out = [Effect(m.node, on_hand=-q, reserved=-q)]
        case MovementKind.TRANSFER_OUT:
            assert m.from_node is not None  # validate() guarantees it
            out = [Effect(m.from_node, on_hand=-q), Effect(m.node, in_transit=q)]
        case MovementKind.TRANSFER_IN:
            received = q - m.damaged - m.short
            out = [Effect(m.node, on_hand=received, in_transit=-q)]
    return tuple(sorted(out, key=lambda e: e.node))


def payload_hash(m: Movement) -> str:
    """Return a SHA-256 hex digest of what ``m`` does (its time excluded).

    Two deliveries with one idempotency key are the same movement when their
    hashes match; the time stamp is metadata and may differ between retries.
    """
    body = {
        "kind": m.kind.value,
        "sku": m.sku,
        "node": m.node,
        "qty": m.qty,
        "reason": m.reason,
        "reference": m.reference,
        "from_node": m.from_node,
        "lane": m.lane,
        "damaged": m.damaged,
        "short": m.short,
    }
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def validate(m: Movement, nodes: Collection[str]) -> None:
    """Raise :class:`InputError` naming the field when ``m`` cannot be posted.

    Args:
        m: The movement.
        nodes: Known node ids (from the catalog).
    """
    rec = f"movement {m.idempotency_key!r}"
    _require_text(m, rec)
    if m.kind is MovementKind.ADJUST:
        if m.qty == 0:
            raise InputError("adjustment must not be zero", record=rec, field="qty")
    elif m.qty <= 0:
        raise InputError(
            "quantity must be positive", record=rec, field="qty", value=m.qty
        )
    if m.node not in nodes:
        raise UnknownReference("unknown node", record=rec, field="node", value=m.node)
    if m.kind is MovementKind.TRANSFER_OUT or m.kind is MovementKind.TRANSFER_IN:
        if m.from_node is None or m.from_node not in nodes:
            raise UnknownReference(
                "transfer needs a known source node",
                record=rec,
                field="from_node",
                value=m.from_node,
            )
        if m.from_node == m.node:
            raise InputError(
                "transfer source equals destination", record=rec, field="from_node"
            )
    _check_write_offs(m, rec)


def _require_text(m: Movement, rec: str) -> None:
    for name in ("sku", "reason", "reference", "idempotency_key"):
        if not str(getattr(m, name)).strip():
            raise InputError("must not be empty", record=rec, field=name)


def _check_write_offs(m: Movement, rec: str) -> None:
    if m.kind is not MovementKind.TRANSFER_IN:
        if m.damaged or m.short:
            raise InputError(
                "damaged/short apply to transfer_in only", record=rec, field="damaged"
            )
        return
    for name in ("damaged", "short"):
        if getattr(m, name) < 0:
            raise InputError("must not be negative", record=rec, field=name)
    if m.damaged + m.short > m.qty:
        raise InputError(
            "damaged + short exceed the quantity in transit",
            record=rec,
            field="short",
            value=m.damaged + m.short,
        )
