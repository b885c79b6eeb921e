"""Carrier connectors through karrio, over real loopback HTTP against a fake UPS.

The fake answers UPS's documented OAuth, Rating, Shipping and Tracking shapes,
with faults (429 + Retry-After, 5xx, replies past the client's timeout) and a
tracking feed that repeats scans. Labels are requested through the outbox and
bought by the sync worker; the tracking number reaches the order and the
channel (fake Shopify); tracking events feed the idempotent ingest.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from worldpool.connectors import carrier_service as cs
from worldpool.connectors.carrier_accounts import (
    CarrierAccountRequest,
    Recipient,
    add_carrier_account,
    list_carrier_accounts,
    live_rates,
    open_carrier,
)
from worldpool.connectors.carrier_karrio import (
    CarrierError,
    CarrierRefused,
    KarrioCarrier,
)
from worldpool.context import Context
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger import Ledger
from worldpool.ledger.audit_tables import enqueue_on
from worldpool.logistics import service as logistics
from worldpool.logistics.build import ShipmentDraft
from worldpool.logistics.carriers import RateAsk
from worldpool.logistics.ratecard import Piece
from worldpool.testing._fake_carriers import FakeCarrier, FakeFedex, FakeUps
from worldpool.testing.fake_channels import FakeShopify

from .conftest import connect_shopify
from .test_sync import orders_in_pool, run_until

pytest.importorskip("karrio")

SHIPPER = {"postal_code": "90001", "city": "Los Angeles", "address_line1": "1 Dock"}
TO = Recipient("US", "10001", "New York", "5 Main St", "A. Buyer")


@pytest.fixture
def ups() -> Iterator[FakeUps]:
    """A running fake UPS API."""
    fake = FakeUps(seed=5)
    fake.start()
    yield fake
    fake.close()


def add_ups(ctx: Context, fake: FakeUps, **settings: object) -> None:
    """Add ``fake`` as the seller's UPS account ``ups-main`` (fast retries)."""
    add_carrier_account(
        ctx,
        CarrierAccountRequest(
            "ups-main",
            "ups",
            fake.url,
            FakeUps.CREDENTIALS,
            {
                "shipper": SHIPPER,
                "account_number": "A1B2C3",
                "timeout_s": 0.5,
                "cap_s": 0.2,
                **settings,
            },
        ),
    )


@pytest.fixture(params=["ups", "fedex"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeCarrier]:
    """A running fake of each carrier API."""
    kind = {"ups": FakeUps, "fedex": FakeFedex}[request.param]
    f = kind(seed=6)
    f.start()
    yield f
    f.close()


@pytest.fixture
def client(fake: FakeCarrier) -> Iterator[KarrioCarrier]:
    """A client on the fake without a database (the connector alone)."""
    c = KarrioCarrier(
        "acct",
        fake.CHANNEL,
        fake.url,
        fake.CREDENTIALS,
        {"shipper": SHIPPER, "timeout_s": 0.5, "cap_s": 0.2, "account_number": "A1"},
        rng=random.Random(3),
    )
    yield c
    c.close()


def a_shipment(ctx: Context, ref: str = "R1") -> str:
    """A stored parcel shipment of 2 MUG-1 from US-FC1."""
    lines = ({"sku": "MUG-1", "qty": 2, "keys": []},)
    draft = ShipmentDraft("order", ref, "US-FC1", "US", "parcel", lines, (3.0, 7.0))
    return logistics.create_shipment(ctx, draft, "0614141")


def test_rates_label_and_tracking_through_karrio(
    fake: FakeCarrier, client: KarrioCarrier
) -> None:
    """Rates come back, a label gives a number and a PDF, scans map to steps."""
    ask = RateAsk(
        "US",
        "US",
        "10001",
        (Piece(Decimal("2.5"), Decimal("0.01")),),
        "New York",
        "5 Main St",
        "A. Buyer",
    )
    rates = client.rates(ask)
    ground = f"{fake.CHANNEL}_ground"
    assert ground in {r.service for r in rates} and len(rates) == 3
    assert all(r.currency == "USD" and r.amount > 0 for r in rates)
    label = client.buy_label("SHP-X", ground, ask)
    assert label.tracking_number.startswith(fake.PREFIX)
    assert label.label_pdf.startswith(b"%PDF")
    t0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
    codes = {"ups": ["PU", "DP", "OT", "KB"], "fedex": ["PU", "DP", "OD", "DL"]}
    for i, code in enumerate(codes[fake.CHANNEL]):
        fake.scan(label.tracking_number, code, t0 + timedelta(hours=9 * i), "NYC")
    steps = [e.biz_step.value for e in client.track([label.tracking_number])]
    assert sorted(steps) == ["arriving", "departing", "receiving", "shipping"]
    assert fake.tokens == 1  # the OAuth token is kept between calls
    fake.reject_next = 1  # the carrier's own refusal, in its documented shape
    with pytest.raises(CarrierRefused, match=r"SHP-Y.*(120802|POSTAL)"):
        client.buy_label("SHP-Y", ground, ask)


def test_retries_429_5xx_and_timeouts(fake: FakeCarrier, client: KarrioCarrier) -> None:
    """Throttling, server errors and a hung reply are retried; the call succeeds."""
    ask = RateAsk("US", "US", "10001", (Piece(Decimal("1"), Decimal("0.005")),))
    fake.faults.throttle_next = 2
    fake.faults.retry_after_s = 0.05
    fake.faults.hang_next = 1
    fake.faults.hang_s = 1.0
    assert client.rates(ask)
    stats = client.http.stats
    assert stats["status:429"] == 2 and stats["timeout"] == 1
    fake.faults.error_rate = 1.0
    with pytest.raises(CarrierError, match="gave up") as err:
        client.rates(ask)
    assert not isinstance(err.value, CarrierRefused)  # transient: retried later


def test_refusals_name_the_shipment_and_field(ctx: Context, ups: FakeUps) -> None:
    """A missing address is refused before sending; a carrier refusal is dead."""
    add_ups(ctx, ups)
    sid = a_shipment(ctx)
    with pytest.raises(InputError) as err:
        cs.request_label(
            ctx, cs.LabelRequest(sid, "ups-main", "ups_ground", TO, order="no-colon")
        )
    assert err.value.field == "order"
    with pytest.raises(UnknownReference, match="no such order"):
        cs.request_label(
            ctx, cs.LabelRequest(sid, "ups-main", "ups_ground", TO, order="shopify:9")
        )
    cs.request_label(
        ctx,
        cs.LabelRequest(
            sid, "ups-main", "ups_ground", Recipient("US", "", "NYC", "5 Main")
        ),
    )
    run = cs.deliver_labels(ctx, "ups-main")
    assert (run.labels, run.dead) == (0, 1)
    with ctx.engine.connect() as conn:
        error = conn.execute(text("select last_error from outbox")).scalar_one()
    assert sid in error and "to.postcode" in error
    client = open_carrier(ctx, "ups-main")
    ask = RateAsk("US", "US", "10001", (Piece(Decimal("1"), Decimal("0.005")),))
    try:
        with pytest.raises(InputError) as err:
            client.buy_label(sid, "ups_ground", ask)  # no street
        assert err.value.field == "to.street"
    finally:
        client.close()


def test_credentials_are_sealed_and_never_shown(
    ctx: Context, ups: FakeUps, caplog: pytest.LogCaptureFixture
) -> None:
    """The secret is stored encrypted, listed as ***, absent from audit and logs."""
    caplog.set_level(logging.DEBUG)
    add_ups(ctx, ups)
    secret = FakeUps.CREDENTIALS["client_secret"]
    with ctx.engine.connect() as conn:
        stored = conn.execute(text("select secret from carrier_accounts")).scalar_one()
        audit = " ".join(
            str(r) for r in conn.execute(text("select inputs, result from audit_log"))
        )
    assert secret not in stored and secret not in audit
    [info] = list_carrier_accounts(ctx)
    assert info.credentials == {"client_id": "***", "client_secret": "***"}
    sid = a_shipment(ctx)
    assert live_rates(ctx, "ups-main", sid, TO)[0].amount == Decimal("14.20")
    with pytest.raises(InputError):
        add_ups(ctx, ups)  # the name is taken
    assert secret not in caplog.text


def test_label_through_outbox_reaches_order_and_channel(
    ctx: Context, ledger: Ledger, shopify: FakeShopify, ups: FakeUps
) -> None:
    """Order -> parcel -> label bought by the worker -> tracking on the order -> Shopify."""
    connect_shopify(ctx, shopify)
    add_ups(ctx, ups)
    shopify.stock["LAMP-2"] = 5
    oid = shopify.sell("LAMP-2", 1)
    assert oid
    run_until(ctx, lambda: orders_in_pool(ctx).get("shopify") == 1)
    sid, to = cs.parcel_for_order(ctx, "shopify", oid, "US-FC1", "0614141")
    assert to.postcode and to.street
    ups.faults.throttle_next = 1
    ups.faults.retry_after_s = 0.05
    with ctx.engine.begin() as conn:  # a row no worker can send: dead, not looping
        enqueue_on(
            conn, seller="default", topic="stray.topic", destination="shop-us",
            key="stray-1", payload={},
        )  # fmt: skip
    req = cs.LabelRequest(sid, "ups-main", "ups_ground", to, order=f"shopify:{oid}")
    assert cs.request_label(ctx, req)
    assert not cs.request_label(ctx, req)  # queued once
    run_until(ctx, lambda: bool(shopify.shipments.get(oid)), 60)
    view = logistics.shipment_status(ctx, sid)
    number = view.row["tracking_number"]
    assert view.row["booking"] == "confirmed" and number in ups.labels
    assert shopify.shipments[oid] == [{"company": "UPS", "number": number}]
    with ctx.engine.connect() as conn:
        order_tracking = conn.execute(
            text("select tracking_number from order_shipments")
        ).scalar_one()
        status = conn.execute(text("select status from orders")).scalar_one()
        pdf = conn.execute(text("select pdf from carrier_labels")).scalar_one()
    assert order_tracking == number and status == "shipped" and pdf[:4] == b"%PDF"
    assert len(ups.labels) == 1  # bought once
    with ctx.engine.connect() as conn:
        stray = conn.execute(
            text("select status, last_error from outbox where key = 'stray-1'")
        ).one()
    assert stray[0] == "dead" and "no sender for topic stray.topic" in stray[1]


def test_tracking_feed_repeated_and_shuffled_applies_once(
    ctx: Context, ups: FakeUps
) -> None:
    """Scans pulled twice, repeated and out of order: each event is stored once."""
    add_ups(ctx, ups)
    sid = a_shipment(ctx)
    cs.request_label(ctx, cs.LabelRequest(sid, "ups-main", "ups_ground", TO))
    assert cs.deliver_labels(ctx, "ups-main").labels == 1
    number = logistics.shipment_status(ctx, sid).row["tracking_number"]
    t0 = datetime.now(UTC) - timedelta(days=2)
    scans = [("PU", 0), ("DP", 6), ("DP", 6), ("OT", 30), ("PU", 0)]
    random.Random(4).shuffle(scans)
    for code, hours in scans:
        ups.scan(number, code, t0 + timedelta(hours=hours), "NYC")
    first = cs.pull_tracking(ctx, "ups-main")
    again = cs.pull_tracking(ctx, "ups-main")
    assert (first.applied, again.applied) == (3, 0)
    view = logistics.shipment_status(ctx, sid)
    assert view.row["status"] != "booked" and len(view.events) == 3


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_add_rates_label_run_and_book(
    ctx: Context, ledger: Ledger, ups: FakeUps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ``carriers`` commands call the services; secrets never echo back."""
    from typer.testing import CliRunner

    from worldpool.interfaces.cli import app

    from .conftest import SECRET

    monkeypatch.setenv("WORLDPOOL_SECRET_KEY", SECRET)
    runner = CliRunner()
    db = ["--db", ledger.engine.url.render_as_string(hide_password=False)]
    secret = FakeUps.CREDENTIALS["client_secret"]
    added = runner.invoke(
        app,
        [
            "carriers", "add", "ups-cli", "--carrier", "ups", "--url", ups.url,
            "--secret", "client_id=ups-client", "--secret", f"client_secret={secret}",
            "--set", f"shipper={json.dumps(SHIPPER)}", *db,
        ],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["carriers", "list", *db])
    assert "ups-cli" in listed.output and secret not in added.output + listed.output
    sid = a_shipment(ctx)
    to = ["--to", "country=US", "--to", "postcode=10001", "--to", "street=5 Main"]
    quoted = runner.invoke(
        app, ["carriers", "rates", "ups-cli", sid, *to, "--json", *db]
    )
    assert quoted.exit_code == 0 and "ups_ground" in quoted.output, quoted.output
    queued = runner.invoke(
        app,
        ["carriers", "label", "ups-cli", sid, "--service", "ups_ground", *to, *db],
    )
    assert queued.exit_code == 0, queued.output
    ran = runner.invoke(app, ["carriers", "run", *db])
    assert ran.exit_code == 0 and "1 labels bought" in ran.output, ran.output
    assert logistics.shipment_status(ctx, sid).row["booking"] == "confirmed"
    other = a_shipment(ctx, "R2")
    booked = runner.invoke(
        app, ["ship", "book", other, "1ZMANUAL", "--order", "shopify:404", *db]
    )
    assert booked.exit_code != 0 and "404" in booked.output
