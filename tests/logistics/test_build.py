from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from worldpool.domain.inventory import MovementKind
from worldpool.errors import InputError
from worldpool.logistics.build import group_transfers, receipt_movements, transfer_keys

PLAN = {
    "id": "PLAN-1",
    "transfers": [
        {"sku": "A", "hub": "CN-SZX", "fc": "US-FC1", "mode": "sea", "qty": 10},
        {"sku": "A", "hub": "CN-SZX", "fc": "US-FC1", "mode": "sea", "qty": 5},
        {"sku": "B", "hub": "CN-SZX", "fc": "US-FC1", "mode": "air", "qty": 3},
        {"sku": "B", "hub": "CN-SZX", "fc": "DE-FC1", "mode": "sea", "qty": 4},
    ],
}
AT = datetime(2026, 12, 1, tzinfo=UTC)


def test_transfers_group_per_lane_and_mode_with_their_keys() -> None:
    """Lines group by (hub, FC, mode); one SKU's lines add up and keep their keys."""
    drafts = {(d.destination, d.mode): d for d in group_transfers(PLAN)}
    assert set(drafts) == {("US-FC1", "sea"), ("US-FC1", "air"), ("DE-FC1", "sea")}
    (line,) = drafts[("US-FC1", "sea")].lines
    assert line["qty"] == 15 and line["keys"] == ["plan:PLAN-1:1", "plan:PLAN-1:2"]


def test_lines_the_ledger_refused_are_left_out() -> None:
    """Only transfers in the journal ship: a refused line is not in any draft."""
    posted = set(transfer_keys(PLAN)) - {"plan:PLAN-1:3"}
    drafts = group_transfers(PLAN, posted)
    assert all(d.mode != "air" for d in drafts)


def _row(source: str) -> dict[str, Any]:
    return {
        "id": "SHP-1",
        "source": source,
        "origin": "CN-SZX",
        "destination": "US-FC1",
        "payload": {"lines": [{"sku": "A", "qty": 10}]},
    }


def test_transfer_receipt_splits_good_short_damaged() -> None:
    """A plan shipment posts transfer_in for good, short and damaged units separately."""
    moves = receipt_movements(_row("plan"), {"A": 2}, {"A": 1}, AT)
    assert [(m.kind, m.qty, m.short, m.damaged, m.reason) for m in moves] == [
        (MovementKind.TRANSFER_IN, 7, 0, 0, "received"),
        (MovementKind.TRANSFER_IN, 2, 2, 0, "short on arrival"),
        (MovementKind.TRANSFER_IN, 1, 0, 1, "damaged on arrival"),
    ]
    assert len({m.idempotency_key for m in moves}) == 3


def test_po_receipt_receives_then_writes_off_damage() -> None:
    """A purchase-order shipment posts receive of what came and adjust for damage."""
    moves = receipt_movements(_row("po"), {"A": 2}, {"A": 1}, AT)
    assert [(m.kind, m.qty) for m in moves] == [
        (MovementKind.RECEIVE, 8),
        (MovementKind.ADJUST, -1),
    ]


def test_more_short_than_shipped_is_refused() -> None:
    """Short + damaged above the shipped units, or an unknown SKU, raise InputError."""
    with pytest.raises(InputError):
        receipt_movements(_row("plan"), {"A": 8}, {"A": 3}, AT)
    with pytest.raises(InputError):
        receipt_movements(_row("plan"), {"Z": 1}, {}, AT)
