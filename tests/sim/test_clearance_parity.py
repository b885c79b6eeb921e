"""The twin's origin clearance is the order router's rule, cell for cell."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.catalog import Catalog, load_catalog
from worldpool.domain.product import BatteryType
from worldpool.orders import Address, Order, OrderLine, RoutingParams, SourceKind, route
from worldpool.sim.clearance import origin_cleared
from worldpool.testing import make_sku

CATALOG: Catalog = load_catalog()
PARAMS = RoutingParams()
HUB = CATALOG.hubs()[0].id
# Markets an origin parcel can serve within the standard promise: there the
# router sends a cleared SKU stocked only at origin from there, else backorders.
MARKETS = sorted(
    m
    for m in CATALOG.marketplaces
    if (lane := CATALOG.parcel_lane(HUB, m)) is not None and lane.transit.p50_days <= 15
)

sku_rows = st.lists(
    st.tuples(
        st.sampled_from(list(BatteryType)),
        st.one_of(
            st.just("*"),
            st.just(""),
            st.lists(st.sampled_from(MARKETS), max_size=4).map(";".join),
        ),
    ),
    min_size=1,
    max_size=8,
)


def _router_says_origin(
    sku_id: str, battery: BatteryType, cleared: str, m: str
) -> bool:
    markets = tuple(MARKETS) if cleared == "*" else tuple(cleared.split(";"))
    sku = make_sku(sku_id, battery=battery, ffo_markets=tuple(x for x in markets if x))
    country = CATALOG.marketplace(m).country
    order = Order(
        "shopify",
        f"P-{sku_id}-{m}",
        Address("A", "1 St", "Town", "1", country),
        CATALOG.marketplace(m).currency,
        (OrderLine("1", sku_id, 1, Decimal("1")),),
    )
    # Stock only at the origin hubs: the router ships from origin or backorders.
    stock = {(sku_id, h.id): 5 for h in CATALOG.hubs()}
    d = route(order, m, stock, {sku_id: sku}, CATALOG, PARAMS)
    kinds = {a.kind for a in d.assignments}
    return SourceKind.ORIGIN in kinds


@settings(max_examples=60, deadline=None)
@given(rows=sku_rows, places=st.lists(st.sampled_from(MARKETS), min_size=1, max_size=5))
def test_twin_clearance_matches_the_router_for_random_skus_and_markets(
    rows: list[tuple[BatteryType, str]], places: list[str]
) -> None:
    """For every (SKU, market) the twin clears origin exactly when the router ships from it."""
    skus = [f"S{i}" for i in range(len(rows))]
    frame = pd.DataFrame(
        {
            "sku": skus,
            "battery": [b.value for b, _ in rows],
            "ffo_markets": [f for _, f in rows],
        }
    )
    twin = origin_cleared(frame, skus, places)
    assert twin is not None
    for i, (battery, cleared) in enumerate(rows):
        for j, m in enumerate(places):
            assert bool(twin[i, j]) == _router_says_origin(skus[i], battery, cleared, m)
