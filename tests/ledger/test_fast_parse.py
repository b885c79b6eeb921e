"""The fast row parsers accept only what the careful ones accept, with the same result.

Property-based (Hypothesis): rows mixing usual values, edge values (bounds,
signs, exponents, units, market lists, control characters, blanks, missing
cells) go through both the fast path and the careful parser; the fast path
either declines (``None``) or returns exactly the careful parser's record.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.errors import InputError
from worldpool.ledger import asn_file, sku_file
from worldpool.ledger.sku_fast import MarketCache, fast_sku

MARKETS = frozenset({"US", "DE", "UK", "JP"})
HUBS = frozenset({"CN-SZX", "CN-NGB"})

numbers = st.sampled_from(
    ["", " ", "0", "-1", "0.5", " 2.25 ", "1e3", "1E-2", "NaN", "inf", "1e400",
     "1000000000001", "500", "500.0001", "4.9", "abc", "1_0", "+3", "5000000",
     "0.0000001", "\x00", "1\x0b"]
)  # fmt: skip
texts = st.one_of(
    st.sampled_from(["", " x ", "SKU-1", "a\tb", "line\nbreak", "\x1f", "é"]),
    st.text(max_size=70),
)
sku_rows = st.fixed_dictionaries(
    {
        "sku": texts,
        "title": texts,
        "unit_cost": numbers,
        "currency": st.sampled_from(["USD", "usd", " eur ", "US", "ÜSD", "", "USD\n"]),
    },
    optional={
        "unit_weight_kg": numbers,
        "unit_weight_g": numbers,
        "unit_weight_lb": numbers,
        "unit_volume_m3": numbers,
        "unit_volume_cm3": numbers,
        "length_cm": numbers,
        "width_cm": numbers,
        "height_cm": numbers,
        "gtin": st.sampled_from(["", "4006381333931", "4006381333932", "12", "x"]),
        "hs_code": st.sampled_from(["", "732393", "7323.93.00", "73239", "ab1234"]),
        "battery": st.sampled_from(["", "none", "LOOSE", "contained", "lipo"]),
        "category": texts,
        "listed_markets": st.sampled_from(["", "*", "US;DE", "us; de;", "US;XX", ";"]),
        "ffo_markets": st.sampled_from(["", "*", "DE", "de;jp", "ZZ"]),
    },
)


def _careful(parse: Any, row: dict[str, str]) -> object:
    try:
        return parse(row, "f.csv", 1)
    except InputError:
        return None


@settings(max_examples=400, deadline=None)
@given(row=sku_rows, short=st.booleans())
def test_fast_sku_agrees_with_the_careful_parser(
    row: dict[str, Any], short: bool
) -> None:
    """A record from the fast path is the careful parser's record, field for field."""
    if short:
        row = {**row, "title": None}  # what csv.DictReader gives a short row
    fast = fast_sku(row, MarketCache(MARKETS))
    careful = _careful(lambda r, s, n: sku_file._parse(r, s, n, markets=MARKETS), row)
    if fast is not None:
        assert fast == careful


asn_rows = st.fixed_dictionaries(
    {
        "asn_id": texts,
        "sku": texts,
        "node": st.sampled_from(["CN-SZX", " CN-NGB ", "US-LAX", "", "cn-szx"]),
        "qty": st.sampled_from(
            ["1", " 7 ", "0", "-2", "1.5", "1000000000", "1000000001", "+4", "1_0", ""]
        ),
    },
    optional={
        "line": texts,
        "received_at": st.sampled_from(
            ["", "2026-01-02", "2026-01-02T03:04:05+08:00", "yesterday", " 2026-01-02 "]
        ),
    },
)


@settings(max_examples=400, deadline=None)
@given(row=asn_rows)
def test_fast_asn_agrees_with_the_careful_parser(row: dict[str, str]) -> None:
    """A movement from the fast path is the careful parser's movement."""
    fast = asn_file._fast(row, HUBS)
    careful = _careful(lambda r, s, n: asn_file._parse(r, s, n, hubs=HUBS), row)
    if fast is not None:
        assert fast == careful


@pytest.mark.parametrize(
    "row",
    [
        {"sku": "A1", "title": "Bottle", "unit_cost": "3.50", "currency": "usd",
         "unit_weight_g": "250", "length_cm": "5", "width_cm": "6", "height_cm": "20",
         "gtin": "4006381333931", "hs_code": "7323.93", "battery": "NONE",
         "listed_markets": "us;de", "ffo_markets": "DE"},
        {"sku": "A2", "title": "Lamp", "unit_cost": "10", "currency": "EUR",
         "unit_weight_lb": "2", "unit_volume_cm3": "1500", "listed_markets": "*"},
    ],
)  # fmt: skip
def test_usual_rows_take_the_fast_path(row: dict[str, str]) -> None:
    """The common column forms are accepted by the fast path (it is not a no-op)."""
    fast = fast_sku(row, MarketCache(MARKETS))
    assert fast is not None
    assert fast == sku_file._parse(row, "f.csv", 1, markets=MARKETS)
