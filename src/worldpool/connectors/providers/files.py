"""Temu and SHEIN by seller-centre files: order exports in, stock/tracking files out.

Temu's Partner Platform (``partner.temu.com``) and SHEIN's Open Platform
(``open.sheincorp.com``) show their API references only to registered,
approved partners; what is public (integrators' notes) is not enough to
follow their request signing and reply shapes. So these connectors use what
every seller has: the seller centre's files.

* Orders: the seller (or a scheduled download) drops the "Export orders" CSV
  into ``<base>/<inbox>`` (default ``orders``). Each poll reads the oldest
  unread file (by modification time, then name); every order in it becomes
  one record ``{"id", "rows"}`` with version ``<mtime ns>:<file name>``, so a
  later export of the same order (cancelled, shipped) replaces it. A file
  that is not an export (missing columns) is moved to ``rejected/`` with the
  reason next to it; the others are moved to ``done/``.
* Stock: each push writes one stock import file to ``<base>/<outbox>``
  (default ``stock``), named after the push's idempotency keys, so a repeated
  push rewrites the same file. Columns: :data:`TEMU_STOCK` / :data:`SHEIN_STOCK`.
* Tracking: one shipping upload file per order in ``<base>/<tracking>``
  (default ``tracking``), columns :data:`TEMU_TRACKING` / :data:`SHEIN_TRACKING`.

The order export columns are the ones :mod:`worldpool.orders.channels.temu` /
``shein`` read. The seller centres' inventory and batch-ship *templates* are
not publicly documented: the default headers reuse the export's own column
names, and a seller whose downloaded template differs sets ``stock_columns`` /
``tracking_columns`` to its headers.

Files are written to a temporary name and renamed, so an uploader never sees
half a file. No webhooks; no rate limits (nothing is called).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from worldpool.connectors.errors import ProviderRejected, ProviderUnavailable
from worldpool.connectors.provider import Http, OrderPage, ShipmentPush, StockPush
from worldpool.connectors.providers._common import load_cursor
from worldpool.errors import InputError
from worldpool.orders.channels import adapter, shein, temu

__all__ = [
    "SHEIN_STOCK",
    "SHEIN_TRACKING",
    "TEMU_STOCK",
    "TEMU_TRACKING",
    "FileExchange",
    "Shein",
    "Temu",
]

TEMU_STOCK = ("Contribution SKU", "Quantity")
"""Default Temu stock file columns: SKU (the export's SKU column), absolute stock."""
TEMU_TRACKING = ("Order ID", "Carrier", "Tracking number")
"""Default Temu shipping file columns (order id as in the export)."""
SHEIN_STOCK = ("Seller SKU", "Inventory")
"""Default SHEIN stock file columns: SKU (the export's SKU column), absolute stock."""
SHEIN_TRACKING = ("Order Number", "Logistics Company", "Tracking Number")
"""Default SHEIN shipping file columns (order number as in the export)."""


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write a CSV atomically (temporary name, then rename)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(out.getvalue(), encoding="utf-8")
    tmp.replace(path)


class FileExchange:
    """A seller-centre account reached through files in one folder.

    Args:
        settings: optional ``inbox``, ``outbox``, ``tracking`` folder names,
            ``stock_columns`` (two headers: SKU, quantity) and
            ``tracking_columns`` (three: order, carrier, tracking number).
        credentials: none are needed (kept for the common signature).
        http: unused; ``base_url`` of the connection is the folder.
    """

    CHANNEL = ""
    STOCK: tuple[str, str] = ("sku", "quantity")
    TRACKING: tuple[str, str, str] = ("order", "carrier", "tracking")

    def __init__(
        self, settings: Mapping[str, Any], credentials: Mapping[str, Any], http: Http
    ) -> None:
        root = str(getattr(http, "base_url", "") or settings.get("folder", ""))
        self.root = Path(root.removeprefix("file://"))
        self.inbox = self.root / str(settings.get("inbox", "orders"))
        self.outbox = self.root / str(settings.get("outbox", "stock"))
        self.tracking = self.root / str(settings.get("tracking", "tracking"))
        columns = settings.get("stock_columns") or self.STOCK
        self.stock_columns = (str(columns[0]), str(columns[1]))
        track = settings.get("tracking_columns") or self.TRACKING
        self.tracking_columns = (str(track[0]), str(track[1]), str(track[2]))

    def test(self) -> str:
        """Return how many export files wait in the inbox."""
        if not self.inbox.is_dir():
            raise ProviderRejected(f"{self.CHANNEL}: no inbox folder {self.inbox.name}")
        return f"{len(self._waiting())} export file(s) waiting"

    def _waiting(self) -> list[Path]:
        files = [p for p in self.inbox.glob("*.csv") if p.is_file()]
        return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))

    def fetch_orders(self, cursor: str | None) -> OrderPage:
        """Read the oldest unread export file; one record per order in it.

        Raises:
            ProviderUnavailable: the folder cannot be read (retried next poll).
        """
        try:
            return self._fetch(cursor)
        except OSError as exc:
            raise ProviderUnavailable(
                f"{self.CHANNEL} inbox: {type(exc).__name__}"
            ) from None

    def _fetch(self, cursor: str | None) -> OrderPage:
        self.settle(cursor)
        state = load_cursor(cursor)
        waiting = self._waiting()
        if not waiting:
            return OrderPage((), json.dumps(state, sort_keys=True))
        path = waiting[0]
        version = f"{path.stat().st_mtime_ns:020d}:{path.name}"
        text = path.read_text(encoding="utf-8-sig")
        try:
            groups = adapter(self.CHANNEL).split(text)
        except InputError as exc:
            self._move(path, "rejected", str(exc))
            return OrderPage((), json.dumps(state, sort_keys=True), len(waiting) > 1)
        records = tuple(
            ({"id": self._order_id(rows), "rows": rows}, version) for rows in groups
        )
        # The file moves only after the caller stored the records (next poll):
        # a crash in between reads it again, and intake ignores the repeat.
        state = {"last": version, "pending": path.name}
        return OrderPage(records, json.dumps(state, sort_keys=True), len(waiting) > 1)

    def settle(self, cursor: str | None) -> None:
        """Move the file the cursor says was stored to ``done/``.

        Called at the start of each poll: the cursor it gets was saved only
        after the previous file's orders were stored.
        """
        pending = load_cursor(cursor).get("pending")
        if pending and (self.inbox / pending).exists():
            self._move(self.inbox / pending, "done", None)

    def _order_id(self, rows: Sequence[Mapping[str, Any]]) -> str:
        columns = temu.COLUMNS if self.CHANNEL == "temu" else shein.COLUMNS
        return str(rows[0].get(columns["order_id"]) or "")

    def _move(self, path: Path, folder: str, reason: str | None) -> None:
        target = self.inbox / folder
        target.mkdir(exist_ok=True)
        path.replace(target / path.name)
        if reason is not None:
            (target / f"{path.name}.error.txt").write_text(reason, encoding="utf-8")

    def push_stock(self, levels: Sequence[StockPush]) -> None:
        """Write one stock import file with every level (absolute quantities)."""
        if not levels:
            return
        key = hashlib.sha256("|".join(lv.key for lv in levels).encode()).hexdigest()
        self._save(
            self.outbox / f"stock-{key[:16]}.csv",
            self.stock_columns,
            [(lv.sku, lv.level) for lv in levels],
        )

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """Write the order's shipping upload file (rewritten, never doubled)."""
        self._save(
            self.tracking / f"ship-{shipment.channel_order_id}.csv",
            self.tracking_columns,
            [(shipment.channel_order_id, shipment.carrier, shipment.tracking_number)],
        )

    def _save(
        self, path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        try:
            _write(path, header, rows)
        except OSError as exc:  # the outbox retries it
            raise ProviderUnavailable(
                f"{self.CHANNEL} {path.parent.name}: {type(exc).__name__}"
            ) from None


class Temu(FileExchange):
    """Temu Seller Center (semi-managed) by file exchange."""

    CHANNEL = "temu"
    STOCK = TEMU_STOCK
    TRACKING = TEMU_TRACKING


class Shein(FileExchange):
    """SHEIN Seller Hub (semi-managed) by file exchange."""

    CHANNEL = "shein"
    STOCK = SHEIN_STOCK
    TRACKING = SHEIN_TRACKING
