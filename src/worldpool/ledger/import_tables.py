"""File imports in progress and done (migration ``0006_imports``).

An import of a SKU or ASN file is committed in chunks; each chunk's writes,
dead letters and the import's progress commit in one transaction, so a killed
import is exactly resumable: re-running the same file (same content digest)
continues after the last committed row. ``import_asns`` records which ASNs an
import touched, so an ASN whose import has not finished shows as *receiving*.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from worldpool.ledger.tables import metadata

__all__ = ["import_asns", "imports"]

_BigId = BigInteger().with_variant(Integer(), "sqlite")

imports = Table(
    "imports",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default"),
    Column("kind", String(16), nullable=False),
    Column("source", String(512), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("rows_done", Integer, nullable=False, server_default="0"),
    Column("posted", Integer, nullable=False, server_default="0"),
    Column("updated", Integer, nullable=False, server_default="0"),
    Column("rejected", Integer, nullable=False, server_default="0"),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_imports_seller_digest", "seller", "kind", "digest"),
)

import_asns = Table(
    "import_asns",
    metadata,
    Column(
        "import_id",
        _BigId,
        ForeignKey("imports.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seller", String(64), nullable=False, server_default="default"),
    Column("asn_id", String(128), primary_key=True),
    Index("ix_import_asns_seller_asn", "seller", "asn_id"),
)
