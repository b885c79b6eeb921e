"""The audit service records actions per seller and reads them back scoped."""

from __future__ import annotations

from worldpool import audit
from worldpool.catalog import load_catalog
from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.ledger import Ledger
from worldpool.ledger.audit_tables import enqueue_on
from worldpool.ledger.db import make_engine


def _ctx(db_url: str) -> Context:
    led = Ledger(make_engine(db_url), load_catalog())
    led.init()
    led.close()
    return open_context(Settings(database_url=db_url), user="alice")


def test_audit_is_scoped_to_the_seller(db_url: str) -> None:
    """A seller sees only its own audit rows; the hub operator sees every seller's."""
    ctx = _ctx(db_url)
    a = ctx.acting_as(seller="a")
    b = ctx.acting_as(seller="b", user="bob")
    audit.record(a, "plan.apply", target="PLAN-1", inputs={"x": 1}, result={"ok": True})
    audit.record(b, "sku.import", target="skus.csv")
    seen_a = audit.history(a)
    assert [(e.action, e.actor, e.seller) for e in seen_a] == [
        ("plan.apply", "alice", "a")
    ]
    assert seen_a[0].inputs == {"x": 1} and seen_a[0].result == {"ok": True}
    hub = ctx.acting_as(role="hub")
    assert {e.seller for e in audit.history(hub)} == {"a", "b"}
    ctx.close()


def test_outbox_enqueue_is_idempotent_per_seller(db_url: str) -> None:
    """The same outbox key twice for one seller is one message; another seller's is its own."""
    ctx = _ctx(db_url)
    with ctx.engine.begin() as conn:
        first = enqueue_on(
            conn,
            seller="a",
            topic="stock.level",
            destination="shopify:1",
            key="k1",
            payload={"q": 1},
        )
        again = enqueue_on(
            conn,
            seller="a",
            topic="stock.level",
            destination="shopify:1",
            key="k1",
            payload={"q": 1},
        )
        other = enqueue_on(
            conn,
            seller="b",
            topic="stock.level",
            destination="shopify:1",
            key="k1",
            payload={"q": 2},
        )
    assert (first, again, other) == (True, False, True)
    ctx.close()
