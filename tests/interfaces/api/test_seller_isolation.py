"""Seller A's API key can neither read nor change seller B's rows, on every endpoint.

The endpoint list comes from the app's OpenAPI schema, so a new endpoint is
tested as soon as it exists: it needs path values in :data:`PATH_VALUES` (a new
path parameter fails the test until it gets one) or a place in
:data:`SELLER_INDEPENDENT` with the reason it touches no seller's rows.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tests.conftest import context_for
from tests.interfaces.api.conftest import free_port, ship_history
from tests.interfaces.api.test_plans_api import DEMAND
from tests.orders.conftest import load, stock_pool
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.interfaces.api import create_app
from worldpool.ledger import DeadLetter, Ledger
from worldpool.ledger.api_keys import create_api_key, lookup_key
from worldpool.testing import make_sku

DATA_DIR = Path(__file__).parents[2] / "data"

SELLER_INDEPENDENT = {
    ("GET", "/health"): "liveness probe, no data",
    ("POST", "/customs/hs"): "classifies the text in the body; reads no rows",
    ("POST", "/twin/simulate"): "simulates the demand in the body; reads the catalog",
    ("POST", "/webhooks/shopify"): "HMAC-signed by the shop, not keyed; an alias "
    "of /channels/{name}/webhooks for the default seller's shop",
}
"""Endpoints that touch no seller's rows, with the reason."""

SECRETS = ("Zebra lantern", "98765", "zebra-letter-error", "Zelda Bee")
"""Strings only B's rows hold; no request below contains them."""

B_SKU = "BSECRET-9"
B_ORDER = "B-ORDER-77"


@dataclass
class World:
    """The server and the two sellers' keys and identifiers."""

    url: str
    keys: dict[str, str]
    b: Ledger
    ids: dict[str, str]


def _b_state(b: Ledger) -> Any:
    """Everything of B's that A must not change, as plain data."""
    from worldpool.orders.service import OrderService

    service = OrderService(b)
    return (
        b.skus(),
        [(x.sku, x.node, x.on_hand, x.reserved, x.in_transit) for x in b.balances()],
        [(r.key, r.status, r.revision) for r in service.list_orders()],
        len(b.journal(limit=100_000)),
        [(d.id, d.letter.error) for d in b.stored_dead_letters()],
        [(p, (b.plan_row(p) or {}).get("status")) for p in _PLAN_IDS],
    )


_PLAN_IDS: list[str] = []
"""Ids of the plans B made (filled by the fixture)."""


def _seed_b(url: str, b: Ledger, key: str) -> dict[str, str]:
    """Give B a secret SKU, stock, an order, a plan, a dead letter and history."""
    stock_pool(b)
    ship_history(b)
    b.register_skus([make_sku(B_SKU, title="Zebra lantern", ffo_markets=("US",))])
    b.post(Movement(MovementKind.RECEIVE, B_SKU, "US-FC1", 98765, "ASN", "S", "s:1"))
    order = {
        "channel": "shopify",
        "channel_order_id": B_ORDER,
        "currency": "USD",
        "ship_to": {
            "name": "Zelda Bee",
            "line1": "1 Main St",
            "city": "Town",
            "postal_code": "12345",
            "country": "US",
        },
        "lines": [{"line_id": "1", "sku": B_SKU, "qty": 2, "unit_price": "10"}],
    }
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as c:
        assert c.post("/orders", json=order).status_code == 200
        made = c.post("/plans", json={"demand": DEMAND})
        assert made.status_code == 201, made.text
    b.dead_letter(
        [DeadLetter("b.csv", "order", 1, "sku", "zebra-letter-error",
                    {"channel": "shopify", "record": "{}"})]
    )  # fmt: skip
    [letter] = b.stored_dead_letters()
    _PLAN_IDS[:] = [made.json()["id"]]
    return {
        "sku": B_SKU,
        "market": "US",
        "channel": "shopify",
        "order_id": B_ORDER,
        "plan_id": made.json()["id"],
        "letter_id": str(letter.id),
        # Rows B has none of yet: A's request must still not reach another
        # seller's (404/422), and never a 500.
        "name": "b-shop",
        "account": "b-ups",
        "shipment_id": "1",
        "po_id": "1",
        "proposal_id": "1",
        "sheet": "CC-1",
        "asn": "ASN-1",
        "asn_id": "ASN-1",
    }


@pytest.fixture
def world(ledger: Ledger) -> Iterator[World]:
    """One server; sellers A (a little stock) and B (secrets) in one database."""
    a, b = ledger.for_seller("A"), ledger.for_seller("B")
    a.register_skus([make_sku("MUG-1", ffo_markets=("US",))])
    a.post(Movement(MovementKind.RECEIVE, "MUG-1", "US-FC1", 7, "ASN", "A", "a:1"))
    keys = {
        s: create_api_key(ledger.engine, f"{s}-admin", "admin", seller=s)
        for s in ("A", "B")
    }
    port = free_port()
    config = uvicorn.Config(
        create_app(context_for(ledger)), host="127.0.0.1", port=port, log_level="warning",
        lifespan="off",
    )  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    try:
        ids = _seed_b(url, b, keys["B"])
        yield World(url, keys, b, ids)
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def _body(method: str, path: str) -> dict[str, Any]:
    """Request body of an endpoint (aimed at B's identifiers where it can be)."""
    shipment = json.loads(
        (DATA_DIR / "customs" / "shipment_de_transfer.json").read_text()
    )
    for line in shipment["lines"]:
        line["sku"] = B_SKU
        line.pop("description", None)
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/orders"): {
            "channel": "shopify",
            "channel_order_id": B_ORDER,
            "currency": "USD",
            "cancelled": True,
            "ship_to": {
                "name": "A",
                "line1": "1 Main St",
                "city": "Town",
                "postal_code": "12345",
                "country": "US",
            },
            "lines": [{"line_id": "1", "sku": "MUG-1", "qty": 1, "unit_price": "1"}],
        },
        ("POST", "/orders/import/{channel}"): {
            "json": load("shopify_orders_create.json")
        },
        ("POST", "/api-keys"): {"name": "made-by-a", "scope": "admin"},
        ("POST", "/plans"): {},
        ("POST", "/customs/check"): shipment,
        ("POST", "/customs/documents"): shipment,
    }
    body = bodies.get((method, path), {})
    return body.get("json", body) if "json" in body else body


def _endpoints(client: httpx.Client) -> list[tuple[str, str]]:
    schema = client.get("/openapi.json").json()
    return sorted(
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
    )


def _call(client: httpx.Client, method: str, path: str, ids: dict[str, str]) -> Any:
    url = path
    for name in [p[1:-1] for p in path.split("/") if p.startswith("{")]:
        assert name in ids, f"add a value for path parameter {name!r} ({path})"
        url = url.replace("{" + name + "}", ids[name])
    params = {"to": "US", "hs": "691110"} if "landed-cost" in path else {}
    return client.request(method, url, params=params, json=_body(method, path) or None)


def test_seller_a_cannot_read_or_change_seller_b_on_any_endpoint(
    world: World,
) -> None:
    """Every endpoint with A's key, aimed at B's rows: no B data, no change to B."""
    before = _b_state(world.b)
    headers_a = {"X-API-Key": world.keys["A"]}
    with httpx.Client(base_url=world.url, headers=headers_a, timeout=120) as a:
        endpoints = _endpoints(a)
        assert set(SELLER_INDEPENDENT) <= set(endpoints), "stale allow-list entry"
        tested = [e for e in endpoints if e not in SELLER_INDEPENDENT]
        assert len(tested) >= 19
        for method, path in tested:
            r = _call(a, method, path, world.ids)
            assert r.status_code < 500, (method, path, r.text)
            for secret in SECRETS:
                assert secret not in r.text, (method, path, secret, r.text[:300])
            if "{" in path and method == "GET":
                # B's SKU, order and plan do not exist for A.
                assert r.status_code in (404, 422), (method, path, r.status_code)
        # A B-seller header on A's own key is refused, not obeyed.
        r = a.get("/reservations", headers={"X-Seller": "B"})
        assert r.status_code == 403
    assert _b_state(world.b) == before
    made = [k for k in lookup_all(world) if k]
    assert made == ["A"]


def lookup_all(world: World) -> list[str]:
    """Sellers of the keys A made through /api-keys."""
    from worldpool.ledger.api_keys import list_api_keys

    return [k.seller for k in list_api_keys(world.b.engine) if k.name == "made-by-a"]


def test_seller_b_sees_its_own_rows_on_the_same_endpoints(world: World) -> None:
    """The control: B's key on the same GET endpoints does see B's secrets."""
    headers_b = {"X-API-Key": world.keys["B"]}
    seen = []
    with httpx.Client(base_url=world.url, headers=headers_b, timeout=120) as b:
        for method, path in _endpoints(b):
            if method != "GET" or (method, path) in SELLER_INDEPENDENT:
                continue
            r = _call(b, method, path, world.ids)
            if any(s in r.text for s in SECRETS) or (
                "{" in path and r.status_code == 200
            ):
                seen.append(path)
    assert {"/stock/{sku}", "/orders", "/orders/{channel}/{order_id}",
            "/dead-letters", "/plans/{plan_id}", "/atp/{market}/{sku}"} <= set(seen)  # fmt: skip


def test_operator_key_acts_for_the_seller_it_names(world: World) -> None:
    """A '*' key reads B's stock with X-Seller: B, and A's without it being B's."""
    hub = create_api_key(world.b.engine, "hub", "read", seller="*")
    info = lookup_key(world.b.engine, hub)
    assert info is not None and info.all_sellers
    with httpx.Client(base_url=world.url, headers={"X-API-Key": hub}) as c:
        as_b = c.get(f"/stock/{B_SKU}", headers={"X-Seller": "B"})
        assert as_b.status_code == 200 and "98765" in as_b.text
        as_a = c.get(f"/stock/{B_SKU}", headers={"X-Seller": "A"})
        assert as_a.status_code == 404


def test_revoked_key_is_refused_on_the_next_request(world: World) -> None:
    """A service revocation stops the key at once; one made elsewhere, within 1 s."""
    from worldpool.access import revoke_key
    from worldpool.access.service import GRANT_TTL_S
    from worldpool.ledger.api_keys import revoke_api_key

    key = create_api_key(world.b.engine, "short-lived", "read", seller="A")
    other = create_api_key(world.b.engine, "elsewhere", "read", seller="A")
    hub = context_for(world.b).acting_as(role="hub")
    with httpx.Client(base_url=world.url, headers={"X-API-Key": key}) as c:
        assert c.get("/orders").status_code == 200
        assert revoke_key(hub, "short-lived") == 1
        assert c.get("/orders").status_code == 401
    with httpx.Client(base_url=world.url, headers={"X-API-Key": other}) as c:
        assert c.get("/orders").status_code == 200
        assert revoke_api_key(world.b.engine, "elsewhere", seller="A") == 1
        time.sleep(GRANT_TTL_S + 0.2)
        assert c.get("/orders").status_code == 401
