"""Road travel matrices from the user's own OSRM or Valhalla server.

The only module of the capability that talks to the network. Nothing is sent
anywhere unless the user names a server URL (their own routing server, fed
with their own OpenStreetMap extract).

* OSRM ``GET /table/v1/{profile}/{lon,lat;...}?annotations=duration,distance``
  answers ``{"code": "Ok", "durations": [[s]], "distances": [[m]]}``; ``null``
  marks a pair with no route. (OSRM HTTP API v5, "Table service".)
* Valhalla ``POST /sources_to_targets`` with ``sources``/``targets`` lists of
  ``{"lat", "lon"}`` and a ``costing`` answers ``{"sources_to_targets":
  [[{"distance": km, "time": s, "from_index", "to_index"}]]}``. (Valhalla
  Matrix service API reference.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

from worldpool.errors import WorldpoolError
from worldpool.lastmile.matrix import TravelMatrix

__all__ = ["TravelMatrixError", "fetch_matrix"]


class TravelMatrixError(WorldpoolError):
    """The routing server could not be reached or gave no usable matrix."""


def _grid(rows: Any, n: int, what: str) -> list[list[float]]:
    if not isinstance(rows, list) or len(rows) != n:
        raise TravelMatrixError(f"the server's {what} matrix is not {n} x {n}")
    out: list[list[float]] = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n:
            raise TravelMatrixError(f"the server's {what} row {i} is not {n} long")
        for j, value in enumerate(row):
            if value is None:
                raise TravelMatrixError(
                    f"the server has no route from point {i} to point {j}"
                )
        out.append([float(v) for v in row])
    return out


def _osrm(
    client: httpx.Client, base: str, pts: Sequence[tuple[float, float]], profile: str
) -> TravelMatrix:
    coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in pts)
    # OSRM's own examples write the comma unescaped; keep the query as they do.
    resp = client.get(
        f"{base}/table/v1/{profile}/{coords}?annotations=duration,distance"
    )
    body = _json(resp)
    if body.get("code") != "Ok":
        raise TravelMatrixError(
            f"OSRM answered {body.get('code')}: {body.get('message', '')}".strip()
        )
    n = len(pts)
    dur = _grid(body.get("durations"), n, "durations")
    dist = _grid(body.get("distances"), n, "distances")
    return TravelMatrix(
        np.rint(np.array(dist)).astype(np.int64),
        np.rint(np.array(dur)).astype(np.int64),
        "osrm",
    )


def _valhalla(
    client: httpx.Client, base: str, pts: Sequence[tuple[float, float]], profile: str
) -> TravelMatrix:
    locs = [{"lat": lat, "lon": lon} for lat, lon in pts]
    resp = client.post(
        f"{base}/sources_to_targets",
        json={
            "sources": locs,
            "targets": locs,
            "costing": profile,
            "units": "kilometers",
        },
    )
    body = _json(resp)
    rows = body.get("sources_to_targets")
    n = len(pts)
    if not isinstance(rows, list):
        raise TravelMatrixError("Valhalla's answer has no sources_to_targets")
    cells = [[c if isinstance(c, dict) else {} for c in row] for row in rows]
    dist = _grid([[c.get("distance") for c in row] for row in cells], n, "distance")
    dur = _grid([[c.get("time") for c in row] for row in cells], n, "time")
    return TravelMatrix(
        np.rint(np.array(dist) * 1000).astype(np.int64),
        np.rint(np.array(dur)).astype(np.int64),
        "valhalla",
    )


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        body = None
    if resp.status_code != 200 or not isinstance(body, dict):
        detail = body.get("message", "") if isinstance(body, dict) else ""
        detail = detail or (body.get("error", "") if isinstance(body, dict) else "")
        raise TravelMatrixError(
            f"the routing server answered HTTP {resp.status_code} {detail}".strip()
        )
    return body


def fetch_matrix(
    url: str,
    points: Sequence[tuple[float, float]],
    *,
    engine: str = "osrm",
    profile: str | None = None,
    timeout_s: float = 60.0,
    transport: httpx.BaseTransport | None = None,
) -> TravelMatrix:
    """Return road distances (m) and times (s) between ``points`` from a server.

    Args:
        url: Base URL of the user's server, e.g. ``http://127.0.0.1:5000``.
        points: ``(lat, lon)`` in decimal degrees (depots first, then stops).
        engine: ``osrm`` or ``valhalla``.
        profile: OSRM profile (default ``driving``) or Valhalla costing
            (default ``auto``).
        timeout_s: Request timeout, in seconds.
        transport: httpx transport (tests); default a real connection.

    Raises:
        TravelMatrixError: unreachable server, an error answer, or a pair of
            points with no route.
    """
    base = url.rstrip("/")
    if engine not in ("osrm", "valhalla"):
        raise TravelMatrixError(f"unknown routing engine {engine!r}; osrm or valhalla")
    try:
        with httpx.Client(timeout=timeout_s, transport=transport) as client:
            if engine == "osrm":
                return _osrm(client, base, points, profile or "driving")
            return _valhalla(client, base, points, profile or "auto")
    except httpx.HTTPError as exc:
        raise TravelMatrixError(
            f"cannot reach the routing server at {base}: {type(exc).__name__}"
        ) from None
