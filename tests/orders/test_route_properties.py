from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.catalog import Catalog, load_catalog
from worldpool.domain.product import BatteryType
from worldpool.orders import Address, Order, OrderLine, RoutingParams, SourceKind, route
from worldpool.testing import make_sku

CATALOG: Catalog = load_catalog()
SKUS = {
    "A": make_sku("A", ffo_markets=("US", "DE", "FR")),
    "B": make_sku("B", unit_weight_kg="2.5"),
    "C": make_sku("C", battery=BatteryType.LOOSE, ffo_markets=("US", "DE")),
}
NODES = ("US-FC1", "DE-FC1", "FR-FC1", "CN-SZX", "VN-SGN")
COUNTRY = {"US": "US", "DE": "DE", "FR": "FR"}

stock_views = st.dictionaries(
    st.tuples(st.sampled_from(sorted(SKUS)), st.sampled_from(NODES)),
    st.integers(min_value=0, max_value=6),
)
line_sets = st.lists(
    st.tuples(st.sampled_from(sorted(SKUS)), st.integers(min_value=1, max_value=5)),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t[0],
)


@settings(max_examples=150, deadline=None)
@given(
    stock=stock_views,
    lines=line_sets,
    market=st.sampled_from(sorted(COUNTRY)),
    split=st.booleans(),
)
def test_route_conserves_units_and_never_exceeds_stock(
    stock: dict[tuple[str, str], int],
    lines: list[tuple[str, int]],
    market: str,
    split: bool,
) -> None:
    """Every unit is assigned or backordered, no node gives more than it holds."""
    order = Order(
        "shopify",
        "P-1",
        Address("A", "1 St", "Town", "1", COUNTRY[market]),
        "USD",
        tuple(OrderLine(str(i), s, q, Decimal("9")) for i, (s, q) in enumerate(lines)),
    )
    d = route(order, market, stock, SKUS, CATALOG, RoutingParams(split=split))
    per_line = Counter[str]()
    taken = Counter[tuple[str, str]]()
    for a in d.assignments:
        per_line[a.line_id] += a.qty
        if a.node is not None:
            taken[(a.sku, a.node)] += a.qty
            assert not (a.kind is SourceKind.ORIGIN and a.sku == "C")
    assert per_line == Counter({ln.line_id: ln.qty for ln in order.lines})
    assert all(q <= stock.get(k, 0) for k, q in taken.items())
    assert d.why.endswith(".")
