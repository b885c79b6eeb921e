"""Temu and SHEIN by seller-centre file exchange, driven by the real sync worker."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from worldpool.connectors import service
from worldpool.connectors.providers import files
from worldpool.connectors.service import ConnectRequest, connect
from worldpool.context import Context
from worldpool.ledger import Ledger
from worldpool.orders.channels import shein, temu

from .test_sync import orders_in_pool, run_until


def _export(channel: str, rows: list[tuple[str, str, int, str]]) -> str:
    """A seller-centre export: (order id, SKU, qty, status) per row."""
    columns = temu.COLUMNS if channel == "temu" else shein.COLUMNS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns.values()))
    writer.writeheader()
    for oid, sku, qty, status in rows:
        row = dict.fromkeys(columns.values(), "")
        values = {
            "order_id": oid,
            "status": status,
            "placed_at": "2026-12-01T10:00:00Z",
            "sku": sku,
            "qty": str(qty),
            "price": "9.50",
            "currency": "USD",
            "name": "Ada Shopper",
            "line1": "1 Main St",
            "city": "Springfield",
            "postal_code": "12345",
            "country": "United States",
        }
        row.update({columns[k]: v for k, v in values.items()})
        writer.writerow(row)
    return out.getvalue()


@pytest.mark.parametrize("channel", ["temu", "shein"])
def test_exports_in_stock_and_tracking_files_out(
    ctx: Context, ledger: Ledger, tmp_path: Path, channel: str
) -> None:
    """Orders of two exports come in once; bad files are set aside; files go out."""
    inbox = tmp_path / "orders"
    inbox.mkdir()
    connect(
        ctx, ConnectRequest("fx", channel, f"file://{tmp_path}", {}, {"market": "US"})
    )
    assert "0 export file(s)" in service.test_connection(ctx, "fx")
    first = [("A1", "MUG-1", 2, "Pending"), ("A2", "LAMP-2", 1, "Pending")]
    (inbox / "1.csv").write_text(_export(channel, first))
    (inbox / "2.csv").write_text("not,an,export\n1,2,3\n")
    # The same order again in a later export (a repeat) plus a new one.
    later = [("A1", "MUG-1", 2, "Pending"), ("A3", "MUG-1", 1, "Pending")]
    (inbox / "3.csv").write_text(_export(channel, later))
    run_until(ctx, lambda: not list(inbox.glob("*.csv")))
    run_until(ctx, lambda: orders_in_pool(ctx).get(channel) == 3)
    assert orders_in_pool(ctx) == {channel: 3}
    assert sum(b.reserved for b in ledger.balances(sku="MUG-1")) == 3
    assert (inbox / "rejected" / "2.csv.error.txt").read_text()
    assert ledger.check().ok

    stock_files = sorted((tmp_path / "stock").glob("*.csv"))
    assert stock_files
    header, *rows = list(csv.reader(stock_files[-1].read_text().splitlines()))
    want = files.TEMU_STOCK if channel == "temu" else files.SHEIN_STOCK
    assert tuple(header) == want
    assert {r[0] for r in rows} <= {"MUG-1", "LAMP-2", "HOT-3"}

    service.ship(ctx, service.ShipRequest(channel, "A2", "UPS", "1ZA2"))
    ship_file = tmp_path / "tracking" / "ship-A2.csv"
    run_until(ctx, ship_file.exists)
    header, row = list(csv.reader(ship_file.read_text().splitlines()))
    assert row == ["A2", "UPS", "1ZA2"]
