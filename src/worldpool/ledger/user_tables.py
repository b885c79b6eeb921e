"""People who log in to the cockpit (migration ``0005_cockpit``).

A user belongs to one seller and has one role (``viewer``, ``operator``,
``owner``; ``hub`` is a 3PL operator who may act for every seller of the
install). Only the argon2 hash of the password is stored. Machines keep using
API keys (:mod:`worldpool.ledger.order_tables`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from worldpool.ledger.order_tables import orders
from worldpool.ledger.tables import metadata

__all__ = ["find_user_on", "insert_user_on", "list_users_on", "update_user_on", "users"]

_BigId = BigInteger().with_variant(Integer(), "sqlite")

users = Table(
    "users",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default"),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("language", String(8), nullable=False, server_default="en"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Index("ix_users_seller", "seller"),
)

_PUBLIC = ("id", "seller", "username", "role", "language", "created_at", "disabled_at")


def insert_user_on(conn: Connection, row: dict[str, Any]) -> int:
    """Insert a user row (without ``created_at``); return its id."""
    values = {**row, "created_at": datetime.now(UTC)}
    result = conn.execute(insert(users).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def find_user_on(conn: Connection, username: str) -> dict[str, Any] | None:
    """Return the user row (with its password hash) named ``username``, or None."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    return dict(row._mapping) if row is not None else None


def list_users_on(conn: Connection, seller: str | None) -> list[dict[str, Any]]:
    """Return users of ``seller`` (every seller for None), without hashes."""
    query = select(*(users.c[name] for name in _PUBLIC)).order_by(users.c.username)
    if seller is not None:
        query = query.where(users.c.seller == seller)
    return [dict(r._mapping) for r in conn.execute(query)]


def update_user_on(
    conn: Connection, username: str, seller: str | None, values: dict[str, Any]
) -> int:
    """Update ``username`` (of ``seller``; any seller for None); return rows changed."""
    query = update(users).where(users.c.username == username).values(**values)
    if seller is not None:
        query = query.where(users.c.seller == seller)
    return int(conn.execute(query).rowcount)


# The cockpit's "today's orders" reads orders by creation time and its order
# list filters by channel and status. Migration 0005_cockpit indexed
# (created_at) and (channel, status); 0007_order_indexes drops both, since every
# query names its seller and the seller-first indexes below serve it. (0005
# also indexed available units; 0006_rls dropped that: every movement rewrote it.)
# Migration 0006_cockpit_perf: an order list filtered by channel and status and
# sorted by value (ties by id) reads its page in index order, not by sorting
# every match, and its capped count reads only the index.
Index(
    "ix_orders_seller_channel_status_value",
    orders.c.seller,
    orders.c.channel,
    orders.c.status,
    orders.c.order_value,
    orders.c.id,
)
# Also 0006_cockpit_perf: "today's orders" by seller and time (SQLite otherwise
# prefers any index starting with the seller and walks all of its orders).
Index("ix_orders_seller_created_at", orders.c.seller, orders.c.created_at)
