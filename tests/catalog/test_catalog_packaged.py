import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources

import pytest

import worldpool.catalog
from worldpool.catalog import Catalog, load_catalog
from worldpool.domain.network import Mode, NodeKind
from worldpool.errors import UnknownReference

EU = {"DE", "FR", "IT", "ES", "NL", "SE", "PL", "BE", "IE"}
MARKETS = EU | {"US", "CA", "MX", "BR", "UK", "TR", "AE", "SA", "EG", "IN", "JP"}
MARKETS |= {"AU", "SG", "ZA"}
FILES = ("marketplaces.csv", "channels.csv", "nodes.csv", "lanes.csv")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(as_of=date(2026, 11, 24))


def test_public_names_are_sorted() -> None:
    """The package's __all__ is sorted and every name exists."""
    names = worldpool.catalog.__all__
    assert names == sorted(names)
    assert all(hasattr(worldpool.catalog, name) for name in names)


def test_packaged_catalog_has_the_23_marketplaces(catalog: Catalog) -> None:
    """The packaged catalog holds exactly the 23 marketplace sites."""
    assert set(catalog.marketplaces) == MARKETS
    assert set(catalog.channels) >= {"amazon", "shopify", "tiktok_shop", "temu"}


def test_uk_marketplace_is_country_gb(catalog: Catalog) -> None:
    """The UK site is in ISO country GB with GBP and the GBP 135 duty relief."""
    uk = catalog.marketplace("UK")
    assert (uk.country, uk.currency, uk.tax_scheme) == ("GB", "GBP", "UK-POS")
    assert uk.duty_de_minimis.value == Decimal(135)
    assert uk.tax_de_minimis.value == 0


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2025, 8, 28), Decimal(800)), (date(2025, 8, 29), Decimal(0))],
)
def test_us_duty_de_minimis_ends_2025_08_29(day: date, expected: Decimal) -> None:
    """The US USD 800 de minimis applies until 2025-08-28 and is 0 from 2025-08-29."""
    us = load_catalog(as_of=day).marketplace("US")
    assert us.duty_de_minimis.value == expected
    assert us.vat_rate == 0


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 6, 30), Decimal(150)), (date(2026, 7, 1), Decimal(0))],
)
def test_eu_duty_relief_ends_2026_07_01(day: date, expected: Decimal) -> None:
    """The EU EUR 150 duty relief applies until 2026-06-30, with IOSS VAT from 0."""
    for market in EU:
        site = load_catalog(as_of=day).marketplace(market)
        assert site.duty_de_minimis.value == expected
        assert (site.tax_de_minimis.value, site.tax_scheme) == (Decimal(0), "IOSS")


def test_eu_members_share_customs_zone(catalog: Catalog) -> None:
    """All EU sites, and only they, are in customs zone EU."""
    in_eu = {m.id for m in catalog.marketplaces.values() if m.customs_zone == "EU"}
    assert in_eu == EU


@pytest.mark.parametrize("name", FILES)
def test_every_packaged_row_has_source_and_effective_date(name: str) -> None:
    """Each packaged row names a source and an ISO effective date."""
    data = resources.files("worldpool.catalog").joinpath("data", name)
    rows = list(csv.DictReader(io.StringIO(data.read_text(encoding="utf-8"))))
    assert rows
    for row in rows:
        assert row["source"].strip()
        date.fromisoformat(row["effective_date"])


def test_hubs_store_cheaper_than_every_fc(catalog: Catalog) -> None:
    """Every hub's storage cost per m³-day is below every FC's (all in USD)."""
    hubs = catalog.hubs()
    fcs = [n for n in catalog.nodes.values() if n.kind is NodeKind.FC]
    assert {n.currency for n in catalog.nodes.values()} == {"USD"}
    assert {h.id for h in hubs} >= {"CN-SZX", "VN-SGN"}
    cheapest_fc = min(fc.storage_cost_m3_day for fc in fcs)
    assert all(hub.storage_cost_m3_day < cheapest_fc for hub in hubs)


@pytest.mark.parametrize("market", sorted(MARKETS))
def test_each_marketplace_has_an_fc_and_parcel_lane(market: str) -> None:
    """Each marketplace is served by an FC and by a parcel lane from Shenzhen."""
    catalog = load_catalog(as_of=date(2026, 11, 24))
    assert catalog.fcs_for(market)
    lane = catalog.parcel_lane("CN-SZX", market)
    assert lane is not None
    assert (lane.mode, lane.destination) == (Mode.PARCEL, market)


def test_each_hub_reaches_each_fc_by_sea_air_and_express(catalog: Catalog) -> None:
    """Every hub has a sea, an air and an express lane to every FC."""
    for hub in catalog.hubs():
        for node in catalog.nodes.values():
            if node.kind is NodeKind.FC:
                modes = {lane.mode for lane in catalog.lanes_between(hub.id, node.id)}
                assert modes == {Mode.SEA, Mode.AIR, Mode.EXPRESS}


def test_lanes_from_lists_only_that_origin(catalog: Catalog) -> None:
    """lanes_from returns every lane of one origin, sorted by id."""
    lanes = catalog.lanes_from("VN-SGN")
    assert lanes and all(lane.origin == "VN-SGN" for lane in lanes)
    assert [lane.id for lane in lanes] == sorted(lane.id for lane in lanes)
    assert catalog.lanes_between("CN-SZX", "US-FC1", Mode.SEA)[0].id == (
        "CN-SZX>US-FC1:sea"
    )


def test_parcel_lane_is_none_without_one(catalog: Catalog) -> None:
    """parcel_lane returns None where a node ships no parcels to that market."""
    assert catalog.parcel_lane("US-FC1", "US") is None


@pytest.mark.parametrize("method", ["marketplace", "node", "channel", "lane"])
def test_unknown_id_raises_unknown_reference(catalog: Catalog, method: str) -> None:
    """Looking up an unknown id raises UnknownReference naming record, field, id."""
    with pytest.raises(UnknownReference) as info:
        getattr(catalog, method)("NOPE")
    assert (info.value.record, info.value.field, info.value.value) == (
        method,
        "id",
        "NOPE",
    )


def test_fcs_for_unknown_marketplace_raises(catalog: Catalog) -> None:
    """fcs_for refuses a marketplace id the catalog does not know."""
    with pytest.raises(UnknownReference):
        catalog.fcs_for("XX")


def test_catalog_mappings_are_read_only(catalog: Catalog) -> None:
    """The catalog's mappings cannot be changed in place."""
    with pytest.raises(TypeError):
        catalog.nodes["X"] = catalog.node("CN-SZX")  # type: ignore[index]


def test_default_as_of_is_today() -> None:
    """Without as_of the catalog is resolved for today's date (UTC)."""
    before = datetime.now(UTC).date()
    assert before <= load_catalog().as_of <= datetime.now(UTC).date()


@pytest.mark.parametrize("month", range(1, 25))
def test_packaged_catalog_is_consistent_every_month_from_2025(month: int) -> None:
    """The packaged catalog resolves without dangling references 2025-2026."""
    day = date(2025 + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    catalog = load_catalog(as_of=day)
    assert set(catalog.marketplaces) == MARKETS
    assert len(catalog.lanes) == 2 * 23 * 4
