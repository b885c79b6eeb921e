from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from worldpool.errors import InputError
from worldpool.lastmile import (
    LastMileParams,
    read_fleet,
    read_postcodes,
    read_rows,
)
from worldpool.lastmile.files import StopDefaults, stops_from_rows

FLEET = """van,capacity_kg,capacity_l,shift_start,shift_end,depot_lat,depot_lon,cost_per_km,cost_per_hour,currency,bays,levels
VAN-1,800,3500,07:30,18:00,40.7357,-74.1724,0.42,31.50,usd,5,3
VAN-2,600,2500,08:00,16:00,40.7357,-74.1724,0.38,31.50,USD,,
"""

STOPS = """order,parcel,stop,lat,lon,postal_code,country,window_start,window_end,service_min,weight_kg,volume_l,name,address
shopify:1,,,40.74,-74.00,,,09:00,12:00,4,2.5,10,Ann,1 A St
shopify:1,,,40.74,-74.00,,,09:00,12:00,4,1.0,3,Ann,1 A St
amazon:9,A9-1,,,,10001,US,,,,3.0,8,Bo,9 B Ave
ebay:3,,,,,99999,US,,,,1.0,1,Cy,3 C Rd
temu:4,,,40.75,-73.99,,,,,,heavy,1,Di,4 D Pl
"""

CENTROIDS = "country,postal_code,lat,lon\nUS,10001,40.7506,-73.9972\nGB,SW1A 1AA,51.501,-0.142\n"


def test_fleet_rows_become_vans_with_shelf_slots() -> None:
    """Clock times, costs as Decimal, slots bays x levels (default 4 x 3)."""
    v1, v2 = read_fleet(FLEET)
    assert (v1.shift_start, v1.shift_end) == (27_000, 64_800)
    assert v1.cost_per_km == Decimal("0.42") and v1.currency == "USD"
    assert (
        len(v1.slots) == 15 and v1.slots[0].code == "A1" and v1.slots[-1].code == "E3"
    )
    assert len(v2.slots) == 12
    assert sum(s.volume_l for s in v1.slots) == pytest.approx(3500)
    assert v1.depot == (40.7357, -74.1724)


@pytest.mark.parametrize(
    ("change", "row", "field"),
    [
        (("07:30", "7h30"), 1, "shift_start"),
        (("-74.1724,0.42", "-274.1,0.42"), 1, "depot_lon"),
        (("800,3500", "-800,3500"), 1, "capacity_kg"),
    ],
)
def test_bad_fleet_rows_name_row_and_field(
    change: tuple[str, str], row: int, field: str
) -> None:
    """A malformed fleet row raises InputError naming the file, row and field."""
    text = FLEET.replace(*change, 1)
    with pytest.raises(InputError) as err:
        read_fleet(text, "fleet.csv")
    assert (err.value.record, err.value.row, err.value.field) == (
        "fleet.csv",
        row,
        field,
    )


def test_shift_ending_before_start_is_refused() -> None:
    """A van whose shift ends before it starts is an input error naming the van."""
    with pytest.raises(InputError, match=r"VAN-1.*shift_end"):
        read_fleet(FLEET.replace("07:30,18:00", "18:00,07:30"))


def test_stops_group_parcels_and_reject_bad_rows() -> None:
    """Parcel rows group by order; an unknown postcode or a bad number is rejected, the rest kept."""
    cents = read_postcodes(CENTROIDS)
    defaults = StopDefaults(8 * 3600, 18 * 3600, 180)
    stops, rejected = stops_from_rows(
        read_rows(STOPS, "stops.csv"), "stops.csv", cents, defaults
    )
    by_id = {s.id: s for s in stops}
    assert set(by_id) == {"shopify:1", "amazon:9"}
    ann = by_id["shopify:1"]
    assert [p.id for p in ann.parcels] == ["shopify:1-1", "shopify:1-2"]
    assert (ann.window_start, ann.window_end, ann.service_s) == (32_400, 43_200, 240)
    bo = by_id["amazon:9"]
    assert (bo.lat, bo.lon) == (40.7506, -73.9972)
    assert (bo.window_start, bo.window_end, bo.service_s) == (28_800, 64_800, 180)
    assert bo.parcels[0].id == "A9-1"
    codes = {u.stop_id: u.code for u in rejected}
    assert codes == {"ebay:3": "no_coordinates", "temu:4": "bad_input"}
    assert "weight_kg" in next(u.reason for u in rejected if u.stop_id == "temu:4")


def test_postcodes_match_ignoring_spaces_and_case() -> None:
    """'sw1a1aa' finds the centroid listed as 'SW1A 1AA'."""
    cents = read_postcodes(CENTROIDS)
    rows = [
        {
            "order": "o1",
            "postal_code": "sw1a1aa",
            "country": "gb",
            "weight_kg": "1",
            "volume_l": "1",
        }
    ]
    stops, rejected = stops_from_rows(rows, "s", cents, StopDefaults(0, 1, 0))
    assert not rejected and (stops[0].lat, stops[0].lon) == (51.501, -0.142)


def test_json_rows_read_like_csv() -> None:
    """A JSON list of objects reads like CSV rows (numbers become text)."""
    rows = read_rows('[{"order": "o1", "weight_kg": 2, "lat": null}]', "stops.json")
    assert rows == [{"order": "o1", "weight_kg": "2", "lat": ""}]
    with pytest.raises(InputError, match=r"stops\.json"):
        read_rows("[{oops", "stops.json")


def test_params_load_from_a_toml_table(tmp_path: Path) -> None:
    """A [lastmile] table sets the planner; an unknown key or bad value names it."""
    path = tmp_path / "worldpool.toml"
    path.write_text("[lastmile]\nseconds = 3.5\nmax_trips = 3\ndrop_cost = 250\n")
    params = LastMileParams.from_toml(path)
    assert (params.seconds, params.max_trips, params.drop_cost) == (
        3.5,
        3,
        Decimal(250),
    )
    assert params.circuity == 1.3
    path.write_text("[lastmile]\nsecs = 3\n")
    with pytest.raises(InputError, match="secs"):
        LastMileParams.from_toml(path)
    path.write_text("[lastmile]\ncircuity = 0.8\n")
    with pytest.raises(InputError, match="circuity"):
        LastMileParams.from_toml(path)
