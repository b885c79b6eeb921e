"""The Channels page: sync health, testing a connection, tracking pushed back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from tests.conftest import context_for, context_of
from tests.connectors.conftest import connect_shopify
from tests.connectors.test_sync import run_until
from tests.interfaces.web.conftest import Cockpit, csrf_of, serve, world
from worldpool.audit import history
from worldpool.ledger import Ledger
from worldpool.testing.fake_channels import FakeShopify

SECRET = "cockpit-channels-secret"


@dataclass
class ShopCockpit:
    """A cockpit whose seller has a loopback Shopify shop connected."""

    site: Cockpit
    shop: FakeShopify


@pytest.fixture
def shop_cockpit(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ShopCockpit]:
    """The cockpit (SQLite and PostgreSQL) with a fake Shopify shop connected."""
    monkeypatch.setenv("WORLDPOOL_SECRET_KEY", SECRET)
    world(ledger)
    shop = FakeShopify(seed=5)
    shop.start()
    try:
        connect_shopify(context_for(ledger), shop, "shop-us")
        for url in serve(ledger):
            yield ShopCockpit(Cockpit(url, ledger), shop)
    finally:
        shop.close()


def _row(html: str, name: str) -> str:
    start = html.index(f'data-connection="{name}"')
    return html[start : html.index("</tr>", start)]


def test_page_shows_each_connection_and_flags_a_never_polled_one(
    shop_cockpit: ShopCockpit,
) -> None:
    """A viewer sees the shop, 'never' polled and flagged; no secret on the page."""
    with shop_cockpit.site.login("vera") as client:
        html = client.get("/ui/channels").text
    row = _row(html, "shop-us")
    assert "shopify" in row and "never" in row and 'class="warn"' in row
    assert "worldpool sync run" in html  # why it is flagged
    assert "shpat_secret" not in html and "whsec" not in html
    assert "No carrier account yet" in html


def test_only_operators_test_a_connection(shop_cockpit: ShopCockpit) -> None:
    """A viewer's test is refused (403); an operator's reaches the shop and is audited."""
    site = shop_cockpit.site
    with site.login("vera") as client:
        token = csrf_of(client, "/ui/channels")
        refused = client.post(
            "/ui/channels/test", data={"name": "shop-us", "csrf": token}
        )
        assert refused.status_code == 403
    with site.login("oscar") as client:
        token = csrf_of(client, "/ui/channels")
        done = client.post("/ui/channels/test", data={"name": "shop-us", "csrf": token})
        assert done.status_code == 200
        assert "connection shop-us works" in done.text
        unknown = client.post("/ui/channels/test", data={"name": "nope", "csrf": token})
        assert unknown.status_code == 422 and "nope" in unknown.text
    tests = [e for e in history(context_of(site.ledger)) if e.action == "channels.test"]
    assert [(e.actor, e.target) for e in tests] == [("oscar", "shop-us")]


def test_shipping_in_the_cockpit_pushes_tracking_to_the_shop(
    shop_cockpit: ShopCockpit,
) -> None:
    """A shop's order shipped on its cockpit page reaches the shop with tracking."""
    site, shop = shop_cockpit.site, shop_cockpit.shop
    shop.stock["MUG-1"] = 5
    oid = shop.sell("MUG-1", 1)
    assert oid is not None
    ctx = context_for(site.ledger)
    run_until(ctx, lambda: _orders_in(site) == 1, 30)
    with site.login("oscar") as client:
        token = csrf_of(client, f"/ui/orders/shopify/{oid}")
        shipped = client.post(
            f"/ui/orders/shopify/{oid}/ship",
            data={"carrier": "UPS", "tracking": "1ZCOCKPIT1", "csrf": token},
        )
        assert shipped.status_code == 303
    run_until(ctx, lambda: bool(shop.shipments.get(oid)), 30)
    assert [s.get("number") for s in shop.shipments[oid]] == ["1ZCOCKPIT1"]
    with site.login("vera") as client:
        row = _row(client.get("/ui/channels").text, "shop-us")
    assert "never" not in row
    entry = next(
        e for e in history(context_of(site.ledger)) if e.action == "orders.ship"
    )
    assert entry.actor == "oscar" and entry.inputs["tracking"] == "1ZCOCKPIT1"


def _orders_in(site: Cockpit) -> int:
    """Orders of the shop stored in the pool."""
    with site.ledger.engine.connect() as conn:
        n = conn.execute(text("select count(*) from orders where channel='shopify'"))
        return int(n.scalar() or 0)


def _connect_form(token: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf": token,
        "name": "walmart-us",
        "channel": "walmart",
        "base_url": "http://127.0.0.1:9",
        "market": "US",
        "credentials": "client_id=wm-id\nclient_secret=wm-SECRET-value\n",
        "settings": "",
    }
    return {**form, **changes}


def test_owner_connects_and_disconnects_a_shop_in_the_browser(
    shop_cockpit: ShopCockpit,
) -> None:
    """Only an owner connects; a missing credential is named; secrets never shown."""
    site = shop_cockpit.site
    with site.login("oscar") as client:
        token = csrf_of(client, "/ui/channels")
        refused = client.post("/ui/channels/connect", data=_connect_form(token))
        assert refused.status_code == 403
    with site.login("olivia") as client:
        token = csrf_of(client, "/ui/channels")
        short = client.post(
            "/ui/channels/connect",
            data=_connect_form(token, credentials="client_id=wm-id"),
        )
        assert short.status_code == 422 and "client_secret" in short.text
        bad = client.post(
            "/ui/channels/connect", data=_connect_form(token, credentials="oops")
        )
        assert bad.status_code == 422 and "credentials" in bad.text
        made = client.post("/ui/channels/connect", data=_connect_form(token))
        assert made.status_code == 200 and "Connected walmart-us" in made.text
        assert "wm-SECRET-value" not in made.text
        assert "walmart" in _row(made.text, "walmart-us")
        again = client.post("/ui/channels/connect", data=_connect_form(token))
        assert again.status_code == 422 and "exists" in again.text
        gone = client.post(
            "/ui/channels/disconnect", data={"name": "walmart-us", "csrf": token}
        )
        assert gone.status_code == 200
        assert "disconnected" in _row(gone.text, "walmart-us")
    actions = [
        (e.action, e.target, str(e.inputs))
        for e in history(context_of(site.ledger))
        if e.action.startswith("channels.")
    ]
    assert ("channels.connect", "walmart-us") in [(a, t) for a, t, _ in actions]
    assert ("channels.disconnect", "walmart-us") in [(a, t) for a, t, _ in actions]
    assert not any("wm-SECRET-value" in i for _, _, i in actions)
