"""Hypothesis strategies for worldpool records (needs the ``test`` extra).

Users can test their own code against the ledger with the same random
workloads worldpool's invariant tests use.
"""

from __future__ import annotations

from hypothesis import strategies as st

from worldpool.domain.inventory import Movement, MovementKind

__all__ = ["movement_sequences", "movements"]


@st.composite
def movements(
    draw: st.DrawFn,
    skus: tuple[str, ...] = ("A", "B"),
    hubs: tuple[str, ...] = ("CN-SZX",),
    fcs: tuple[str, ...] = ("US-FC1", "DE-FC1"),
) -> Movement:
    """Draw one movement of any kind over the given SKUs and nodes.

    Many drawn movements are infeasible on purpose (reserve beyond available,
    transfer-in with nothing in transit): the ledger must refuse them cleanly.
    """
    kind = draw(st.sampled_from(list(MovementKind)))
    sku = draw(st.sampled_from(skus))
    qty = draw(st.integers(min_value=1, max_value=40))
    key = f"k{draw(st.integers(min_value=0, max_value=10**9))}"
    node = draw(st.sampled_from(hubs + fcs))
    extra: dict[str, object] = {}
    if kind in (MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN):
        node = draw(st.sampled_from(fcs))
        extra["from_node"] = draw(st.sampled_from(hubs))
    if kind is MovementKind.TRANSFER_IN:
        damaged = draw(st.integers(min_value=0, max_value=qty))
        extra["damaged"] = damaged
        extra["short"] = draw(st.integers(min_value=0, max_value=qty - damaged))
    if kind is MovementKind.ADJUST and draw(st.booleans()):
        qty = -qty
    return Movement(kind, sku, node, qty, "property test", f"ref-{key}", key, **extra)  # type: ignore[arg-type]


def movement_sequences(
    max_size: int = 40, skus: tuple[str, ...] = ("A", "B")
) -> st.SearchStrategy[list[Movement]]:
    """Draw a list of movements, receipts weighted up so that stock exists."""
    receipt = st.builds(
        lambda sku, qty, key: Movement(
            MovementKind.RECEIVE, sku, "CN-SZX", qty, "ASN", f"asn-{key}", f"r{key}"
        ),
        st.sampled_from(skus),
        st.integers(min_value=1, max_value=100),
        st.integers(min_value=0, max_value=10**9),
    )
    return st.lists(st.one_of(receipt, movements(skus=skus)), max_size=max_size)
