from __future__ import annotations

import pandas as pd
import pytest

from worldpool.catalog import Catalog
from worldpool.errors import InputError
from worldpool.sim import BuildParams, Scenario, scenario_from_frame

ROWS = pd.DataFrame(
    {
        "sku": ["A", "A", "B", "B"],
        "market": ["United Kingdom", "Germany", "Switzerland", "United Kingdom"],
        "date": ["2011-01-01", "2011-01-03", "2011-01-02", "2011-01-05"],
        "units": [3, 2, 7, 1],
    }
)


def test_online_retail_small_becomes_a_dense_scenario(
    online_retail_small: Scenario, online_retail_small_frame: pd.DataFrame
) -> None:
    """The real subset keeps every unit, on a dense day x SKU x market grid."""
    sc = online_retail_small
    assert sc.markets == ("DE", "FR", "IE", "NL", "UK")
    assert sc.demand.shape == (340, 20, 5)
    assert float(sc.demand.sum()) == online_retail_small_frame["units"].sum()
    assert sc.currency == "GBP"
    assert ((sc.ffo_loss > 0) & (sc.ffo_loss < 0.2)).all()


def test_countries_map_to_marketplaces_and_others_drop(catalog: Catalog) -> None:
    """Customer countries become marketplace ids; unmapped countries are dropped."""
    sc = scenario_from_frame(ROWS, catalog)
    assert sc.markets == ("DE", "UK")
    assert float(sc.demand.sum()) == 6
    assert sc.days == 5


def test_stores_take_the_economics_of_a_marketplace(catalog: Catalog) -> None:
    """Non-marketplace labels (store ids) keep their name and use stores_as lanes."""
    rows = ROWS.assign(market=["CA_1", "CA_2", "TX_1", "CA_1"])
    sc = scenario_from_frame(rows, catalog, BuildParams(stores_as="US"))
    assert sc.markets == ("CA_1", "CA_2", "TX_1")
    assert (sc.sea_transit == sc.sea_transit[0]).all()


def test_columns_are_passed_by_name(catalog: Catalog) -> None:
    """A seller's CSV with other column names is read through keyword arguments."""
    rows = ROWS.rename(columns={"sku": "item", "units": "qty"})
    sc = scenario_from_frame(rows, catalog, sku_col="item", units_col="qty")
    assert sc.skus == ("A", "B")


def test_no_known_market_is_an_error(catalog: Catalog) -> None:
    """A frame whose markets all fail to map is refused."""
    with pytest.raises(ValueError, match="no market"):
        scenario_from_frame(ROWS.assign(market="Narnia"), catalog)


def test_origin_parcel_limits_come_from_the_routing_rules(catalog: Catalog) -> None:
    """One origin parcel carries at most USD 800 and 30 kg of a SKU (RoutingParams)."""
    skus = pd.DataFrame(
        {
            "sku": ["A", "B"],
            "unit_price": [5.0, 40.0],
            "unit_weight_kg": [0.3, 0.1],
        }
    )
    sc = scenario_from_frame(ROWS, catalog, BuildParams(), sku_frame=skus)
    assert sc.origin_max_units is not None
    assert list(sc.origin_max_units) == [100.0, 20.0]  # 30 kg / 0.3; $800 / $40
    gbp = scenario_from_frame(
        ROWS, catalog, BuildParams(fx_rate=0.8, currency="GBP"), sku_frame=skus
    )
    assert gbp.origin_max_units is not None
    assert gbp.origin_max_units[1] == 16.0  # GBP 40 = USD 50
    free = scenario_from_frame(ROWS, catalog, BuildParams(origin_limits=False))
    assert free.origin_max_units is None


def test_sku_clearance_follows_the_routing_rules(catalog: Catalog) -> None:
    """Loose lithium never ships from origin; ffo_markets limits where others may."""
    skus = pd.DataFrame(
        {
            "sku": ["A", "B"],
            "battery": ["loose", None],
            "ffo_markets": ["*", "DE"],
        }
    )
    sc = scenario_from_frame(ROWS, catalog, BuildParams(), sku_frame=skus)
    assert sc.markets == ("DE", "UK")
    assert sc.origin_cleared is not None
    assert sc.origin_cleared.tolist() == [[False, False], [True, False]]
    plain = scenario_from_frame(ROWS, catalog, BuildParams())
    assert plain.origin_cleared is None
    bad = skus.assign(battery=["lithium-ish", None])
    with pytest.raises(InputError, match="battery") as err:
        scenario_from_frame(ROWS, catalog, BuildParams(), sku_frame=bad)
    assert err.value.record == "sku A"
