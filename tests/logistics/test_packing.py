from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.errors import InputError
from worldpool.logistics.packing import PackItem, carton_types, pack

_item = st.builds(
    PackItem,
    sku=st.sampled_from(["A", "B", "C", "D"]),
    qty=st.integers(1, 300),
    unit_volume_m3=st.decimals("0.0002", "0.03", places=4),
    unit_weight_kg=st.decimals("0.05", "6", places=2),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_item, min_size=1, max_size=5, unique_by=lambda i: i.sku))
def test_every_unit_lands_in_one_carton_within_limits(items: list[PackItem]) -> None:
    """Packing keeps every unit, and no carton exceeds its weight or fill limit."""
    cartons = pack(items)
    packed: dict[str, int] = {}
    for c in cartons:
        for sku, q in c.contents:
            packed[sku] = packed.get(sku, 0) + q
        assert c.weight_kg <= c.type.max_kg
        by_sku = {i.sku: i for i in items}
        volume = sum(by_sku[s].unit_volume_m3 * q for s, q in c.contents)
        assert volume <= c.type.volume_m3 * Decimal("0.85")
    assert packed == {i.sku: i.qty for i in items}


def test_full_cartons_hold_one_sku_and_the_rest_share() -> None:
    """100 mugs of 2 l fill single-SKU cartons; remainders of two SKUs share one box."""
    items = [
        PackItem("MUG", 100, Decimal("0.002"), Decimal("0.4")),
        PackItem("CAP", 3, Decimal("0.001"), Decimal("0.1")),
    ]
    cartons = pack(items)
    singles = [c for c in cartons if len(c.contents) == 1 and c.contents[0][0] == "MUG"]
    assert len(singles) >= 1
    mixed = [c for c in cartons if len(c.contents) == 2]
    assert len(mixed) <= 1
    big = carton_types()[0]
    assert cartons[0].type == big


def test_an_oversize_unit_is_refused() -> None:
    """A unit bigger than the largest carton raises InputError naming the SKU."""
    with pytest.raises(InputError):
        pack([PackItem("SOFA", 1, Decimal("1.5"), Decimal(30))])
