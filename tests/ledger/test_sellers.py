"""Many sellers in one database: each ledger view sees and changes only its own rows."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text, update

from worldpool.catalog import Catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import UnknownReference, WorldpoolError
from worldpool.ledger import DeadLetter, Ledger
from worldpool.ledger.api_keys import (
    create_api_key,
    list_api_keys,
    lookup_key,
    revoke_api_key,
)
from worldpool.ledger.db import make_engine
from worldpool.ledger.migrate import head_revision, upgrade
from worldpool.ledger.tables import balances
from worldpool.orders.order import Address, Order, OrderLine
from worldpool.orders.service import OrderService
from worldpool.testing import make_sku
from worldpool.testing.strategies import movement_sequences


def make_order(order_id: str, *, lines: tuple[tuple[str, int], ...]) -> Order:
    """Return a Shopify order to a US address."""
    return Order(
        channel="shopify",
        channel_order_id=order_id,
        ship_to=Address("A", "1 Main St", "Town", "12345", "US"),
        currency="USD",
        lines=tuple(
            OrderLine(str(i), sku, q, Decimal("10")) for i, (sku, q) in enumerate(lines)
        ),
    )


def receive(ledger: Ledger, sku: str, qty: int, key: str, node: str = "US-FC1") -> None:
    """Post a receipt of ``qty`` units of ``sku`` at ``node``."""
    ledger.post(Movement(MovementKind.RECEIVE, sku, node, qty, "ASN", "ASN-1", key))


@pytest.fixture
def two(ledger: Ledger) -> tuple[Ledger, Ledger]:
    """Views of sellers A and B on one database, both holding SKU MUG-1."""
    a, b = ledger.for_seller("A"), ledger.for_seller("B")
    for view, qty in ((a, 7), (b, 40)):
        view.register_skus([make_sku("MUG-1", ffo_markets=("US",))])
        receive(view, "MUG-1", qty, "asn-1:MUG-1")  # the same key for both
    return a, b


def test_same_sku_code_keeps_separate_balances(two: tuple[Ledger, Ledger]) -> None:
    """The same SKU code and idempotency key under two sellers are two stocks."""
    a, b = two
    assert [x.on_hand for x in a.balances(sku="MUG-1")] == [7]
    assert [x.on_hand for x in b.balances(sku="MUG-1")] == [40]
    assert a.atp("MUG-1", "US").total == 7
    assert b.atp("MUG-1", "US").total == 40
    assert len(a.journal()) == len(b.journal()) == 1


def test_seller_cannot_read_or_change_another_sellers_skus(
    two: tuple[Ledger, Ledger],
) -> None:
    """A's view neither sees nor posts against B's SKUs."""
    a, b = two
    b.register_skus([make_sku("LAMP-9")])
    receive(b, "LAMP-9", 5, "b-lamp")
    assert a.skus() == ["MUG-1"]
    with pytest.raises(UnknownReference):
        a.sku("LAMP-9")
    with pytest.raises(UnknownReference):
        receive(a, "LAMP-9", 5, "a-lamp")
    assert a.balances(sku="LAMP-9") == []
    assert a.journal(sku="LAMP-9") == []
    assert [x.on_hand for x in b.balances(sku="LAMP-9")] == [5]


def test_reservation_of_one_seller_never_takes_anothers_stock(
    two: tuple[Ledger, Ledger],
) -> None:
    """A cannot reserve beyond its own 7 units though B holds 40 of the same code."""
    a, b = two
    with pytest.raises(WorldpoolError):
        a.reserve("MUG-1", "US-FC1", 8, "o-1", "res-1")
    a.reserve("MUG-1", "US-FC1", 7, "o-1", "res-1")
    assert b.balances(sku="MUG-1")[0].reserved == 0


def test_orders_are_per_seller(two: tuple[Ledger, Ledger]) -> None:
    """The same channel order id under two sellers is two orders; neither sees the other's."""
    a, b = two
    sa, sb = OrderService(a), OrderService(b)
    sa.submit(make_order("A-1", lines=(("MUG-1", 2),)))
    sb.submit(make_order("A-1", lines=(("MUG-1", 30),)))
    assert a.balances(sku="MUG-1", node="US-FC1")[0].reserved == 2
    assert b.balances(sku="MUG-1", node="US-FC1")[0].reserved == 30
    assert len(sa.list_orders()) == len(sb.list_orders()) == 1
    assert [r[3] for r in sa.book.reservations()] == [2]
    c = OrderService(a.for_seller("C"))
    assert c.list_orders() == []
    with pytest.raises(WorldpoolError):
        c.get("shopify", "A-1")
    with pytest.raises(WorldpoolError):
        c.cancel("shopify", "A-1")
    assert b.balances(sku="MUG-1", node="US-FC1")[0].reserved == 30


def test_dead_letters_are_per_seller(two: tuple[Ledger, Ledger]) -> None:
    """A's dead letters are invisible to B, and B cannot resolve them."""
    a, b = two
    a.dead_letter([DeadLetter("f.csv", "sku", 2, "sku", "bad", {"sku": ""})])
    [stored] = a.stored_dead_letters()
    assert b.dead_letters() == []
    with pytest.raises(UnknownReference):
        b.stored_dead_letter(stored.id)
    assert b.resolve_dead_letter(stored.id) is False
    assert len(a.dead_letters()) == 1


def _plan_row(plan_id: str) -> dict[str, object]:
    return {
        "id": plan_id,
        "fingerprint": "f" * 64,
        "as_of": date(2026, 12, 1),
        "hub": "CN-SZX",
        "status": "draft",
        "summary": "s",
        "payload": json.dumps({"id": plan_id}),
        "created_at": datetime.now(UTC),
    }


def test_plans_are_per_seller_and_apply_in_one_transaction(
    two: tuple[Ledger, Ledger],
) -> None:
    """Same plan id under two sellers; applying posts and marks once, for its seller."""
    a, b = two
    receive(a, "MUG-1", 20, "hub-a", node="CN-SZX")
    assert a.save_plan_row(_plan_row("P1")) and b.save_plan_row(_plan_row("P1"))
    move = Movement(
        MovementKind.TRANSFER_OUT,
        "MUG-1",
        "US-FC1",
        5,
        "plan",
        "P1",
        "plan:P1:1",
        from_node="CN-SZX",
    )
    short = Movement(
        MovementKind.TRANSFER_OUT,
        "MUG-1",
        "US-FC1",
        999,
        "plan",
        "P1",
        "plan:P1:2",
        from_node="CN-SZX",
    )
    done = a.apply_plan("P1", [move, short])
    assert (done.posted, len(done.rejected), done.already_applied) == (1, 1, False)
    assert a.plan_row("P1")["status"] == "applied"  # type: ignore[index]
    assert b.plan_row("P1")["status"] == "draft"  # type: ignore[index]
    assert a.apply_plan("P1", [move]).already_applied
    with pytest.raises(UnknownReference):
        a.for_seller("C").apply_plan("P1", [move])
    assert a.check().ok and b.check().ok


def test_check_per_seller_and_for_the_operator(two: tuple[Ledger, Ledger]) -> None:
    """Drift in B's rows shows in B's and the operator's check, not in A's."""
    a, b = two
    with b.engine.begin() as conn:
        conn.execute(
            update(balances)
            .where(balances.c.seller == "B", balances.c.sku == "MUG-1")
            .values(on_hand=41)
        )
    assert a.check().ok
    [drift] = b.check().drifts
    assert (drift.seller, drift.stored[0], drift.journal[0]) == ("B", 41, 40)
    everyone = a.check(all_sellers=True)
    assert [d.seller for d in everyone.drifts] == ["B"]
    assert everyone.movements == 2


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seq=movement_sequences(max_size=20))
def test_invariant_holds_per_seller(seq: list[Movement], ledger: Ledger) -> None:
    """Random workloads under two sellers with the same SKU codes: zero drift each."""
    views = [ledger.for_seller(s) for s in ("A", "B")]
    for view in views:
        view.register_skus([make_sku("A"), make_sku("B")])
    for i, m in enumerate(seq):
        with contextlib.suppress(WorldpoolError):
            views[i % 2].post(m)
    for view in views:
        assert view.check().ok
        assert all(x.available >= 0 for x in view.balances())
    assert ledger.check(all_sellers=True).ok


def test_api_keys_carry_a_seller_and_revoke_at_once(ledger: Ledger) -> None:
    """A key resolves to its seller and scope; a revoked key fails on the next lookup."""
    key_a = create_api_key(ledger.engine, "a-write", "write", seller="A")
    hub = create_api_key(ledger.engine, "hub", "admin", seller="*")
    info = lookup_key(ledger.engine, key_a)
    assert info is not None
    assert (info.seller, info.scope, info.role) == ("A", "write", "operator")
    hub_info = lookup_key(ledger.engine, hub)
    assert hub_info is not None and hub_info.all_sellers and hub_info.role == "hub"
    assert lookup_key(ledger.engine, "wp_nonsense") is None
    assert [k.name for k in list_api_keys(ledger.engine, seller="A")] == ["a-write"]
    assert revoke_api_key(ledger.engine, "a-write", seller="B") == 0
    assert revoke_api_key(ledger.engine, "a-write", seller="A") == 1
    assert lookup_key(ledger.engine, key_a) is None


def test_upgrade_gives_existing_rows_the_default_seller(
    db_url: str, catalog: Catalog
) -> None:
    """A 0003 database with stock upgrades in place; its rows belong to 'default'."""
    engine = make_engine(db_url)
    upgrade(engine, "0003")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO skus (sku, title, unit_weight_kg, unit_volume_m3, "
                "unit_cost, currency, battery, created_at) "
                "VALUES ('OLD-1', 'old', 1, 0.001, 2, 'USD', 'none', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO balances (sku, node, on_hand, reserved, in_transit) "
                "VALUES ('OLD-1', 'US-FC1', 3, 0, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO movements (idempotency_key, payload_hash, kind, sku, "
                "node, qty, damaged, short, reason, reference, at, posted_at) VALUES "
                "('k-old', 'h', 'receive', 'OLD-1', 'US-FC1', 3, 0, 0, 'ASN', 'A', "
                ":now, :now)"
            ),
            {"now": now},
        )
    assert upgrade(engine) == head_revision()
    led = Ledger(engine, catalog)
    assert led.skus() == ["OLD-1"]
    assert [x.on_hand for x in led.balances()] == [3]
    assert led.check().ok
    assert led.for_seller("A").skus() == []
    led.for_seller("A").register_skus([make_sku("OLD-1")])  # same code, no clash
    engine.dispose()


def test_seller_names_are_checked(ledger: Ledger) -> None:
    """A view cannot be made for '*' or an empty seller (they name no one)."""
    for bad in ("", "*", "x" * 65):
        with pytest.raises(WorldpoolError):
            ledger.for_seller(bad)
