"""Arbitrary bytes into the SKU and ASN importers: a clear error or a result, never a crash.

Property-based (Hypothesis): any byte string, and any CSV built from arbitrary
text cells under the right header, either is refused as a whole with an
``InputError`` (not text, no header, missing column) or imports with every bad
row named by row and dead-lettered. The ledger never drifts, and the number of
SKUs equals the rows that were accepted.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import context_for
from worldpool import inventory
from worldpool.catalog import load_catalog
from worldpool.context import Context
from worldpool.errors import InputError
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
SKU_HEAD = ["sku", "title", "unit_cost", "currency", "unit_weight_kg", "unit_volume_m3"]
cells = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "1e400", "NaN", "-1", "0.5", "USD", "99999999999", "\x00"]),
)


_SELLERS = itertools.count()
_POOL: dict[str, Ledger] = {}


def _fresh(tmp: Path) -> Ledger:
    """A ledger view for a new seller on one shared database (no re-init per example)."""
    if "led" not in _POOL:
        led = Ledger(make_engine(f"sqlite:///{tmp / 'w.db'}"), load_catalog())
        led.init()
        _POOL["led"] = led
    return _POOL["led"].for_seller(f"prop-{next(_SELLERS)}")


def _ctx(led: Ledger) -> Context:
    return context_for(led).acting_as(seller=led.seller)


@SETTINGS
@given(blob=st.binary(max_size=2000))
def test_any_bytes_as_a_sku_file(tmp_path_factory, blob: bytes) -> None:  # type: ignore[no-untyped-def]
    """Random bytes are refused as a whole or imported row by row; nothing crashes."""
    tmp = tmp_path_factory.mktemp("b")
    led = _fresh(tmp)
    path = tmp / "skus.csv"
    path.write_bytes(blob)
    try:
        out = inventory.import_skus(_ctx(led), path)
    except InputError:
        assert led.skus() == []
    else:
        assert len(led.skus()) == out.posted


@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=6, max_size=7), max_size=12))
def test_any_cells_under_a_sku_header(tmp_path_factory, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    """Arbitrary cells: each row is accepted or named as rejected; totals add up."""
    tmp = tmp_path_factory.mktemp("c")
    led = _fresh(tmp)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(SKU_HEAD)
    writer.writerows(rows)
    path = tmp / "skus.csv"
    path.write_bytes(buf.getvalue().encode("utf-8", "surrogatepass"))
    try:
        out = inventory.import_skus(_ctx(led), path)
    except InputError:
        return
    refused = {p.row for p in out.rejected}
    assert len(refused) == out.rejected_total
    kept = {r[0].strip() for n, r in enumerate(rows, start=1) if n not in refused}
    assert set(led.skus()) == kept
    assert len(led.dead_letters("sku")) == out.rejected_total


@SETTINGS
@given(blob=st.binary(max_size=2000))
def test_any_bytes_as_an_asn(tmp_path_factory, blob: bytes) -> None:  # type: ignore[no-untyped-def]
    """Random bytes as an ASN never crash and never change stock unless valid."""
    tmp = tmp_path_factory.mktemp("a")
    led = _fresh(tmp)
    path = tmp / "asn.csv"
    path.write_bytes(blob)
    try:
        out = inventory.receive_asn(_ctx(led), path)
    except InputError:
        out = None
    assert led.balances() == [] or (out is not None and out.posted > 0)
    assert led.check().ok
