from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from worldpool.errors import InputError
from worldpool.logistics.ratecard import (
    Piece,
    RateRow,
    load_rate_rows,
    load_surcharges,
    parse_rate_rows,
    price_service,
    services_of,
)

ON = date(2026, 3, 1)


def _service(suffix: str, dest: str = "US-FC1") -> tuple[RateRow, ...]:
    found = services_of(load_rate_rows(), "CN-SZX", dest, ON)
    return found[f"CN-SZX>{dest}:{suffix}"]


def test_air_uses_the_weight_break_and_the_next_break_when_cheaper() -> None:
    """120 kg pays the +100 rate; 40 kg pays 45 kg at the +45 rate when that is less."""
    rows = _service("air")
    by_break = {r.break_from: r.rate for r in rows}
    p120 = price_service(rows, [Piece(Decimal(120), Decimal("0.1"))])
    assert p120 is not None and p120.freight == 120 * by_break[Decimal(100)]
    p40 = price_service(rows, [Piece(Decimal(40), Decimal("0.05"))])
    assert p40 is not None
    assert p40.freight == min(40 * by_break[Decimal(0)], 45 * by_break[Decimal(45)])


def test_volumetric_weight_counts_for_light_bulky_pieces() -> None:
    """A 10 kg, 0.6 m3 carton is charged 100 kg by air (divisor 6000)."""
    p = price_service(_service("air"), [Piece(Decimal(10), Decimal("0.6"))])
    assert p is not None and p.chargeable == Decimal(100)


def test_minimum_charge_applies() -> None:
    """A 1 kg air shipment pays the 75 USD minimum."""
    p = price_service(_service("air"), [Piece(Decimal(1), Decimal("0.001"))])
    assert p is not None and p.freight == Decimal("75.00")


def test_lcl_is_weight_or_measure_with_one_revenue_tonne_minimum() -> None:
    """LCL: 0.3 m3 pays 1 RT; 2.5 m3 of 800 kg pays 2.5 RT."""
    rows = _service("lcl")
    small = price_service(rows, [Piece(Decimal(50), Decimal("0.3"))])
    big = price_service(rows, [Piece(Decimal(800), Decimal("2.5"))])
    assert small is not None and small.chargeable == 1
    assert big is not None and big.chargeable == Decimal("2.5")
    assert big.freight == Decimal("2.5") * rows[0].rate


def test_fcl_counts_containers_by_volume() -> None:
    """40 m3 needs two 20-foot containers (28 m3 loadable) or one 40-foot."""
    pieces = [Piece(Decimal(100), Decimal(1))] * 40
    p20 = price_service(_service("fcl20"), pieces)
    p40 = price_service(_service("fcl40"), pieces)
    assert p20 is not None and p20.chargeable == 2
    assert p40 is not None and p40.chargeable == 1


def test_parcel_pieces_over_the_band_limit_cannot_go() -> None:
    """A 3 kg item cannot go by postal small packet (2 kg max); parcel takes it."""
    found = services_of(load_rate_rows(), "CN-SZX", "US", ON)
    piece = [Piece(Decimal(3), Decimal("0.004"))]
    assert price_service(found["CN-SZX>US:postal"], piece) is None
    parcel = price_service(found["CN-SZX>US:parcel"], piece)
    assert parcel is not None and parcel.freight > 0


def test_surcharges_apply_by_date() -> None:
    """Ocean peak season applies in October only; the fuel factor all year."""
    rows = _service("lcl")
    pieces = [Piece(Decimal(500), Decimal(3))]
    oct_ = price_service(rows, pieces, load_surcharges(), date(2026, 10, 1))
    dec = price_service(rows, pieces, load_surcharges(), date(2026, 12, 1))
    assert oct_ is not None and dec is not None
    assert oct_.peak > 0 and dec.peak == 0
    assert oct_.fuel == dec.fuel > 0


def test_contracted_rates_replace_the_packaged_service() -> None:
    """A seller's CSV row replaces every packaged row of that service id."""
    csv = (
        "service,carrier,mode,origin,destination,basis,break_from,rate,per_shipment,"
        "min_charge,divisor,capacity_m3,max_piece_kg,currency,source,effective_date\n"
        "CN-SZX>US-FC1:air,MyForwarder,air,CN-SZX,US-FC1,kg,0,3.10,0,0,6000,0,300,"
        "USD,contract 2026-01,2026-01-01\n"
    )
    rows = services_of(load_rate_rows(csv), "CN-SZX", "US-FC1", ON)["CN-SZX>US-FC1:air"]
    assert len(rows) == 1 and rows[0].carrier == "MyForwarder"


def test_a_bad_row_names_row_and_field() -> None:
    """An unknown basis raises InputError naming the basis field."""
    csv = (
        "service,carrier,mode,origin,destination,basis,break_from,rate,per_shipment,"
        "min_charge,divisor,capacity_m3,max_piece_kg,currency,source,effective_date\n"
        "X,c,air,CN-SZX,US-FC1,pallet,0,1,0,0,0,0,0,USD,me,2026-01-01\n"
    )
    with pytest.raises(InputError) as err:
        parse_rate_rows(csv)
    assert err.value.field == "basis"


def test_every_packaged_row_has_a_source() -> None:
    """Packaged rates are sourced or marked editable default."""
    assert all(r.source for r in load_rate_rows())
