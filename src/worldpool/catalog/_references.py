"""Reference-integrity checks run after overrides are merged and dates picked."""

from __future__ import annotations

from collections.abc import Mapping

from worldpool.catalog._records import Located
from worldpool.domain.market import Marketplace
from worldpool.domain.network import Lane, Mode, Node, NodeKind

__all__ = ["check_references"]


def check_references(
    marketplaces: Mapping[str, Located[Marketplace]],
    nodes: Mapping[str, Located[Node]],
    lanes: Mapping[str, Located[Lane]],
) -> None:
    """Check that FCs serve known marketplaces and lanes join known places.

    Args:
        marketplaces: Marketplaces in force, by id.
        nodes: Nodes in force, by id.
        lanes: Lanes in force, by id.

    Raises:
        CatalogError: naming the file, row and field of the first dangling
            reference.
    """
    for node in nodes.values():
        for market in node.item.markets:
            if market not in marketplaces:
                node.row.fail("markets", f"unknown marketplace id {market!r}")
    for lane in lanes.values():
        _check_lane(lane, marketplaces, nodes)


def _check_lane(
    located: Located[Lane],
    marketplaces: Mapping[str, Located[Marketplace]],
    nodes: Mapping[str, Located[Node]],
) -> None:
    lane, row = located.item, located.row
    origin = nodes.get(lane.origin)
    if origin is None or origin.item.kind is not NodeKind.HUB:
        row.fail("origin", "a lane must start at a known hub node id")
    if lane.mode is Mode.PARCEL:
        if lane.destination not in marketplaces:
            row.fail("destination", "a parcel lane must end at a known marketplace id")
        return
    destination = nodes.get(lane.destination)
    if destination is None or destination.item.kind is not NodeKind.FC:
        row.fail("destination", f"a {lane.mode} lane must end at a known FC node id")
