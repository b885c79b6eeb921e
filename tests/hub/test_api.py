"""``/hub`` over a real server: the operator closes, a seller reads its own statement."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from tests.conftest import context_for
from tests.hub.conftest import HUB
from tests.interfaces.api.conftest import free_port
from worldpool.context import Context
from worldpool.interfaces.api import create_app
from worldpool.ledger import Ledger
from worldpool.ledger.api_keys import create_api_key

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def api(hub: Context, ledger: Ledger) -> Iterator[tuple[str, dict[str, str]]]:
    """A served API over the two-seller hub, with an operator and a seller key."""
    keys = {
        "hub": create_api_key(ledger.engine, "op", "admin", seller="*"),
        "acme": create_api_key(ledger.engine, "acme", "read", seller="acme"),
    }
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(
            create_app(context_for(ledger)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", keys
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@SQLITE_ONLY
def test_operator_closes_and_seller_reads_csv_and_chinese_pdf(
    api: tuple[str, dict[str, str]],
) -> None:
    """Close needs the operator key; the seller gets JSON, CSV and a CJK PDF."""
    url, keys = api
    with (
        httpx.Client(
            base_url=url, headers={"X-API-Key": keys["hub"]}, timeout=30
        ) as op,
        httpx.Client(
            base_url=url, headers={"X-API-Key": keys["acme"]}, timeout=30
        ) as acme,
    ):
        _walk(op, acme)


def _walk(op: httpx.Client, acme: httpx.Client) -> None:
    body = {"month": "2026-10", "node": HUB}
    assert acme.post("/hub/billing/close", json=body).status_code == 403
    closed = op.post("/hub/billing/close", json=body)
    assert closed.status_code == 200 and closed.json()["sellers"] == 2
    view = op.get("/hub/billing/sellers", params={"month": "2026-10"}).json()
    assert [v["seller"] for v in view] == ["acme", "beta"]
    assert (
        acme.get("/hub/billing/sellers", params={"month": "2026-10"}).status_code == 403
    )
    stmt = acme.get("/hub/billing/statement", params={"month": "2026-10"}).json()
    assert stmt["seller"] == "acme" and stmt["lines"]
    csv_text = acme.get(
        "/hub/billing/statement", params={"month": "2026-10", "format": "csv"}
    ).text
    assert csv_text.splitlines()[-1].split(",")[10] == stmt["total"]
    pdf = acme.get(
        "/hub/billing/statement",
        params={"month": "2026-10", "format": "pdf"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    rec = acme.get("/hub/billing/reconcile", params={"month": "2026-10"}).json()
    assert rec["unreconciled_cents"] == 0
    beta = op.get(
        "/hub/billing/statement",
        params={"month": "2026-10"},
        headers={"X-Seller": "beta"},
    ).json()
    assert beta["seller"] == "beta" and beta["total"] != stmt["total"]
    bad = op.post("/hub/billing/close", json={"month": "2026-13", "node": HUB})
    assert bad.status_code == 422


@SQLITE_ONLY
def test_book_and_receive_over_http(api: tuple[str, dict[str, str]]) -> None:
    """A seller's write key books a slot and receives; a read key cannot."""
    url, keys = api
    with httpx.Client(
        base_url=url, headers={"X-API-Key": keys["hub"], "X-Seller": "acme"}, timeout=30
    ) as op:
        body = {
            "asn": "ASN-77",
            "slot_start": "2026-11-03T10:00:00Z",
            "cartons": 3,
            "lines": {"A": 10},
        }
        booked = op.post("/hub/appointments", json=body)
        assert booked.status_code == 201 and booked.json()["dock"] == "D1"
        got = op.post(
            "/hub/appointments/ASN-77/receipt",
            json={"lines": [["A", 9, 1], ["B", 2, 0]]},
        )
        assert got.status_code == 200, got.text
        assert [(r["sku"], r["short"], r["over"], r["good"]) for r in got.json()] == [
            ("A", 1, 0, 8),
            ("B", 0, 2, 2),
        ]
    with httpx.Client(base_url=url, headers={"X-API-Key": keys["acme"]}) as reader:
        body["asn"] = "ASN-78"
        assert reader.post("/hub/appointments", json=body).status_code == 403


@SQLITE_ONLY
def test_waves_over_http(api: tuple[str, dict[str, str]]) -> None:
    """No open orders: no waves; a pick naming no channel is a 422 naming the field."""
    url, keys = api
    headers = {"X-API-Key": keys["hub"], "X-Seller": "acme"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as op:
        planned = op.post("/hub/waves", json={"default_carrier": "sf"})
        assert planned.status_code == 200 and planned.json() == []
        pick = {"order": "no-channel", "sku": "A", "bin": "STAGING", "units": 1}
        bad = op.post("/hub/waves/ship", json={"picks": [pick]})
        assert bad.status_code == 422 and "order" in bad.text
