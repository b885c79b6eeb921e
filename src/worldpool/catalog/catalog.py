"""The Catalog: marketplaces, channels, nodes and lanes in force on one day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from worldpool.domain.market import Channel, Marketplace
from worldpool.domain.network import Lane, Mode, Node, NodeKind
from worldpool.errors import UnknownReference

__all__ = ["Catalog"]

R = TypeVar("R")


def _get(mapping: Mapping[str, R], key: str, record: str) -> R:
    try:
        return mapping[key]
    except KeyError:
        raise UnknownReference(
            f"unknown {record} id", record=record, field="id", value=key
        ) from None


def _sorted(lanes: Iterable[Lane]) -> tuple[Lane, ...]:
    return tuple(sorted(lanes, key=lambda lane: lane.id))


@dataclass(frozen=True, slots=True)
class Catalog:
    """Reference data in force on ``as_of``, keyed by id (read-only mappings).

    Build it with :func:`worldpool.catalog.load_catalog`; every cross-reference
    (FC markets, lane origins and destinations) has been checked.
    """

    marketplaces: Mapping[str, Marketplace]
    """Marketplaces by id (``US``, ``UK`` ...)."""
    channels: Mapping[str, Channel]
    """Sales channels by id (``amazon``, ``tiktok_shop`` ...)."""
    nodes: Mapping[str, Node]
    """Hubs and fulfilment centres by id."""
    lanes: Mapping[str, Lane]
    """Lanes by id (``CN-SZX>US-FC1:sea``, ``CN-SZX>US:parcel`` ...)."""
    as_of: date
    """The day the rows were selected for (latest effective_date <= as_of)."""

    def marketplace(self, marketplace_id: str) -> Marketplace:
        """Return the marketplace ``marketplace_id``.

        Raises:
            UnknownReference: when no such marketplace is in force.
        """
        return _get(self.marketplaces, marketplace_id, "marketplace")

    def channel(self, channel_id: str) -> Channel:
        """Return the sales channel ``channel_id``.

        Raises:
            UnknownReference: when no such channel is in force.
        """
        return _get(self.channels, channel_id, "channel")

    def node(self, node_id: str) -> Node:
        """Return the node (hub or FC) ``node_id``.

        Raises:
            UnknownReference: when no such node is in force.
        """
        return _get(self.nodes, node_id, "node")

    def lane(self, lane_id: str) -> Lane:
        """Return the lane ``lane_id``.

        Raises:
            UnknownReference: when no such lane is in force.
        """
        return _get(self.lanes, lane_id, "lane")

    def hubs(self) -> tuple[Node, ...]:
        """Return the origin hubs, sorted by id."""
        return tuple(
            node for _, node in sorted(self.nodes.items()) if node.kind is NodeKind.HUB
        )

    def fcs_for(self, marketplace_id: str) -> tuple[Node, ...]:
        """Return the FCs serving ``marketplace_id`` locally, sorted by id.

        Raises:
            UnknownReference: when the marketplace is unknown.
        """
        self.marketplace(marketplace_id)
        return tuple(
            node
            for _, node in sorted(self.nodes.items())
            if node.kind is NodeKind.FC and marketplace_id in node.markets
        )

    def lanes_from(self, origin: str) -> tuple[Lane, ...]:
        """Return every lane leaving node ``origin``, sorted by id."""
        return _sorted(lane for lane in self.lanes.values() if lane.origin == origin)

    def lanes_between(
        self, origin: str, destination: str, mode: Mode | None = None
    ) -> tuple[Lane, ...]:
        """Return the lanes from ``origin`` to ``destination``, sorted by id.

        Args:
            origin: Origin hub id.
            destination: FC id, or a marketplace id for parcel lanes.
            mode: Only lanes of this mode; None for every mode.
        """
        return _sorted(
            lane
            for lane in self.lanes.values()
            if lane.origin == origin
            and lane.destination == destination
            and (mode is None or lane.mode is mode)
        )

    def parcel_lane(self, hub_id: str, marketplace_id: str) -> Lane | None:
        """Return the fulfil-from-origin parcel lane from a hub to a marketplace.

        Args:
            hub_id: Origin hub id.
            marketplace_id: Destination marketplace id.

        Returns:
            The parcel lane with the shortest P50 transit (days), ties broken
            by id; None when the hub does not ship parcels there.
        """
        lanes = self.lanes_between(hub_id, marketplace_id, Mode.PARCEL)
        return min(lanes, key=lambda lane: lane.transit.p50_days, default=None)
