"""Carrier work through the outbox: labels bought by a worker, tracking pulled in.

* :func:`request_label` enqueues ``carrier.label`` to ``carrier:<account>`` in
  the caller's transaction (audited); nothing is sent from the request.
* :func:`deliver_labels` (the sync worker runs it, or ``worldpool carriers
  run``) claims those rows, buys each label through karrio, stores the PDF,
  books the shipment with the carrier's tracking number and, for a parcel
  serving a channel order, records the tracking on the order and enqueues the
  channel's fulfillment push (:func:`book_parcel`). A shipment already booked
  is not bought twice (a redelivered row after a crash between the purchase
  and the settle only settles). Transient failures (429, 5xx, timeouts
  outlasting the client's retries) are retried with backoff; a refusal (4xx)
  is dead at once, its error naming the shipment and the field.
* :func:`pull_tracking` fetches the carrier's events of the account's open
  booked shipments and feeds them to the idempotent tracking ingest: a feed
  repeated or reordered changes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from random import Random
from typing import Any

from worldpool.audit import audit_on
from worldpool.connectors import _services
from worldpool.connectors import service as channel_service
from worldpool.connectors.carrier_accounts import (
    Recipient,
    account_names,
    account_row,
    ask_for,
    open_carrier,
)
from worldpool.connectors.carrier_karrio import KarrioCarrier
from worldpool.connectors.errors import ChannelError, ProviderRejected
from worldpool.connectors.stock_push import retry_rows
from worldpool.context import Context
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger.audit_tables import enqueue_on
from worldpool.ledger.carrier_tables import (
    carrier_sellers_on,
    note_carrier_error_on,
    save_label_on,
    tracked_shipments_on,
)
from worldpool.ledger.logistics_tables import get_shipment_on
from worldpool.ledger.outbox_queue import (
    claim_outbox_on,
    retry_outbox_on,
    settle_outbox_on,
)
from worldpool.logistics import service as logistics
from worldpool.logistics import tracking_service
from worldpool.logistics.build import ShipmentDraft
from worldpool.logistics.records import BookRequest, IngestResult, ShipmentView

__all__ = [
    "LABEL_TOPIC",
    "CarrierRun",
    "LabelRequest",
    "book_parcel",
    "carrier_sellers",
    "deliver_labels",
    "destination",
    "parcel_for_order",
    "pull_tracking",
    "request_label",
    "run_once",
    "work_accounts",
]

LABEL_TOPIC = "carrier.label"


def destination(account: str) -> str:
    """Return the outbox destination of a carrier account."""
    return f"carrier:{account}"


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """Buy a carrier label for a shipment (through the outbox)."""

    shipment_id: str
    """Shipment id."""
    account: str
    """Carrier account name."""
    service: str
    """Carrier service (karrio's name, e.g. ``ups_ground``)."""
    to: Recipient
    """Delivery address."""
    order: str | None = None
    """``channel:order id`` the parcel serves: its tracking goes back there."""


@dataclass(frozen=True, slots=True)
class CarrierRun:
    """What one pass over a carrier account did."""

    labels: int = 0
    """Labels bought and booked."""
    retried: int = 0
    """Label rows that failed and were scheduled again."""
    dead: int = 0
    """Label rows refused for good."""
    events: int = 0
    """New tracking events stored."""
    duplicates: int = 0
    """Tracking events already stored (repeats in the carrier's feed)."""


def _split_order(order: str | None) -> tuple[str, str] | None:
    if not order:
        return None
    channel, sep, oid = order.partition(":")
    if not sep or not channel or not oid:
        raise InputError(
            "an order is channel:order-id",
            record="label request",
            field="order",
            value=order,
        )
    return channel, oid


def request_label(ctx: Context, req: LabelRequest) -> bool:
    """Enqueue the label purchase for the account's worker; False if already queued.

    Raises:
        UnknownReference: no such shipment, carrier account or order
            (``OrderNotFound``).
        InputError: a malformed order reference or a shipment already booked.
    """
    ctx.require("operator")
    order = _split_order(req.order)
    account_row(ctx, req.account)
    if order is not None:
        # A label is bought to ship an order: refuse an unknown one before the
        # label is paid for, not after, when its tracking has nowhere to go.
        _services.order_payload(ctx, *order)
    payload = {
        "shipment": req.shipment_id,
        "service": req.service,
        "to": {
            "country": req.to.country,
            "postcode": req.to.postcode,
            "city": req.to.city,
            "street": req.to.street,
            "name": req.to.name,
        },
        "order": req.order,
    }
    with ctx.engine.begin() as conn:
        row = get_shipment_on(conn, ctx.seller, req.shipment_id)
        if row is None:
            raise UnknownReference(
                "no such shipment", record="shipment", value=req.shipment_id
            )
        new = enqueue_on(
            conn,
            seller=ctx.seller,
            topic=LABEL_TOPIC,
            destination=destination(req.account),
            key=f"{LABEL_TOPIC}:{req.shipment_id}",
            payload=payload,
        )
        audit_on(conn, ctx, "carriers.label", target=req.shipment_id, inputs=payload)
    return new


def parcel_for_order(
    ctx: Context, channel: str, channel_order_id: str, origin: str, prefix: str
) -> tuple[str, Recipient]:
    """Create (once) the parcel shipment of a channel order; return it and its address.

    The parcel holds the order's lines, leaves ``origin`` (the node that
    fulfils it) for the order's marketplace; its recipient is the order's
    ship-to address. Stock moves with the order (``ship``), not with the parcel.

    Raises:
        OrderNotFound: no such order.
    """
    order = _services.order_payload(ctx, channel, channel_order_id)
    to = order.get("ship_to") or {}
    lines = tuple(
        {"sku": str(ln["sku"]), "qty": int(ln["qty"]), "keys": []}
        for ln in order["lines"]
    )
    draft = ShipmentDraft(
        "order",
        f"{channel}:{channel_order_id}",
        origin,
        str(order.get("marketplace") or to.get("country") or ""),
        "parcel",
        lines,
        transit=(3.0, 7.0),
    )
    sid = logistics.create_shipment(ctx, draft, prefix)
    recipient = Recipient(
        str(to.get("country", "")),
        str(to.get("postal_code", "")),
        str(to.get("city", "")),
        str(to.get("line1", "")),
        str(to.get("name", "")),
    )
    return sid, recipient


def book_parcel(
    ctx: Context, req: BookRequest, *, order: str | None = None
) -> ShipmentView:
    """Book a shipment; a parcel for a channel order ships the order with its tracking.

    The order gets the carrier and tracking number and the channel's
    fulfillment push is enqueued to the connection the order came from
    (:func:`worldpool.connectors.service.ship`); repeating changes nothing.
    """
    ref = order or req.order_ref
    pair = _split_order(ref) if ref and ":" in ref else None
    if pair is not None:  # the order must exist before anything is booked
        _services.order_payload(ctx, *pair)
    view = logistics.book(ctx, req)
    if pair is not None:
        carrier = str(view.row["carrier"])
        channel_service.ship(
            ctx,
            channel_service.ShipRequest(pair[0], pair[1], carrier, req.tracking_number),
        )
    return view


def _buy(ctx: Context, client: KarrioCarrier, item: dict[str, Any]) -> None:
    p = item["payload"]
    sid = str(p["shipment"])
    with ctx.engine.connect() as conn:
        row = get_shipment_on(conn, ctx.seller, sid)
    if row is None:
        raise ProviderRejected(f"shipment {sid}: field shipment: no such shipment")
    number = row["tracking_number"] if row["booking"] == "confirmed" else None
    if number is None:
        to = Recipient(**p["to"])
        label = client.buy_label(sid, str(p["service"]), ask_for(ctx, sid, to))
        number = label.tracking_number
        with ctx.engine.begin() as conn:
            save_label_on(
                conn,
                ctx.seller,
                {
                    "shipment_id": sid,
                    "account": client.account,
                    "tracking_number": number,
                    "pdf": label.label_pdf,
                    "created_at": datetime.now(UTC),
                },
            )
    book_parcel(
        ctx,
        BookRequest(sid, str(number), client.name, p.get("order")),
    )


def deliver_labels(
    ctx: Context,
    account: str,
    *,
    limit: int = 50,
    lease_s: float = 60.0,
    max_attempts: int = 8,
    rng: Random | None = None,
    client: KarrioCarrier | None = None,
) -> CarrierRun:
    """Claim and deliver one batch of the account's label rows (see the module doc)."""
    rng = rng or Random()
    with ctx.engine.begin() as conn:
        items = claim_outbox_on(conn, ctx.seller, destination(account), limit, lease_s)
    if not items:
        return CarrierRun()
    own = client is None
    client = client or open_carrier(ctx, account)
    done = retried = dead = 0
    try:
        for item in items:
            try:
                _buy(ctx, client, item)
            except (ProviderRejected, InputError) as exc:  # retrying cannot help
                _fail(ctx, account, item, str(exc), dead=True)
                dead += 1
                continue
            except ChannelError as exc:
                with ctx.engine.begin() as conn:
                    died = retry_rows(conn, [item], str(exc), max_attempts, rng)
                    note_carrier_error_on(
                        conn, ctx.seller, account, str(exc), datetime.now(UTC)
                    )
                dead, retried = dead + died, retried + 1 - died
                continue
            with ctx.engine.begin() as conn:
                settle_outbox_on(conn, [int(item["id"])], "delivered")
            done += 1
    finally:
        if own:
            client.close()
    return CarrierRun(labels=done, retried=retried, dead=dead)


def _fail(
    ctx: Context, account: str, item: dict[str, Any], error: str, *, dead: bool
) -> None:
    with ctx.engine.begin() as conn:
        retry_outbox_on(conn, int(item["id"]), error, 0.0, dead=dead)
        note_carrier_error_on(conn, ctx.seller, account, error, datetime.now(UTC))


def pull_tracking(
    ctx: Context, account: str, *, client: KarrioCarrier | None = None
) -> IngestResult:
    """Fetch the events of the account's open booked shipments; ingest them."""
    own = client is None
    client = client or open_carrier(ctx, account)
    try:
        with ctx.engine.connect() as conn:
            numbers = tracked_shipments_on(conn, ctx.seller, client.name)
        if not numbers:
            return IngestResult(0, 0, (), 0)
        events = client.track(sorted(numbers))
    finally:
        if own:
            client.close()
    mine = [
        replace(e, shipment=numbers[e.shipment])
        for e in events
        if e.shipment in numbers
    ]
    return tracking_service.ingest_events(ctx, mine)


def carrier_sellers(ctx: Context) -> list[str]:
    """Return the sellers with a carrier account (the worker serves them all)."""
    with ctx.engine.connect() as conn:
        return carrier_sellers_on(conn)


def work_accounts(
    ctx: Context,
    clients: dict[tuple[str, str], KarrioCarrier],
    *,
    track: bool,
    rng: Random | None = None,
) -> CarrierRun:
    """One pass over every carrier account of ``ctx.seller``: labels, then tracking.

    ``clients`` keeps one open client per (seller, account) between passes (its
    OAuth token and pooled connections); ``track`` also pulls tracking.
    """
    total = CarrierRun()
    for name in account_names(ctx):
        key = (ctx.seller, name)
        if key not in clients:
            clients[key] = open_carrier(ctx, name)
        client = clients[key]
        run = deliver_labels(ctx, name, rng=rng, client=client)
        if track:
            try:
                got = pull_tracking(ctx, name, client=client)
            except ChannelError as exc:
                with ctx.engine.begin() as conn:
                    note_carrier_error_on(
                        conn, ctx.seller, name, str(exc), datetime.now(UTC)
                    )
            else:
                run = replace(run, events=got.applied, duplicates=got.duplicates)
        total = CarrierRun(
            total.labels + run.labels,
            total.retried + run.retried,
            total.dead + run.dead,
            total.events + run.events,
            total.duplicates + run.duplicates,
        )
    return total


def run_once(ctx: Context) -> CarrierRun:
    """One pass over the seller's carrier accounts now: labels and tracking."""
    clients: dict[tuple[str, str], KarrioCarrier] = {}
    try:
        return work_accounts(ctx, clients, track=True)
    finally:
        for client in clients.values():
            client.close()
