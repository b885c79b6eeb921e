"""Travel distances and times between points: haversine x circuity by default.

A :class:`TravelMatrix` is square over a list of points (``(lat, lon)``):
row ``i``, column ``j`` is the trip from ``i`` to ``j``. The default estimate
is the great-circle distance times a circuity factor (roads are longer than
the straight line; 1.2-1.4 in cities) at an average speed. A real road
matrix comes from the user's own OSRM or Valhalla server
(:mod:`worldpool.lastmile.osrm`).

References:
    Boscoe, Henry & Zdeb (2012), "A nationwide comparison of driving distance
    versus straight-line distance to hospitals", *Professional Geographer*
    64(2): 188-196 (mean circuity about 1.4 in the US).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from worldpool.errors import InputError

__all__ = ["EARTH_RADIUS_M", "TravelMatrix", "haversine_matrix"]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), in metres."""

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class TravelMatrix:
    """Integer travel distances (metres) and durations (seconds), square."""

    distances_m: IntMatrix
    """``[i, j]``: road distance from point i to point j, in metres."""
    durations_s: IntMatrix
    """``[i, j]``: driving time from point i to point j, in seconds."""
    source: str = "haversine"
    """Where it came from (``haversine x 1.3 @ 30 km/h``, ``osrm``, ``valhalla``)."""

    def __post_init__(self) -> None:
        n = self.distances_m.shape[0]
        for name, m in (
            ("distances_m", self.distances_m),
            ("durations_s", self.durations_s),
        ):
            if m.shape != (n, n) or (m < 0).any():
                raise InputError(
                    "a travel matrix must be square and non-negative",
                    record="matrix",
                    field=name,
                    value=str(m.shape),
                )

    @property
    def size(self) -> int:
        """Number of points."""
        return int(self.distances_m.shape[0])


def haversine_matrix(
    points: Sequence[tuple[float, float]], circuity: float, speed_kmh: float
) -> TravelMatrix:
    """Estimate road distances and times from straight-line distances.

    Args:
        points: ``(lat, lon)`` in decimal degrees.
        circuity: Road / great-circle distance ratio (>= 1).
        speed_kmh: Average driving speed, in km/h (> 0).
    """
    lat = np.radians(np.array([p[0] for p in points], dtype=float))
    lon = np.radians(np.array([p[1] for p in points], dtype=float))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = (
        np.sin(dlat / 2) ** 2
        + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    )
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * circuity
    seconds = metres / (speed_kmh / 3.6)
    return TravelMatrix(
        np.rint(metres).astype(np.int64),
        np.rint(seconds).astype(np.int64),
        f"haversine x {circuity:g} @ {speed_kmh:g} km/h",
    )
