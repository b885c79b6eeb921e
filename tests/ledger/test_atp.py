from __future__ import annotations

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.testing import make_sku

K = MovementKind


def _stock(ledger: Ledger, sku: str) -> None:
    ledger.post(Movement(K.RECEIVE, sku, "CN-SZX", 100, "ASN", "a", f"a-{sku}"))
    ledger.post(
        Movement(
            K.TRANSFER_OUT,
            sku,
            "US-FC1",
            30,
            "fwd",
            "t",
            f"o-{sku}",
            from_node="CN-SZX",
        )
    )
    ledger.post(
        Movement(
            K.TRANSFER_IN, sku, "US-FC1", 30, "fwd", "t", f"i-{sku}", from_node="CN-SZX"
        )
    )
    ledger.reserve(sku, "US-FC1", 5, "order", f"r-{sku}")


def test_atp_adds_pooled_hub_where_ffo_allowed(ledger: Ledger) -> None:
    """ATP in the US is the local FC's available plus the hub's, fastest first."""
    ledger.register_skus(
        [make_sku("A", listed_markets=("US", "DE"), ffo_markets=("US",))]
    )
    _stock(ledger, "A")
    atp = ledger.atp("A", "US")
    first = atp.sources[0]
    assert (first.node, first.available, first.fulfil_from_origin) == (
        "US-FC1",
        25,
        False,
    )
    hub = next(s for s in atp.sources if s.node == "CN-SZX")
    assert hub.fulfil_from_origin and hub.available == 70 and hub.lane
    assert hub.p50_days > first.p50_days and hub.p90_days >= hub.p50_days
    assert atp.total == 95


def test_atp_without_ffo_is_local_only(ledger: Ledger) -> None:
    """Where fulfil-from-origin is not allowed, only FC stock is promised."""
    ledger.register_skus(
        [make_sku("B", listed_markets=("US", "DE"), ffo_markets=("US",))]
    )
    _stock(ledger, "B")
    atp = ledger.atp("B", "DE")
    assert all(not s.fulfil_from_origin for s in atp.sources)
    assert atp.total == 0


def test_atp_not_listed_is_empty(ledger: Ledger) -> None:
    """A SKU not listed in a marketplace has nothing to promise there."""
    ledger.register_skus([make_sku("C", listed_markets=("US",), ffo_markets=("US",))])
    _stock(ledger, "C")
    assert ledger.atp("C", "JP").sources == ()
