from __future__ import annotations

import pytest
from sqlalchemy import func, select

from worldpool.domain.inventory import Balance, Movement, MovementKind
from worldpool.errors import (
    IdempotencyConflict,
    InputError,
    InsufficientStock,
    UnknownReference,
)
from worldpool.ledger import Ledger
from worldpool.ledger.tables import movements
from worldpool.testing import make_sku

HUB, FC = "CN-SZX", "US-FC1"
K = MovementKind


def mv(kind: K, qty: int, key: str, node: str = HUB, **kw: object) -> Movement:
    return Movement(kind, "MUG-1", node, qty, "test", f"ref-{key}", key, **kw)  # type: ignore[arg-type]


def journal_size(ledger: Ledger) -> int:
    with ledger.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(movements)).scalar_one()
        )


@pytest.fixture
def stocked(ledger: Ledger) -> Ledger:
    """A ledger with 100 mugs received at the hub."""
    ledger.register_skus([make_sku()])
    ledger.post(mv(K.RECEIVE, 100, "asn-1"))
    return ledger


def bal(ledger: Ledger, node: str) -> Balance:
    (row,) = ledger.balances(sku="MUG-1", node=node)
    return row


def test_receive_adds_on_hand(stocked: Ledger) -> None:
    """A receipt raises on-hand at the hub by its quantity."""
    assert bal(stocked, HUB) == Balance("MUG-1", HUB, 100, 0, 0)


def test_repeated_key_same_payload_is_noop(stocked: Ledger) -> None:
    """Posting the same movement twice writes it once and reports a duplicate."""
    again = stocked.post(mv(K.RECEIVE, 100, "asn-1"))
    assert again.duplicate
    assert bal(stocked, HUB).on_hand == 100
    assert journal_size(stocked) == 1


def test_repeated_key_other_payload_conflicts(stocked: Ledger) -> None:
    """Reusing a key for a different movement raises and changes nothing."""
    with pytest.raises(IdempotencyConflict, match="asn-1"):
        stocked.post(mv(K.RECEIVE, 99, "asn-1"))
    assert bal(stocked, HUB).on_hand == 100
    assert journal_size(stocked) == 1


def test_reserve_beyond_available_writes_nothing(stocked: Ledger) -> None:
    """Reserving more than available raises InsufficientStock and writes nothing."""
    stocked.reserve("MUG-1", HUB, 60, "order-1", "res-1")
    with pytest.raises(InsufficientStock) as info:
        stocked.reserve("MUG-1", HUB, 41, "order-2", "res-2")
    assert (info.value.requested, info.value.available) == (41, 40)
    assert bal(stocked, HUB) == Balance("MUG-1", HUB, 100, 60, 0)
    assert journal_size(stocked) == 2


def test_transfer_out_and_in_with_damage(stocked: Ledger) -> None:
    """A transfer moves units into transit, then on hand at the FC minus write-offs."""
    lane = "CN-SZX>US-FC1:sea"
    stocked.post(mv(K.TRANSFER_OUT, 30, "t-out", node=FC, from_node=HUB, lane=lane))
    assert bal(stocked, HUB).on_hand == 70
    assert bal(stocked, FC) == Balance("MUG-1", FC, 0, 0, 30)
    stocked.post(
        mv(K.TRANSFER_IN, 30, "t-in", node=FC, from_node=HUB, damaged=2, short=1)
    )
    assert bal(stocked, FC) == Balance("MUG-1", FC, 27, 0, 0)
    assert stocked.check().ok


def test_transfer_larger_than_on_hand_refused(stocked: Ledger) -> None:
    """A transfer beyond the hub's available stock is refused."""
    with pytest.raises(InsufficientStock, match="available is 100"):
        stocked.post(mv(K.TRANSFER_OUT, 101, "t-big", node=FC, from_node=HUB))
    assert stocked.balances(node=FC) == []


def test_transfer_in_beyond_in_transit_refused(stocked: Ledger) -> None:
    """Receiving more at an FC than is on the way is refused."""
    stocked.post(mv(K.TRANSFER_OUT, 10, "t-out", node=FC, from_node=HUB))
    with pytest.raises(InsufficientStock, match="in_transit"):
        stocked.post(mv(K.TRANSFER_IN, 11, "t-in", node=FC, from_node=HUB))


def test_ship_consumes_reservation(stocked: Ledger) -> None:
    """Shipping lowers on-hand and reserved together; release frees the rest."""
    stocked.reserve("MUG-1", HUB, 10, "order-1", "res-1")
    stocked.post(mv(K.SHIP, 7, "ship-1"))
    stocked.post(mv(K.RELEASE, 3, "rel-1"))
    assert bal(stocked, HUB) == Balance("MUG-1", HUB, 93, 0, 0)
    with pytest.raises(InsufficientStock, match="reserved"):
        stocked.post(mv(K.SHIP, 1, "ship-2"))


def test_adjust_cannot_eat_reserved_units(stocked: Ledger) -> None:
    """A negative count adjustment may not push available below zero."""
    stocked.reserve("MUG-1", HUB, 95, "order-1", "res-1")
    with pytest.raises(InsufficientStock):
        stocked.post(mv(K.ADJUST, -6, "count-1"))
    stocked.post(mv(K.ADJUST, -5, "count-2"))
    assert bal(stocked, HUB).available == 0


def test_return_restocks(stocked: Ledger) -> None:
    """A customer return adds on-hand units."""
    stocked.post(mv(K.RETURN, 2, "rma-1"))
    assert bal(stocked, HUB).on_hand == 102


@pytest.mark.parametrize(
    ("movement", "field"),
    [
        (mv(K.RECEIVE, 0, "z"), "qty"),
        (mv(K.RECEIVE, -3, "z"), "qty"),
        (mv(K.ADJUST, 0, "z"), "qty"),
        (mv(K.RECEIVE, 5, "z", node="XX-NOPE"), "node"),
        (mv(K.TRANSFER_OUT, 5, "z", node=FC), "from_node"),
        (mv(K.TRANSFER_OUT, 5, "z", node=FC, from_node=FC), "from_node"),
        (
            mv(K.TRANSFER_IN, 5, "z", node=FC, from_node=HUB, damaged=4, short=2),
            "short",
        ),
        (mv(K.RECEIVE, 5, "z", damaged=1), "damaged"),
        (Movement(K.RECEIVE, "MUG-1", HUB, 5, " ", "r", "z"), "reason"),
    ],
)
def test_bad_movement_names_field(
    stocked: Ledger, movement: Movement, field: str
) -> None:
    """An invalid movement raises InputError naming the field, and writes nothing."""
    with pytest.raises(InputError) as info:
        stocked.post(movement)
    assert info.value.field == field
    assert journal_size(stocked) == 1


def test_unknown_sku_refused(stocked: Ledger) -> None:
    """A movement for an unregistered SKU raises UnknownReference and writes nothing."""
    with pytest.raises(UnknownReference, match="NOPE"):
        stocked.post(Movement(K.RECEIVE, "NOPE", HUB, 5, "ASN", "r", "k-nope"))
    assert journal_size(stocked) == 1


def test_batch_keeps_good_movements(stocked: Ledger) -> None:
    """A batch with bad movements posts the good ones and returns the bad ones."""
    batch = [mv(K.RECEIVE, 1, f"b{i}") for i in range(5)]
    batch.insert(2, mv(K.RESERVE, 10_000, "too-much"))
    batch.append(mv(K.RECEIVE, 1, "b0"))
    result = stocked.post_many(batch)
    assert (result.posted, result.duplicates, len(result.rejected)) == (5, 1, 1)
    assert isinstance(result.rejected[0][1], InsufficientStock)
    assert bal(stocked, HUB).on_hand == 105


def test_journal_lists_newest_first_with_filters(stocked: Ledger) -> None:
    """The journal reads back movements newest first, filtered by node at either end."""
    stocked.post(mv(K.TRANSFER_OUT, 5, "t1", node=FC, from_node=HUB))
    stocked.reserve("MUG-1", HUB, 1, "order-9", "res-9")
    entries = stocked.journal(sku="MUG-1")
    assert [e.kind for e in entries] == [K.RESERVE, K.TRANSFER_OUT, K.RECEIVE]
    assert [e.kind for e in stocked.journal(node=FC)] == [K.TRANSFER_OUT]
    assert [e.reference for e in stocked.journal(reference="order-9")] == ["order-9"]
    assert len(stocked.journal(limit=2)) == 2
