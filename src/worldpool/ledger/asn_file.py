"""Parse an advance shipping notice (ASN) CSV into ``receive`` movements.

Columns: ``asn_id, sku, node, qty``; optional ``line`` (to tell apart two lines
of one SKU in one ASN) and ``received_at`` (ISO date-time, UTC assumed). The
idempotency key is ``asn:<asn_id>:<line or sku>``, so delivering the same ASN
file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger.rows import ParseResult, Row, int_field, parse_rows, text_field

__all__ = ["parse_asn_file"]


def parse_asn_file(path: str | Path, hubs: Collection[str]) -> ParseResult[Movement]:
    """Parse the ASN CSV at ``path`` into receive movements at one of ``hubs``."""
    result = parse_rows(
        path, partial(_parse, hubs=frozenset(hubs)), ("asn_id", "sku", "node", "qty")
    )
    _reject_repeated_keys(result)
    return result


def _parse(row: Row, src: str, n: int, *, hubs: frozenset[str]) -> Movement:
    asn = text_field(row, "asn_id", src, n)
    sku = text_field(row, "sku", src, n)
    node = text_field(row, "node", src, n)
    if node not in hubs:
        raise UnknownReference(
            "not a known hub (ASNs are received at origin hubs)",
            record=src,
            row=n,
            field="node",
            value=node,
        )
    qty = int_field(row, "qty", src, n)
    if qty <= 0:
        raise InputError("must be positive", record=src, row=n, field="qty", value=qty)
    line = text_field(row, "line", src, n, required=False) or sku
    return Movement(
        kind=MovementKind.RECEIVE,
        sku=sku,
        node=node,
        qty=qty,
        reason="ASN receipt",
        reference=f"ASN {asn}",
        idempotency_key=f"asn:{asn}:{line}",
        at=_when(row, src, n),
    )


def _when(row: Row, src: str, n: int) -> datetime | None:
    raw = text_field(row, "received_at", src, n, required=False)
    if not raw:
        return None
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(
            "not an ISO date-time", record=src, row=n, field="received_at", value=raw
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _reject_repeated_keys(result: ParseResult[Movement]) -> None:
    from worldpool.ledger.rows import RowError

    seen: dict[str, int] = {}
    kept: list[tuple[int, Movement]] = []
    for number, m in result.records:
        if m.idempotency_key in seen:
            msg = (
                f"{result.source}, row {number}, field 'line': SKU {m.sku!r} repeats "
                f"in this ASN (row {seen[m.idempotency_key]}); add a 'line' column"
            )
            result.errors.append(RowError(number, "line", msg, {"sku": m.sku}))
            continue
        seen[m.idempotency_key] = number
        kept.append((number, m))
    result.records[:] = kept
    result.errors.sort(key=lambda e: e.row)
