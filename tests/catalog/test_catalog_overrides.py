from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from worldpool.catalog import CATALOG_ENV, in_effect, load_catalog
from worldpool.domain.market import Channel
from worldpool.errors import CatalogError

DAY = date(2026, 11, 24)
LANE_HEADER = (
    "id,origin,destination,mode,p50_days,p90_days,cost_per_kg,cost_per_m3,"
    "cost_per_parcel,dim_divisor,currency,source,effective_date\n"
)
SEA = "CN-SZX>US-FC1:sea,CN-SZX,US-FC1,sea,30,40,0,99,0,0,USD,my quote,{date}\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_override_file_replaces_packaged_row(tmp_path: Path) -> None:
    """A lanes.csv override replaces the packaged lane with the same id."""
    override = write(
        tmp_path / "lanes.csv", LANE_HEADER + SEA.format(date="2026-01-01")
    )
    catalog = load_catalog([override], as_of=DAY)
    assert catalog.lane("CN-SZX>US-FC1:sea").cost_per_m3 == Decimal(99)
    assert catalog.lane("CN-SZX>US-FC1:sea").source == "my quote"
    assert len(catalog.lanes) == len(load_catalog(as_of=DAY).lanes)


def test_override_replaces_whole_history_even_if_older(tmp_path: Path) -> None:
    """An override row wins even when dated before the packaged row."""
    override = write(
        tmp_path / "lanes.csv", LANE_HEADER + SEA.format(date="2020-01-01")
    )
    catalog = load_catalog([override], as_of=DAY)
    assert catalog.lane("CN-SZX>US-FC1:sea").cost_per_m3 == Decimal(99)


def test_override_directory_adds_new_ids(tmp_path: Path) -> None:
    """A directory override adds a marketplace, an FC and lanes to it."""
    write(
        tmp_path / "marketplaces.csv",
        "id,name,country,currency,customs_zone,vat_rate,duty_dm_value,"
        "duty_dm_currency,duty_dm_basis,tax_dm_value,tax_dm_currency,"
        "tax_dm_basis,tax_scheme,notes,source,effective_date\n"
        "AT,Amazon.at,AT,EUR,EU,0.20,0,EUR,none,0,EUR,IOSS,IOSS,,test,2026-07-01\n",
    )
    write(
        tmp_path / "nodes.csv",
        "id,name,kind,country,markets,storage_cost_m3_day,currency,capacity_m3,"
        "source,effective_date\n"
        "AT-FC1,Vienna FC,fc,AT,AT;DE,1.5,USD,500,test,2026-01-01\n",
    )
    write(
        tmp_path / "lanes.csv",
        LANE_HEADER
        + "CN-SZX>AT:parcel,CN-SZX,AT,parcel,6,9,8,0,2,8000,USD,t,2026-01-01\n"
        "CN-SZX>AT:parcel-slow,CN-SZX,AT,parcel,12,20,5,0,1,8000,USD,t,2026-01-01\n",
    )
    catalog = load_catalog([tmp_path], as_of=DAY)
    assert catalog.marketplace("AT").country == "AT"
    assert [n.id for n in catalog.fcs_for("DE")] == ["AT-FC1", "DE-FC1"]
    assert catalog.node("AT-FC1").delivery_p50_days == 1.0
    lane = catalog.parcel_lane("CN-SZX", "AT")
    assert lane is not None and lane.id == "CN-SZX>AT:parcel"
    assert len(catalog.marketplaces) == 24


def test_env_override_applies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in WORLDPOOL_CATALOG are applied over the packaged data."""
    override = write(
        tmp_path / "lanes.csv", LANE_HEADER + SEA.format(date="2026-01-01")
    )
    monkeypatch.setenv(CATALOG_ENV, f"{tmp_path / 'missing-is-not-skipped'}")
    with pytest.raises(CatalogError):
        load_catalog(as_of=DAY)
    monkeypatch.setenv(CATALOG_ENV, str(override))
    assert load_catalog(as_of=DAY).lane("CN-SZX>US-FC1:sea").cost_per_m3 == 99


def test_explicit_override_wins_over_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explicit override path is applied after (and so wins over) the env var."""
    env_dir, arg_dir = tmp_path / "env", tmp_path / "arg"
    env_dir.mkdir()
    arg_dir.mkdir()
    write(env_dir / "lanes.csv", LANE_HEADER + SEA.format(date="2026-01-01"))
    write(
        arg_dir / "lanes.csv",
        LANE_HEADER + SEA.format(date="2026-01-01").replace(",99,", ",77,"),
    )
    monkeypatch.setenv(CATALOG_ENV, str(env_dir))
    assert load_catalog(arg_dir, as_of=DAY).lane("CN-SZX>US-FC1:sea").cost_per_m3 == 77


def test_as_of_picks_latest_row_started_on_that_day(tmp_path: Path) -> None:
    """Among dated override rows, the latest effective_date <= as_of applies."""
    text = LANE_HEADER + "".join(
        SEA.format(date=d).replace(",99,", f",{cost},")
        for d, cost in (("2025-01-01", 10), ("2026-03-01", 20), ("2027-01-01", 30))
    )
    override = write(tmp_path / "lanes.csv", text)

    def cost(day: date) -> Decimal:
        return load_catalog([override], as_of=day).lane("CN-SZX>US-FC1:sea").cost_per_m3

    assert cost(date(2026, 2, 28)) == 10
    assert cost(date(2026, 3, 1)) == 20
    assert cost(date(2027, 1, 1)) == 30


def test_singapore_gst_rate_follows_as_of() -> None:
    """Singapore's GST is 8 % in 2023 and 9 % from 2024-01-01."""
    assert load_catalog(as_of=date(2023, 12, 31)).marketplace("SG").vat_rate == Decimal(
        "0.08"
    )
    assert load_catalog(as_of=date(2024, 1, 1)).marketplace("SG").vat_rate == Decimal(
        "0.09"
    )


def test_in_effect_leaves_out_ids_not_yet_started() -> None:
    """in_effect drops ids whose every row starts after as_of."""
    rows = [
        Channel("a", "A1", "s", date(2025, 1, 1)),
        Channel("a", "A2", "s", date(2025, 6, 1)),
        Channel("b", "B", "s", date(2030, 1, 1)),
    ]
    chosen = in_effect(rows, date(2025, 6, 1))
    assert {key: item.name for key, item in chosen.items()} == {"a": "A2"}


def test_override_path_must_exist(tmp_path: Path) -> None:
    """A missing override path raises CatalogError naming the path."""
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path / "nope"])
    assert info.value.record == str(tmp_path / "nope")


def test_override_file_needs_a_known_name(tmp_path: Path) -> None:
    """An override file not named like a catalog file is refused."""
    bad = write(tmp_path / "lane.csv", LANE_HEADER)
    with pytest.raises(CatalogError, match="must be named"):
        load_catalog([bad])


def test_override_directory_must_hold_a_catalog_file(tmp_path: Path) -> None:
    """An override directory without any catalog file is refused."""
    with pytest.raises(CatalogError, match="holds none"):
        load_catalog([tmp_path])
