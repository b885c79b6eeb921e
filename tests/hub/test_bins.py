"""Bins: put-away, moves that never change a node's balance, capacity, isolation."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from tests.hub.conftest import HUB
from worldpool.context import Context
from worldpool.errors import InputError
from worldpool.hub import bins_service as bins
from worldpool.hub.bins import pick_path
from worldpool.ledger import Ledger

BINS = DATA / "hub" / "bins.csv"


@pytest.fixture
def laid_out(hub: Context) -> Context:
    """The hub with the test layout imported."""
    new, _, bad = bins.import_bins(hub, BINS)
    assert new == 4 and [p.row for p in bad] == [5, 6]
    return hub


def test_bad_bin_rows_are_dead_lettered_and_good_ones_kept(
    laid_out: Context, ledger: Ledger
) -> None:
    """Unknown node and negative capacity are rejected by row and field."""
    letters = Ledger(ledger.engine, ledger.catalog).dead_letters("bin")
    assert [(d.row, d.field) for d in letters] == [(5, "node"), (6, "capacity_m3")]
    assert [b.bin for b in bins.list_bins(laid_out, HUB)][:2] == [
        "A-01-1-01",
        "A-01-1-02",
    ]


def test_moves_between_bins_never_change_the_balance(
    laid_out: Context, ledger: Ledger
) -> None:
    """Put away, move, repeat: on-hand stays, drift stays 0, bins add up."""
    acme = laid_out.acting_as(seller="acme", role="operator")
    view = Ledger(ledger.engine, ledger.catalog, seller="acme")
    before = {(b.sku, b.node): b.on_hand for b in view.balances()}
    # acme holds 100 + 38 - 11 - 20 = 107 units of A (0.012 m3 each) at the hub.
    assert bins.put_away(acme, bins.PutAway(HUB, "A", "A-01-1-01", 60, "ASN-1", "pa-1"))
    assert not bins.put_away(
        acme, bins.PutAway(HUB, "A", "A-01-1-01", 60, "ASN-1", "pa-1")
    )
    move = bins.BinMove(HUB, "A", "A-01-1-01", "A-02-1-01", 25, "consolidate", "mv-1")
    assert bins.move_bin(acme, move) and not bins.move_bin(acme, move)
    stock = {(s.bin, s.sku): s.units for s in bins.bin_stock(acme, HUB)}
    assert stock == {("A-01-1-01", "A"): 35, ("A-02-1-01", "A"): 25}
    assert {(b.sku, b.node): b.on_hand for b in view.balances()} == before
    assert view.check(all_sellers=True).ok
    assert bins.check_bins(acme, HUB) == []
    with pytest.raises(InputError, match="not yet in a bin"):
        bins.put_away(acme, bins.PutAway(HUB, "A", "A-01-1-02", 48, "ASN-2", "pa-2"))
    with pytest.raises(InputError, match="holds 35 units"):
        bins.move_bin(
            acme, bins.BinMove(HUB, "A", "A-01-1-01", "A-01-1-02", 36, "x", "mv-2")
        )


def test_capacity_counts_every_seller_and_stock_is_private(laid_out: Context) -> None:
    """Beta's units fill the bin acme wants; acme never sees beta's stock."""
    acme = laid_out.acting_as(seller="acme", role="operator")
    beta = laid_out.acting_as(seller="beta", role="operator")
    # B-01-1-01 holds 0.2 m3 and 40 kg: 16 units of A (0.012 m3, 0.5 kg) fit.
    bins.put_away(beta, bins.PutAway(HUB, "A", "B-01-1-01", 16, "ASN-1", "pa-b"))
    with pytest.raises(InputError, match="capacity_m3"):
        bins.put_away(acme, bins.PutAway(HUB, "A", "B-01-1-01", 1, "ASN-1", "pa-a"))
    assert bins.bin_stock(acme, HUB) == []
    assert [s.units for s in bins.bin_stock(beta, HUB)] == [16]


def test_pick_path_walks_aisles_in_a_serpentine(laid_out: Context) -> None:
    """Aisle 01 up the positions, aisle 02 back down."""
    layout = {b.bin: b for b in bins.list_bins(laid_out, HUB)}
    extra = layout["A-02-1-01"].__class__(
        HUB,
        "A-02-1-09",
        "A",
        "02",
        "1",
        "09",
        layout["A-02-1-01"].capacity_m3,
        layout["A-02-1-01"].capacity_kg,
    )
    stops = [
        (layout["A-02-1-01"], "A", 1),
        (extra, "B", 2),
        (layout["A-01-1-02"], "A", 1),
        (layout["A-01-1-01"], "B", 1),
    ]
    assert [b.bin for b, _, _ in pick_path(stops)] == [
        "A-01-1-01",
        "A-01-1-02",
        "A-02-1-09",
        "A-02-1-01",
    ]
