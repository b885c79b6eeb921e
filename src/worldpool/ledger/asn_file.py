"""Parse an advance shipping notice (ASN) CSV into ``receive`` movements.

Columns: ``asn_id, sku, node, qty``; optional ``line`` (to tell apart two lines
of one SKU in one ASN) and ``received_at`` (ISO date-time, UTC assumed). The
idempotency key is ``asn:<asn_id>:<line or sku>``, so delivering the same ASN
file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger.rows import (
    MAX_UNITS,
    ParseResult,
    Row,
    RowError,
    collect,
    int_field,
    iter_rows,
    plain_cells,
    text_field,
)

__all__ = ["ASN_COLUMNS", "iter_asn_file", "parse_asn_file"]

ASN_COLUMNS = ("asn_id", "sku", "node", "qty")
"""Columns every ASN file must have."""


def parse_asn_file(path: str | Path, hubs: Collection[str]) -> ParseResult[Movement]:
    """Parse the ASN CSV at ``path`` into receive movements at one of ``hubs``."""
    return collect(path, iter_asn_file(path, hubs))


def iter_asn_file(
    path: str | Path, hubs: Collection[str]
) -> Iterator[tuple[int, Movement] | RowError]:
    """Yield each ASN line as ``(row, receive movement)`` or a :class:`RowError`.

    Streams the file; a line whose idempotency key repeats an earlier line of
    the file (the same SKU twice in one ASN without a ``line`` column) is an
    error. Memory grows by ~60 bytes per line for that check (a digest per key).
    """
    known = frozenset(hubs)

    def parse(row: Row, src: str, n: int) -> Movement:
        """The fast path for a clean line, else the careful parser (names the field)."""
        return _fast(row, known) or _parse(row, src, n, hubs=known)

    return _unique_keys(str(Path(path)), iter_rows(path, parse, ASN_COLUMNS))


def _unique_keys(
    source: str, rows: Iterator[tuple[int, Movement] | RowError]
) -> Iterator[tuple[int, Movement] | RowError]:
    seen: dict[int, int] = {}
    for item in rows:
        if isinstance(item, RowError):
            yield item
            continue
        number, m = item
        digest = int.from_bytes(
            hashlib.blake2b(m.idempotency_key.encode(), digest_size=8).digest()
        )
        first = seen.setdefault(digest, number)
        if first != number:
            msg = (
                f"{source}, row {number}, field 'line': SKU {m.sku!r} repeats "
                f"in this ASN (row {first}); add a 'line' column"
            )
            yield RowError(number, "line", msg, {"sku": m.sku})
            continue
        yield item


def _fast(row: Row, hubs: frozenset[str]) -> Movement | None:
    """The movement of a clean, usual line; None to let :func:`_parse` decide.

    Accepts only what :func:`_parse` accepts, with the same result (a property
    test holds them together), in one pass instead of six helper calls.
    """
    if not plain_cells(row):
        return None
    g = row.get
    asn, sku, node = (
        g("asn_id", "").strip(),
        g("sku", "").strip(),
        g("node", "").strip(),
    )
    line = g("line", "").strip() or sku
    if not asn or not sku or len(asn) > 128 or len(sku) > 64 or len(line) > 64:
        return None
    try:
        qty = int(g("qty", ""))
        at = _iso(g("received_at", "").strip())
    except ValueError:
        return None
    if node not in hubs or not 0 < qty <= MAX_UNITS:
        return None
    return _receipt(asn, sku, node, qty, line, at)


def _receipt(
    asn: str, sku: str, node: str, qty: int, line: str, at: datetime | None
) -> Movement:
    """The receipt of one ASN line (``qty`` units; idempotent per ASN and line)."""
    return Movement(
        kind=MovementKind.RECEIVE,
        sku=sku,
        node=node,
        qty=qty,
        reason="ASN receipt",
        reference=f"ASN {asn}",
        idempotency_key=f"asn:{asn}:{line}",
        at=at,
    )


def _iso(raw: str) -> datetime | None:
    """The UTC time of an ISO date-time ('' -> None); ValueError when not one."""
    if not raw:
        return None
    at = datetime.fromisoformat(raw)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _parse(row: Row, src: str, n: int, *, hubs: frozenset[str]) -> Movement:
    asn = text_field(row, "asn_id", src, n, max_len=128)
    sku = text_field(row, "sku", src, n, max_len=64)
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
    line = text_field(row, "line", src, n, required=False, max_len=64) or sku
    return _receipt(asn, sku, node, qty, line, _when(row, src, n))


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
