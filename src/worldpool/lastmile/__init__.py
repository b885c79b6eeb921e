"""Last mile: delivery routes, van load plans and driver manifests for own fleets.

A node's day of outbound orders (from the ledger, with coordinates from a
postcode-centroid table, or from a stops file) and a fleet of vans become
routes with time windows (PyVRP), a shelf-slot load plan per van and trip,
driver manifests and parcel labels (PDF), and a static route map (SVG).

The pure core (everything here but ``service``) imports no database or
interface code; ``osrm`` is the one module that talks to the network (the
user's own OSRM/Valhalla server).
"""

from worldpool.lastmile.files import read_fleet, read_postcodes, read_rows
from worldpool.lastmile.loadplan import LoadPlan, Placement, plan_load, plan_loads
from worldpool.lastmile.manifest import Label, Manifest, ManifestStop, build_manifests
from worldpool.lastmile.matrix import TravelMatrix, haversine_matrix
from worldpool.lastmile.problem import (
    LastMileParams,
    Parcel,
    RoutingProblem,
    Slot,
    Stop,
    Unassigned,
    Van,
    clock,
    slot_layout,
)
from worldpool.lastmile.routes import Route, RoutePlan, Visit
from worldpool.lastmile.solve import solve

__all__ = [
    "Label",
    "LastMileParams",
    "LoadPlan",
    "Manifest",
    "ManifestStop",
    "Parcel",
    "Placement",
    "Route",
    "RoutePlan",
    "RoutingProblem",
    "Slot",
    "Stop",
    "TravelMatrix",
    "Unassigned",
    "Van",
    "Visit",
    "build_manifests",
    "clock",
    "haversine_matrix",
    "plan_load",
    "plan_loads",
    "read_fleet",
    "read_postcodes",
    "read_rows",
    "slot_layout",
    "solve",
]
