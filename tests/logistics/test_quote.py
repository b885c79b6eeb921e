from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from worldpool.catalog import Catalog
from worldpool.errors import UnknownReference
from worldpool.logistics.quote import QuoteRequest, quote
from worldpool.logistics.ratecard import Piece, load_rate_rows, load_surcharges

PIECES = tuple([Piece(Decimal(12), Decimal("0.06"))] * 10)


def test_fc_quote_ranks_every_mode_by_landed_cost(catalog: Catalog) -> None:
    """Sea, air and express all quote to an FC, cheapest landed cost first."""
    req = QuoteRequest("CN-SZX", "US-FC1", PIECES, date(2026, 3, 1), Decimal(5000))
    quotes = quote(req, catalog, load_rate_rows(), load_surcharges())
    assert {q.mode for q in quotes} == {"sea", "air", "express"}
    costs = [q.landed_cost for q in quotes]
    assert costs == sorted(costs)
    lane = catalog.lanes_between("CN-SZX", "US-FC1")
    by_mode = {ln.mode.value: ln.transit for ln in lane}
    assert all(q.p50_days == by_mode[q.mode].p50_days for q in quotes)


def test_air_emits_far_more_than_sea(catalog: Catalog) -> None:
    """GLEC factors: the air quote's CO2e is over 20x the sea quote's."""
    req = QuoteRequest("CN-SZX", "DE-FC1", PIECES, date(2026, 3, 1))
    by_mode = {q.mode: q for q in quote(req, catalog, load_rate_rows())}
    assert by_mode["air"].co2e_kg > 20 * by_mode["sea"].co2e_kg > 0


def test_carrying_cost_makes_slow_cheap_freight_dearer(catalog: Catalog) -> None:
    """Valuable goods add capital cost in proportion to the P50 days."""
    cheap = QuoteRequest("CN-SZX", "US-FC1", PIECES, date(2026, 3, 1), Decimal(0))
    dear = QuoteRequest("CN-SZX", "US-FC1", PIECES, date(2026, 3, 1), Decimal(500_000))
    sea = next(q for q in quote(dear, catalog, load_rate_rows()) if q.mode == "sea")
    assert sea.carrying_cost == (
        Decimal(500_000) * Decimal("0.15") * Decimal("32") / 365
    ).quantize(Decimal("0.01"))
    assert all(q.carrying_cost == 0 for q in quote(cheap, catalog, load_rate_rows()))


def test_parcel_quote_to_a_marketplace(catalog: Catalog) -> None:
    """A light parcel to US shoppers gets the parcel and postal services."""
    req = QuoteRequest(
        "CN-SZX", "US", (Piece(Decimal("0.5"), Decimal("0.002")),), date(2026, 3, 1)
    )
    assert {q.service for q in quote(req, catalog, load_rate_rows())} == {
        "CN-SZX>US:parcel",
        "CN-SZX>US:postal",
    }


def test_unknown_destination(catalog: Catalog) -> None:
    """A destination that is neither a node nor a marketplace is refused."""
    req = QuoteRequest("CN-SZX", "XX-FC9", PIECES, date(2026, 3, 1))
    with pytest.raises(UnknownReference):
        quote(req, catalog, load_rate_rows())
