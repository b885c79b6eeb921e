"""Build worldpool's packaged demo data and test fixtures from UCI Online Retail II.

Usage (from the repository root)::

    .venv/bin/python tools/make_demo_data.py --data /work/shared/data/demand
    .venv/bin/python tools/make_demo_data.py --data /work/shared/data/demand --tests

The first command writes ``src/worldpool/demo/data/online_retail_demand.csv.gz`` and
``online_retail_skus.csv``; ``--tests`` writes the smaller
``tests/data/online_retail_small.csv`` and ``online_retail_small_skus.csv`` instead.
The output is byte-for-byte deterministic: no randomness, the selection uses a
SHA-256 hash of the stock code, and the gzip header carries no timestamp.

Source: Daqing Chen, "Online Retail II", UCI Machine Learning Repository, 2019,
https://doi.org/10.24432/C5CG6D, licensed CC BY 4.0. The subset rule is written out
in the PROVENANCE.md files next to the outputs and in the constants below.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "src" / "worldpool" / "demo" / "data"
TESTS_DIR = ROOT / "tests" / "data"

# Customer country in Online Retail II -> worldpool marketplace id. Only these 19
# of the 23 marketplaces occur in the data (no Mexico, Turkey, Egypt or India).
COUNTRY_TO_MARKET = {
    "Australia": "AU",
    "Belgium": "BE",
    "Brazil": "BR",
    "Canada": "CA",
    "EIRE": "IE",
    "France": "FR",
    "Germany": "DE",
    "Italy": "IT",
    "Japan": "JP",
    "Netherlands": "NL",
    "Poland": "PL",
    "RSA": "ZA",
    "Saudi Arabia": "SA",
    "Singapore": "SG",
    "Spain": "ES",
    "Sweden": "SE",
    "USA": "US",
    "United Arab Emirates": "AE",
    "United Kingdom": "UK",
}

# A product stock code is five digits plus an optional letter suffix; this drops
# POST, M, DOT, BANK CHARGES, gift vouchers, DCGS... and test codes.
PRODUCT_CODE = re.compile(r"^\d{5}[A-Z]{0,3}$")
MIN_MARKETS = 3  # sold in at least this many mapped marketplaces
MIN_DAYS = 20  # with at least this many sale days in all mapped marketplaces
MAX_DAY_SHARE = 0.5  # no single sale day holds more than half of all its units
STRATA = 10  # deciles of total units among eligible SKUs
DEMO_PER_STRATUM = 30  # 10 x 30 = 300 SKUs
TESTS_PER_STRATUM = 2  # 10 x 2 = 20 SKUs, taken from the demo selection
TESTS_MARKETS = ("UK", "DE", "FR", "IE", "NL")
TESTS_FROM = "2011-01-01"  # test fixture keeps 2011-01-01 .. 2011-12-09 only
SALT = "worldpool-demo-v1:"
COST_SHARE = 0.40  # unit cost assumed to be 40% of the median selling price

# Crude category from title keywords; the first match wins, else "giftware".
CATEGORY_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("mug", r"MUGS?|TEACUPS?|CUPS?"),
    ("candle", r"CANDLES?|T-LIGHTS?|TEA ?LIGHTS?|TLIGHTS?"),
    ("card", r"CARDS?"),
    ("bag", r"BAGS?|HANDBAG|TOTE|SHOPPER|PURSE"),
    ("decoration", r"DECORATIONS?|ORNAMENTS?|BUNTING|GARLAND|BAUBLES?|WREATH|HANGING"),
    (
        "kitchen",
        r"PLATES?|BOWLS?|JARS?|TINS?|LUNCH ?BOX|CAKE|BAKING|NAPKINS?|SPOONS?|TEAPOT"
        r"|CUTLERY|APRON|TEA TOWELS?|CAKESTAND|TRAY|OVEN GLOVE|BEAKERS?|BUTTER DISH"
        r"|MILK PAN|CHOPSTICKS|SNACK BOX(?:ES)?|TEA SET",
    ),
    (
        "stationery",
        r"PENS?|PENCILS?|NOTEBOOK|NOTEPAD|STICKERS?|WRAP|TAPE|ENVELOPES?|BOOK",
    ),
    (
        "homeware",
        r"CLOCK|FRAME|CUSHION|LANTERN|MIRROR|SIGN|DOORMAT|LAMP|HOOK|DOORSTOP|STOOL"
        r"|CABINET|DRAWER|CUPBOARD|THROW|BLANKET|HOT WATER BOTTLE|HOTTIE",
    ),
    ("toy", r"TOYS?|GAME|PUZZLES?|DOLLY|DOLLS?|SKIPPING ROPE|SPACEBOY|PLAYHOUSE"),
    ("jewellery", r"NECKLACE|EARRINGS?|BRACELET|BANGLE|HAIR ?(?:CLIP|SLIDE|GRIP)S?"),
)

# Demo defaults per category, NOT real measurements: (kg per unit, m3 per unit).
CATEGORY_PHYSICS: dict[str, tuple[float, float]] = {
    "bag": (0.15, 0.0015),
    "candle": (0.25, 0.0006),
    "card": (0.03, 0.0001),
    "decoration": (0.10, 0.0008),
    "giftware": (0.30, 0.0015),
    "homeware": (0.80, 0.0040),
    "jewellery": (0.05, 0.0001),
    "kitchen": (0.40, 0.0020),
    "mug": (0.35, 0.0012),
    "stationery": (0.08, 0.0002),
    "toy": (0.20, 0.0010),
}


def _clean_code(codes: pd.Series) -> pd.Series:
    """Normalise stock codes: strip spaces, upper-case (85123a joins 85123A)."""
    return codes.astype(str).str.strip().str.upper()


def load_daily(data: Path) -> pd.DataFrame:
    """Read the daily aggregate, keep mapped markets and product codes, re-aggregate.

    Returns:
        Columns sku, market (marketplace id), date, units, avg_price (GBP,
        unit-weighted mean over the merged rows).
    """
    raw = pd.read_csv(
        data / "online_retail_ii" / "daily_units_long.csv.gz",
        dtype={"sku": str, "market": str, "date": str},
    )
    raw["sku"] = _clean_code(raw["sku"])
    raw["market"] = raw["market"].map(COUNTRY_TO_MARKET)
    product = raw["sku"].str.match(PRODUCT_CODE)
    keep = raw["market"].notna() & product & (raw["units"] > 0)
    df = raw.loc[keep].copy()
    df["revenue"] = df["units"] * df["avg_price"]
    # Case and whitespace variants of one code can share a day; merge them.
    keys = ["sku", "market", "date"]
    out = df.groupby(keys, as_index=False)[["units", "revenue"]].sum()
    out["avg_price"] = (out["revenue"] / out["units"]).round(4)
    return out.drop(columns="revenue")


def _hash(sku: str) -> str:
    return hashlib.sha256((SALT + sku).encode()).hexdigest()


def select_skus(daily: pd.DataFrame, per_stratum: int) -> list[str]:
    """Pick SKUs sold in several markets, stratified by volume, by hash order.

    Eligible: at least MIN_MARKETS marketplaces, MIN_DAYS sale rows, and no sale
    row above MAX_DAY_SHARE of the code's total units. Eligible
    SKUs are cut into STRATA quantile bins of total units; in each bin the
    ``per_stratum`` codes with the smallest SHA-256(SALT + sku) are taken.
    """
    stats = daily.groupby("sku").agg(
        markets=("market", "nunique"),
        days=("date", "size"),
        units=("units", "sum"),
        top_day=("units", "max"),
    )
    # The day-share rule drops codes dominated by one bulk order, such as 23166's
    # 74,215 units on 2011-01-18 (an order that was cancelled the same day).
    eligible = stats[
        (stats["markets"] >= MIN_MARKETS)
        & (stats["days"] >= MIN_DAYS)
        & (stats["top_day"] <= MAX_DAY_SHARE * stats["units"])
    ]
    eligible = eligible.sort_index()
    ranks = eligible["units"].rank(method="first")
    strata = pd.qcut(ranks, STRATA, labels=False)
    chosen: list[str] = []
    for stratum in range(STRATA):
        codes = eligible.index[strata == stratum]
        chosen.extend(sorted(codes, key=_hash)[:per_stratum])
    return sorted(chosen)


def _category(title: str) -> str:
    for name, pattern in CATEGORY_KEYWORDS:
        if re.search(rf"\b(?:{pattern})\b", title):
            return name
    return "giftware"


def sku_table(data: Path, skus: list[str]) -> pd.DataFrame:
    """Title, median price, category and demo physical attributes per SKU."""
    tx = pd.read_csv(
        data / "online_retail_ii" / "transactions.csv.gz",
        dtype={"Invoice": str, "StockCode": str, "Description": str},
        usecols=["Invoice", "StockCode", "Description", "Quantity", "Price"],
    )
    tx["sku"] = _clean_code(tx["StockCode"])
    positive = (tx["Quantity"] > 0) & (tx["Price"] > 0)
    sales = ~tx["Invoice"].str.match(r"^[CA]") & positive
    tx = tx.loc[sales & tx["sku"].isin(skus)]
    desc = tx.dropna(subset=["Description"]).copy()
    desc["title"] = desc["Description"].str.strip().str.replace(r"\s+", " ", regex=True)
    # Most frequent description; ties go to the alphabetically first one.
    counts = desc.groupby(["sku", "title"]).size().reset_index(name="n")
    counts = counts.sort_values(["sku", "n", "title"], ascending=[True, False, True])
    titles = counts.drop_duplicates("sku").set_index("sku")["title"]
    price = tx.groupby("sku")["Price"].median().round(2)
    table = pd.DataFrame({"sku": skus})
    table["title"] = table["sku"].map(titles)
    table["unit_price_gbp"] = table["sku"].map(price)
    table["category"] = table["title"].map(_category)
    table["unit_weight_kg"] = table["category"].map(lambda c: CATEGORY_PHYSICS[c][0])
    table["unit_volume_m3"] = table["category"].map(lambda c: CATEGORY_PHYSICS[c][1])
    cost = (table["unit_price_gbp"] * COST_SHARE).round(2).clip(lower=0.01)
    table["unit_cost"] = cost
    return table


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write CSV, gzip-compressed without a timestamp when the name ends in .gz."""
    text = frame.to_csv(index=False, lineterminator="\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix != ".gz":
        path.write_text(text, encoding="utf-8")
        return
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def build(data: Path, tests: bool) -> list[Path]:
    """Build the demo files, or the test files when ``tests`` is true."""
    daily = load_daily(data)
    skus = select_skus(daily, DEMO_PER_STRATUM)
    if tests:
        window = daily[
            daily["sku"].isin(skus)
            & daily["market"].isin(TESTS_MARKETS)
            & (daily["date"] >= TESTS_FROM)
        ]
        # The same rule again, applied to the demo SKUs inside the test window.
        skus = select_skus(window, TESTS_PER_STRATUM)
        rows = window[window["sku"].isin(skus)]
        demand_path = TESTS_DIR / "online_retail_small.csv"
        skus_path = TESTS_DIR / "online_retail_small_skus.csv"
    else:
        rows = daily[daily["sku"].isin(skus)]
        demand_path = DEMO_DIR / "online_retail_demand.csv.gz"
        skus_path = DEMO_DIR / "online_retail_skus.csv"
    rows = rows.sort_values(["sku", "market", "date"])
    _write_csv(rows[["sku", "market", "date", "units", "avg_price"]], demand_path)
    _write_csv(sku_table(data, skus), skus_path)
    return [demand_path, skus_path]


def main() -> None:
    """Parse arguments and build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="the shared data/demand folder"
    )
    parser.add_argument(
        "--tests", action="store_true", help="write the small tests/data subset"
    )
    args = parser.parse_args()
    for path in build(args.data, args.tests):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
