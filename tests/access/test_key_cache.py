"""API keys: the in-process trust cache and the seller-scoped engine proxies."""

from __future__ import annotations

import pytest

from worldpool.access import (
    authenticate_cached,
    authenticate_key,
    create_key,
    revoke_key,
)
from worldpool.context import Context
from worldpool.errors import Forbidden
from worldpool.ledger.sellers import scoped, seller_of


def test_cache_answers_only_after_a_database_lookup(ctx: Context) -> None:
    key = create_key(ctx, "bot", "write")
    assert authenticate_cached(ctx, key) is None  # never looked up: ask the DB
    looked = authenticate_key(ctx, key)
    assert looked is not None
    cached = authenticate_cached(ctx, key)
    assert cached is not None
    assert (cached.seller, cached.role, cached.user) == (
        looked.seller,
        looked.role,
        looked.user,
    )


def test_revocation_empties_the_cache_at_once(ctx: Context) -> None:
    key = create_key(ctx, "bot", "write")
    assert authenticate_key(ctx, key) is not None
    assert revoke_key(ctx, "bot") == 1
    assert authenticate_cached(ctx, key) is None
    assert authenticate_key(ctx, key) is None


def test_cached_key_still_refuses_another_seller(ctx: Context) -> None:
    key = create_key(ctx, "bot", "read")
    assert authenticate_key(ctx, key) is not None
    with pytest.raises(Forbidden):
        authenticate_cached(ctx, key, "someone-else")


def test_one_proxy_per_engine_and_seller(ctx: Context) -> None:
    a1, a2 = scoped(ctx.engine, "A"), scoped(ctx.engine, "A")
    b = scoped(ctx.engine, "B")
    if ctx.engine.dialect.name != "postgresql":
        assert a1 is ctx.engine and b is ctx.engine  # SQLite filters in SQL only
        return
    # Per-engine caches (the order service's SKU cache) key on the engine, so a
    # request acting for A must get the same object every time.
    assert a1 is a2
    assert a1 is not b
    assert (seller_of(a1), seller_of(b)) == ("A", "B")
    assert scoped(a1, "B") is b
