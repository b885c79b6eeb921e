"""Inbound: dock slots with shared capacity, receiving with over/short/damaged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.hub.conftest import HUB
from tests.hub.test_bins import BINS
from worldpool.context import Context
from worldpool.errors import InputError, UnknownReference
from worldpool.hub import bins_service as bins
from worldpool.hub import inbound_service as inbound
from worldpool.ledger import Ledger

SLOT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def _book(
    ctx: Context, asn: str, cartons: int, dock: str | None = "D1"
) -> dict[str, object]:
    req = inbound.AppointmentRequest(
        asn, HUB, SLOT, cartons, (("A", 50), ("B", 20)), dock
    )
    return inbound.book_appointment(ctx, req)


def test_slots_follow_the_dock_grid_and_capacity_is_shared(hub: Context) -> None:
    """D1 takes 120 cartons an hour from all sellers; the next booking rolls to D2."""
    acme = hub.acting_as(seller="acme", role="operator")
    beta = hub.acting_as(seller="beta", role="operator")
    assert _book(acme, "ASN-10", 100)["dock"] == "D1"
    assert _book(acme, "ASN-10", 100)["cartons"] == 100  # repeat: same booking
    with pytest.raises(InputError, match="slot full"):
        _book(beta, "ASN-20", 30)
    assert _book(beta, "ASN-20", 30, dock=None)["dock"] == "D2"
    odd = inbound.AppointmentRequest(
        "ASN-30", HUB, SLOT.replace(minute=15), 5, (("A", 1),), "D1"
    )
    with pytest.raises(InputError, match="not a slot start"):
        inbound.book_appointment(acme, odd)


def test_receipt_posts_sellable_units_and_reports_over_short_damaged(
    hub: Context, ledger: Ledger
) -> None:
    """A: 52 arrive (2 damaged) of 50; B: 15 of 20; put away 30 A into a bin."""
    bins.import_bins(hub, BINS)
    acme = hub.acting_as(seller="acme", role="operator")
    _book(acme, "ASN-10", 10)
    view = Ledger(ledger.engine, ledger.catalog, seller="acme")
    before = {b.sku: b.on_hand for b in view.balances() if b.node == HUB}
    req = inbound.ReceiveRequest(
        "ASN-10", (("A", 52, 2), ("B", 15, 0)), putaway=(("A", "A-01-1-01", 30),)
    )
    lines = inbound.receive(acme, req)
    got = {ln.sku: (ln.over, ln.short, ln.damaged, ln.good) for ln in lines}
    assert got == {"A": (2, 0, 2, 50), "B": (0, 5, 0, 15)}
    after = {b.sku: b.on_hand for b in view.balances() if b.node == HUB}
    assert after == {"A": before["A"] + 50, "B": before["B"] + 15}
    assert inbound.receive(acme, req) == lines  # repeated delivery: nothing new
    assert {b.sku: b.on_hand for b in view.balances() if b.node == HUB} == after
    assert [(s.bin, s.units) for s in bins.bin_stock(acme, HUB)] == [("A-01-1-01", 30)]
    assert view.check(all_sellers=True).ok
    with pytest.raises(UnknownReference):
        inbound.receive(acme, inbound.ReceiveRequest("ASN-NONE", (("A", 1, 0),)))
