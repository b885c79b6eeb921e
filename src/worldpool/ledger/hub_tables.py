"""Tables of the 3PL hub (migration ``0006_hub``): bins, bin stock, charges, statements.

Bins (``hub_bins``) belong to the hub operator and are shared by the sellers;
everything stock- or money-related carries its seller. Bin stock is an
append-only journal (``hub_bin_moves``): a put-away, a bin-to-bin move, a pick
and a count correction are rows with a signed quantity, so the stock of a bin is
the sum of its rows. A bin-to-bin move is two rows of one reference that sum to
zero: it never changes a node's balance in ``balances``. Billing keeps the
operator's recorded charges (``hub_charges``: fulfil-from-origin parcel costs
and value-added services), the daily stock snapshots derived from movements
(``hub_snapshots``) and the closed statements (``hub_statements`` and
``hub_statement_lines``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from worldpool.ledger.tables import metadata, seller_column

__all__ = [
    "hub_appointments",
    "hub_bin_moves",
    "hub_bins",
    "hub_charges",
    "hub_counts",
    "hub_snapshots",
    "hub_statement_lines",
    "hub_statements",
]

_BigId = BigInteger().with_variant(Integer(), "sqlite")
_TS = DateTime(timezone=True)

hub_appointments = Table(
    "hub_appointments",
    metadata,
    seller_column(primary_key=True),
    Column("asn", String(64), primary_key=True),
    Column("node", String(32), nullable=False),
    Column("dock", String(16), nullable=False),
    Column("slot_start", _TS, nullable=False),
    Column("cartons", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("lines", Text, nullable=False),
    Column("receipt", Text),
    Column("created_at", _TS, nullable=False),
    Index("ix_hub_appointments_slot", "node", "dock", "slot_start"),
)

hub_bins = Table(
    "hub_bins",
    metadata,
    Column("node", String(32), primary_key=True),
    Column("bin", String(32), primary_key=True),
    Column("zone", String(16), nullable=False),
    Column("aisle", String(16), nullable=False),
    Column("shelf", String(16), nullable=False),
    Column("position", String(16), nullable=False),
    Column("capacity_m3", Numeric(12, 4), nullable=False),
    Column("capacity_kg", Numeric(12, 2), nullable=False),
    Column("abc", String(1), nullable=False, server_default="C"),
    Column("created_at", _TS, nullable=False),
)

hub_bin_moves = Table(
    "hub_bin_moves",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    seller_column(),
    Column("idempotency_key", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("node", String(32), nullable=False),
    Column("bin", String(32), nullable=False),
    Column("qty", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("reference", String(200), nullable=False),
    Column("at", _TS, nullable=False),
    UniqueConstraint(
        "seller", "idempotency_key", "bin", name="uq_hub_bin_moves_idempotency_key"
    ),
    Index("ix_hub_bin_moves_bin", "node", "bin", "seller", "sku"),
)

hub_charges = Table(
    "hub_charges",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    seller_column(),
    Column("idempotency_key", String(200), nullable=False),
    Column("node", String(32), nullable=False),
    Column("service", String(32), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("qty", Numeric(14, 4), nullable=False),
    Column("cost", Numeric(14, 4), nullable=False, server_default="0"),
    Column("currency", String(3), nullable=False),
    Column("at", _TS, nullable=False),
    UniqueConstraint(
        "seller", "idempotency_key", name="uq_hub_charges_idempotency_key"
    ),
    Index("ix_hub_charges_at", "node", "at"),
)

hub_counts = Table(
    "hub_counts",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    seller_column(index=True),
    Column("sheet", String(64), nullable=False),
    Column("node", String(32), nullable=False),
    Column("bin", String(32), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("expected", Integer, nullable=False),
    Column("counted", Integer),
    Column("blind", Integer, nullable=False, server_default="1"),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("created_at", _TS, nullable=False),
    Column("counted_at", _TS),
    UniqueConstraint("seller", "sheet", "bin", "sku", name="uq_hub_counts_sheet"),
)

hub_snapshots = Table(
    "hub_snapshots",
    metadata,
    seller_column(primary_key=True),
    Column("node", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("units", BigInteger, nullable=False),
    Column("volume_m3", Numeric(18, 8), nullable=False),
)

hub_statements = Table(
    "hub_statements",
    metadata,
    seller_column(primary_key=True),
    Column("node", String(32), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("total", Numeric(16, 2), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("closed_at", _TS, nullable=False),
)

hub_statement_lines = Table(
    "hub_statement_lines",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    seller_column(),
    Column("node", String(32), nullable=False),
    Column("month", String(7), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("service", String(32), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("basis", Numeric(18, 8), nullable=False),
    Column("rate", Numeric(14, 6), nullable=False),
    Column("amount", Numeric(16, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("records", Integer, nullable=False),
    Column("trace", Text, nullable=False),
    Index("ix_hub_statement_lines_month", "seller", "node", "month", "line_no"),
)
