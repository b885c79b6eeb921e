"""Generate src/worldpool/logistics/data/rate_cards.csv from the catalog's lanes.

The packaged rate cards are editable defaults derived from ``lanes.csv`` (the
same lane-level figures the planner uses), shaped the way carriers publish
tariffs: FCL per container, LCL per revenue tonne (W/M, 1 t = 1 m3), air per
chargeable kg with weight breaks, express per kg in two bands plus a per-shipment
fee, and e-commerce parcel/postal by weight band (item fee + per kg, the tariff
structure China e-commerce parcel lines publish). Run it after editing lanes.csv:

    python tools/make_rate_cards.py
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANES = ROOT / "src/worldpool/catalog/data/lanes.csv"
OUT = ROOT / "src/worldpool/logistics/data/rate_cards.csv"
HEADER = (
    "service,carrier,mode,origin,destination,basis,break_from,rate,per_shipment,"
    "min_charge,divisor,capacity_m3,max_piece_kg,currency,source,effective_date"
)
DERIVED = (
    "editable default derived from lanes.csv ({what}); see tools/make_rate_cards.py"
)
# Air weight breaks (kg) and their rate factor against the lane's per-kg figure:
# the usual IATA-style "+45/+100/+300/+500/+1000" structure, cheaper per kg as
# the shipment grows.
AIR_BREAKS = (
    (0, "1.25"),
    (45, "1.10"),
    (100, "1.00"),
    (300, "0.93"),
    (500, "0.88"),
    (1000, "0.84"),
)
# Parcel bands: (from kg, item-fee factor, per-kg factor) against the lane's
# per-parcel and per-kg figures (light items pay more per kg, a bigger item fee).
PARCEL_BANDS = ((0, "0.80", "1.30"), ("0.3", "1.00", "1.05"), ("2", "1.60", "0.95"))


def _money(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.01")))


def rows_for(lane: dict[str, str]) -> list[list[str]]:
    """Return the rate-card rows of one lane."""
    o, d, mode, eff = (
        lane["origin"],
        lane["destination"],
        lane["mode"],
        lane["effective_date"],
    )
    per_kg = Decimal(lane["cost_per_kg"])
    per_m3 = Decimal(lane["cost_per_m3"])
    fee = Decimal(lane["cost_per_parcel"])
    cur = lane["currency"]
    out: list[list[str]] = []
    if mode == "sea":
        # FCL: a 40' holds ~67 m3 (about 58 m3 loadable), a 20' ~33 (about 28).
        for ctype, cap, factor in (("fcl20", "28", "16"), ("fcl40", "58", "26")):
            out.append(
                [
                    f"{o}>{d}:{ctype}",
                    "ocean-consolidator",
                    "sea",
                    o,
                    d,
                    "container",
                    "0",
                    _money(per_m3 * Decimal(factor)),
                    "0",
                    "0",
                    "0",
                    cap,
                    "26000",
                    cur,
                    DERIVED.format(
                        what=f"FCL per container ~{factor} x the lane's per-m3 rate"
                    ),
                    eff,
                ]
            )
        out.append(
            [
                f"{o}>{d}:lcl",
                "ocean-consolidator",
                "sea",
                o,
                d,
                "wm",
                "0",
                _money(per_m3),
                "0",
                _money(per_m3),
                "0",
                "0",
                "1000",
                cur,
                DERIVED.format(what="LCL per revenue tonne W/M, minimum 1 RT"),
                eff,
            ]
        )
    elif mode == "air":
        for brk, factor in AIR_BREAKS:
            out.append(
                [
                    f"{o}>{d}:air",
                    "air-forwarder",
                    "air",
                    o,
                    d,
                    "kg",
                    str(brk),
                    _money(per_kg * Decimal(factor)),
                    "0",
                    "75.00",
                    "6000",
                    "0",
                    "300",
                    cur,
                    DERIVED.format(
                        what=f"air per chargeable kg, break +{brk} kg x{factor}, min 75"
                    ),
                    eff,
                ]
            )
    elif mode == "express":
        for brk, factor in ((0, "1.15"), (21, "1.00")):
            out.append(
                [
                    f"{o}>{d}:express",
                    "integrator",
                    "express",
                    o,
                    d,
                    "kg",
                    str(brk),
                    _money(per_kg * Decimal(factor)),
                    _money(fee),
                    "0",
                    "5000",
                    "0",
                    "70",
                    cur,
                    DERIVED.format(
                        what=f"express per chargeable kg, from {brk} kg x{factor} "
                        "+ per shipment"
                    ),
                    eff,
                ]
            )
    elif mode == "parcel":
        for brk, f_fee, f_kg in PARCEL_BANDS:
            out.append(
                [
                    f"{o}>{d}:parcel",
                    "ecom-parcel-line",
                    "parcel",
                    o,
                    d,
                    "band",
                    str(brk),
                    _money(per_kg * Decimal(f_kg)),
                    _money(fee * Decimal(f_fee)),
                    "0",
                    "8000",
                    "0",
                    "30",
                    cur,
                    DERIVED.format(
                        what="e-commerce parcel by weight band: item fee + per kg"
                    ),
                    eff,
                ]
            )
        # Postal small packet (ePacket-like): 2 kg per item, priced by band too.
        out.append(
            [
                f"{o}>{d}:postal",
                "postal",
                "parcel",
                o,
                d,
                "band",
                "0",
                _money(per_kg * Decimal("0.85")),
                _money(fee * Decimal("0.60")),
                "0",
                "0",
                "0",
                "2",
                cur,
                DERIVED.format(
                    what="postal small packet: item fee + per kg, max 2 kg per item"
                ),
                eff,
            ]
        )
    return out


def main() -> None:
    """Write the rate cards."""
    with LANES.open(newline="") as fh:
        lanes = list(csv.DictReader(fh))
    with OUT.open("w", newline="") as fh:
        fh.write(HEADER + "\n")
        w = csv.writer(fh, lineterminator="\n")
        for lane in lanes:
            w.writerows(rows_for(lane))


if __name__ == "__main__":
    main()
