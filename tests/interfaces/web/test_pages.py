from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cockpit.conftest import context_of
from tests.interfaces.web.conftest import Cockpit, csrf_of
from worldpool.audit import history
from worldpool.orders.samples import SampleLine, sample_payload
from worldpool.orders.service import OrderService

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _order(cockpit: Cockpit, order_id: str = "W-1") -> None:
    payload = sample_payload(
        "shopify", order_id, "US", [SampleLine("MUG-1", 2, Decimal("9.90"))]
    )
    report = OrderService(cockpit.ledger).import_document("shopify", payload, "test")
    assert report.count("created") == 1


def test_order_page_explains_and_ships_with_tracking(cockpit: Cockpit) -> None:
    """An order shows its routing reason and promise; an operator ships it with tracking."""
    _order(cockpit)
    with cockpit.login("oscar") as client:
        listing = client.get("/ui/orders?search=W-1")
        assert "W-1" in listing.text
        page = client.get("/ui/orders/shopify/W-1")
        assert "US-FC1" in page.text and "Routing decision" in page.text
        token = csrf_of(client, "/ui/orders/shopify/W-1")
        shipped = client.post(
            "/ui/orders/shopify/W-1/ship",
            data={"carrier": "UPS", "tracking": "1Z999", "csrf": token},
        )
        assert shipped.status_code == 303
        assert "shipped" in client.get("/ui/orders/shopify/W-1").text
    entry = next(
        e for e in history(context_of(cockpit.ledger)) if e.action == "orders.ship"
    )
    assert entry.actor == "oscar" and entry.inputs["tracking"] == "1Z999"


@SQLITE_ONLY
def test_viewer_cannot_ship_or_upload(cockpit: Cockpit) -> None:
    """A viewer's ship and upload are refused with the role named; nothing changes."""
    _order(cockpit)

    def hub() -> int:
        return {b.node: b.on_hand for b in cockpit.ledger.balances(sku="MUG-1")}[
            "CN-SZX"
        ]

    before = hub()
    with cockpit.login("vera") as client:
        token = csrf_of(client, "/ui/orders/shopify/W-1")
        refused = client.post(
            "/ui/orders/shopify/W-1/ship",
            data={"carrier": "UPS", "tracking": "1Z999", "csrf": token},
        )
        assert refused.status_code == 403 and "(viewer)" in refused.text
        upload = client.post(
            "/ui/inventory/asn",
            files={"file": ("asn.csv", b"asn_id,sku,node,qty\nA,MUG-1,CN-SZX,5\n")},
            headers={"X-CSRF-Token": token},
        )
        assert upload.status_code == 422 and "(viewer)" in upload.text
    assert hub() == before
    assert "open" in OrderService(cockpit.ledger).get("shopify", "W-1").status


@SQLITE_ONLY
def test_uploads_must_be_csv(cockpit: Cockpit) -> None:
    """An upload that is not a .csv file is refused with a message, nothing posted."""
    with cockpit.login("oscar") as client:
        token = csrf_of(client, "/ui/inventory")
        response = client.post(
            "/ui/inventory/skus",
            files={"file": ("skus.xlsx", b"PK\x03\x04")},
            headers={"X-CSRF-Token": token},
        )
    assert response.status_code == 422 and ".csv" in response.text


@SQLITE_ONLY
def test_htmx_gets_only_the_table(cockpit: Cockpit) -> None:
    """An htmx request for the balances returns the table fragment, not the page."""
    with cockpit.login("vera") as client:
        full = client.get("/ui/inventory?sort=available&desc=1")
        part = client.get(
            "/ui/inventory?sort=available&desc=1", headers={"HX-Request": "true"}
        )
    assert "<html" in full.text and "<html" not in part.text
    assert part.text.strip().startswith('<div id="balances">')
    assert "MUG-1" in part.text and "rows, page 1 of 1" in part.text


@SQLITE_ONLY
def test_overview_and_static_assets(cockpit: Cockpit) -> None:
    """The overview shows the hub's stock; the vendored scripts are served locally."""
    with cockpit.login("vera") as client:
        page = client.get("/ui/")
        assert "CN-SZX" in page.text and "Stock value by node" in page.text
        assert "/ui/static/vendor/htmx-2.0.11.min.js" in page.text
        script = client.get("/ui/static/vendor/htmx-2.0.11.min.js")
        assert script.status_code == 200 and "htmx" in script.text[:2000]
        assert "http" not in page.text.split("<body")[0].replace("http-equiv", "")


def test_customs_page_shows_probability_and_question(
    cockpit: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The customs page shows the calibrated shortlist and the deciding question."""
    import numpy as np

    from worldpool.customs import HsSuggester, service
    from worldpool.customs._evidence import FEATURES
    from worldpool.customs.suggest import HsSuggestion

    found = (
        HsSuggestion("610910", 0.3, "T-shirts, knitted", "T-shirts", "why"),
        HsSuggestion("620520", 0.2, "Shirts, woven", "Shirts", "why"),
    )

    class Fake(HsSuggester):
        def suggest_with_evidence(self, texts, k=3, extra=None):  # type: ignore[no-untyped-def]
            return [found], np.zeros((1, len(FEATURES)))

    monkeypatch.setattr(service, "hs_model", lambda confirmed=(): Fake())
    with cockpit.login("vera") as client:
        page = client.get("/ui/customs", params={"text": "cotton t-shirt"})
        assert page.status_code == 200, page.text[:300]
        assert "610910" in page.text
        assert "knitted (or crocheted) or woven" in page.text
