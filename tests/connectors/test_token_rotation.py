"""TikTok Shop rotates refresh tokens: the new one is saved, sealed, at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from worldpool.connectors import sync
from worldpool.connectors.secrets import unseal
from worldpool.context import Context
from worldpool.ledger.connections import get_connection_on
from worldpool.testing.fake_channels import FakeTikTokShop

from .conftest import SECRET, connect_more


@pytest.fixture
def tiktok() -> Iterator[FakeTikTokShop]:
    """A running fake TikTok Shop that rotates refresh tokens."""
    fake = FakeTikTokShop(seed=11).start()
    yield fake
    fake.close()


def _sealed(ctx: Context) -> str:
    with ctx.engine.connect() as conn:
        return str(
            conn.execute(
                text("select secret from channel_connections where name = 'tts'")
            ).scalar()
        )


def test_rotated_refresh_token_is_stored_encrypted(
    ctx: Context, tiktok: FakeTikTokShop
) -> None:
    """After a refresh the stored credentials hold the new token, never in clear."""
    connect_more(ctx, tiktok, "tts")
    _test_once(ctx)
    assert tiktok.refresh_token == "RT_1"
    sealed = _sealed(ctx)
    assert "RT_1" not in sealed
    creds = unseal(sealed, SECRET)
    assert creds["refresh_token"] == "RT_1"
    assert creds["app_key"] == tiktok.app_key  # the rest kept


def test_a_restarted_worker_refreshes_with_the_stored_token(
    ctx: Context, tiktok: FakeTikTokShop
) -> None:
    """A provider opened later (a new worker) refreshes with the rotated token.

    Each access token is revoked before the next process starts, so each
    must refresh (a live shared token would spare it, see below).
    """
    connect_more(ctx, tiktok, "tts")
    for _ in range(3):  # three processes in turn, each refreshing once
        tiktok.revoke_tokens()
        _test_once(ctx)
    assert tiktok.refused_refreshes == 0
    assert tiktok.tokens_issued == 3
    assert unseal(_sealed(ctx), SECRET)["refresh_token"] == "RT_3"


def test_a_token_rotated_by_another_worker_is_read_again(
    ctx: Context, tiktok: FakeTikTokShop
) -> None:
    """Two workers opened the connection; the second's token was rotated away."""
    connect_more(ctx, tiktok, "tts")
    first, http1 = sync.open_provider(ctx, _row(ctx))
    second, http2 = sync.open_provider(ctx, _row(ctx))
    try:
        first.test()  # rotates ROW_refresh -> RT_1, saved
        tiktok.revoke_tokens()
        first.test()  # uses RT_1 (-> RT_2): ROW_refresh is dead now
        tiktok.revoke_tokens()  # the shared token too
        second.test()  # sends ROW_refresh: refused, reads RT_2, rotates to RT_3
    finally:
        http1.close()
        http2.close()
    assert tiktok.refused_refreshes == 1
    assert tiktok.refresh_token == "RT_3"
    assert unseal(_sealed(ctx), SECRET)["refresh_token"] == "RT_3"


def test_workers_share_one_sealed_access_token(
    ctx: Context, tiktok: FakeTikTokShop
) -> None:
    """A worker opening the connection later uses the token another one fetched.

    A takeover or a handed-on connection then costs no token call; the token
    is stored sealed, and after a revocation (401) a fresh one is fetched,
    never the refused shared one.
    """
    connect_more(ctx, tiktok, "tts")
    for _ in range(3):  # three workers in turn
        _test_once(ctx)
    assert tiktok.tokens_issued == 1
    with ctx.engine.connect() as conn:
        sealed = str(
            conn.execute(
                text("select access_token from channel_connections where name = 'tts'")
            ).scalar()
        )
    stored = unseal(sealed, SECRET)
    assert stored["token"] and stored["token"] not in sealed
    tiktok.revoke_tokens()
    _test_once(ctx)
    assert tiktok.tokens_issued == 2
    assert unseal(_sealed(ctx), SECRET)["refresh_token"] == tiktok.refresh_token


def test_a_lost_refresh_reply_is_not_a_lockout(
    ctx: Context, tiktok: FakeTikTokShop
) -> None:
    """The reply of a rotation times out: the retry gets the new token again."""
    connect_more(ctx, tiktok, "tts")
    tiktok.faults.hang_next, tiktok.faults.hang_s = 1, 1.5  # > the 1 s timeout
    _test_once(ctx)
    assert tiktok.refused_refreshes == 0
    assert unseal(_sealed(ctx), SECRET)["refresh_token"] == tiktok.refresh_token


def _test_once(ctx: Context) -> None:
    """Open the connection as a new worker would and test it once."""
    provider, http = sync.open_provider(ctx, _row(ctx))
    try:
        assert provider.test() == "Fake TikTok Shop"
    finally:
        http.close()


def _row(ctx: Context) -> dict[str, Any]:
    with ctx.engine.connect() as conn:
        row = get_connection_on(conn, ctx.seller, "tts")
    assert row is not None
    return row
