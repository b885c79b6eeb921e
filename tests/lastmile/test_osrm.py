"""The OSRM/Valhalla client against a fake routing server on loopback.

The fake answers in the documented shapes: OSRM HTTP API v5 ``/table``
(``code``, ``durations`` in s, ``distances`` in m, ``sources``,
``destinations``; ``null`` for an unroutable pair; errors as
``{"code": "InvalidQuery", "message": ...}``) and Valhalla
``/sources_to_targets`` (rows of ``{"distance": km, "time": s, "from_index",
"to_index"}``). Faults are injected per test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.lastmile.conftest import city_day
from worldpool.lastmile import LastMileParams, haversine_matrix, solve
from worldpool.lastmile._model import layout
from worldpool.lastmile.osrm import TravelMatrixError, fetch_matrix


class _Fake:
    fault: str = "none"
    seen: list[str]

    def __init__(self) -> None:
        self.seen = []


def _pairs(
    points: list[tuple[float, float]],
) -> tuple[list[list[float]], list[list[float]]]:
    m = haversine_matrix(points, 1.5, 36.0)
    return m.distances_m.astype(float).tolist(), m.durations_s.astype(float).tolist()


def _handler(fake: _Fake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: object) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            fake.seen.append(self.path)
            parts = url.path.split("/")
            if parts[1:4] != ["table", "v1", "driving"]:
                return self._send(
                    400, {"code": "InvalidUrl", "message": "URL string malformed"}
                )
            assert parse_qs(url.query)["annotations"] == ["duration,distance"]
            coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
            points = [(lat, lon) for lon, lat in coords]
            if fake.fault == "invalid":
                return self._send(
                    400,
                    {
                        "code": "InvalidQuery",
                        "message": "Query string malformed close to position 28",
                    },
                )
            if fake.fault == "crash":
                return self._send(500, b"upstream exploded")
            dist, dur = _pairs(points)
            if fake.fault == "null":
                dur[1][2] = None  # type: ignore[call-overload]
            waypoint = [
                {"location": [lon, lat], "name": "", "distance": 0.0}
                for lat, lon in points
            ]
            code = "NoTable" if fake.fault == "notable" else "Ok"
            self._send(
                200,
                {
                    "code": code,
                    "durations": dur,
                    "distances": dist,
                    "sources": waypoint,
                    "destinations": waypoint,
                },
            )

        def do_POST(self) -> None:
            fake.seen.append(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.path == "/sources_to_targets" and body["costing"] == "auto"
            points = [(s["lat"], s["lon"]) for s in body["sources"]]
            dist, dur = _pairs(points)
            rows = [
                [
                    {
                        "distance": dist[i][j] / 1000,
                        "time": dur[i][j],
                        "from_index": i,
                        "to_index": j,
                    }
                    for j in range(len(points))
                ]
                for i in range(len(points))
            ]
            self._send(200, {"sources_to_targets": rows, "units": "kilometers"})

    return Handler


@pytest.fixture
def fake_router() -> Iterator[tuple[str, _Fake]]:
    """A fake OSRM + Valhalla server on a free loopback port."""
    fake = _Fake()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", fake
    finally:
        server.shutdown()
        server.server_close()


POINTS = [(40.70, -74.01), (40.72, -73.99), (40.69, -73.98)]


def test_osrm_table_becomes_the_travel_matrix(fake_router: tuple[str, _Fake]) -> None:
    """An OSRM /table answer gives integer metres and seconds, coordinates sent lon,lat."""
    url, fake = fake_router
    m = fetch_matrix(url + "/", POINTS)
    expected = haversine_matrix(POINTS, 1.5, 36.0)
    assert (m.distances_m == expected.distances_m).all()
    assert (m.durations_s == expected.durations_s).all()
    assert m.source == "osrm"
    assert fake.seen[0].startswith("/table/v1/driving/-74.010000,40.700000;")


def test_valhalla_matrix_converts_kilometres(fake_router: tuple[str, _Fake]) -> None:
    """A Valhalla sources_to_targets answer (km, s) becomes metres and seconds."""
    url, _ = fake_router
    m = fetch_matrix(url, POINTS, engine="valhalla")
    expected = haversine_matrix(POINTS, 1.5, 36.0)
    assert abs(m.distances_m - expected.distances_m).max() <= 1
    assert m.source == "valhalla"


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("invalid", "HTTP 400 Query string malformed"),
        ("crash", "HTTP 500"),
        ("null", "no route from point 1 to point 2"),
        ("notable", "OSRM answered NoTable"),
    ],
)
def test_server_faults_raise_a_clear_error(
    fake_router: tuple[str, _Fake], fault: str, words: str
) -> None:
    """Error answers, a 500 and an unroutable pair each raise TravelMatrixError saying so."""
    url, fake = fake_router
    fake.fault = fault
    with pytest.raises(TravelMatrixError, match=words):
        fetch_matrix(url, POINTS)


def test_unreachable_server_names_the_url() -> None:
    """Nothing listening: the error names the server and the failure."""
    with pytest.raises(
        TravelMatrixError,
        match=r"cannot reach the routing server at http://127\.0\.0\.1:9",
    ):
        fetch_matrix("http://127.0.0.1:9", POINTS, timeout_s=2)


def test_plan_with_the_server_matrix(fake_router: tuple[str, _Fake]) -> None:
    """The solver uses the server's matrix: route distances follow it, not haversine."""
    url, _ = fake_router
    problem = city_day(n=8, vans=1)
    matrix = fetch_matrix(url, layout(problem).points)
    plan = solve(problem, LastMileParams(seconds=0.3), matrix)
    assert plan.matrix_source == "osrm"
    (route,) = plan.routes
    legs = sum(v.leg_m for v in route.visits)
    assert legs < route.distance_m  # plus the way back to the depot
    assert legs == sum(
        int(matrix.distances_m[a, b])
        for a, b in zip(
            [0] + [1 + problem.stops.index(v.stop) for v in route.visits[:-1]],
            [1 + problem.stops.index(v.stop) for v in route.visits],
            strict=True,
        )
    )
