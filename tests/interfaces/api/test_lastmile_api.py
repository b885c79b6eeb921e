from __future__ import annotations

import csv
import datetime as dt
import io

import pypdfium2 as pdfium

from tests.interfaces.api.conftest import Server
from tests.lastmile.test_service import CENTROIDS, FLEET, seed_orders


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _body(**kw: object) -> dict[str, object]:
    return {
        "node": "US-FC1",
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "fleet": _rows(FLEET),
        "postcodes": _rows(CENTROIDS),
        "seconds": 0.5,
        **kw,
    }


def test_plan_routes_over_http_from_the_ledger(server: Server) -> None:
    """POST /lastmile/routes plans the ledger's orders and answers JSON; PDFs on request."""
    keys = seed_orders(server.ledger, stock=False)
    with server.client("write") as c:
        r = c.post("/lastmile/routes", json=_body())
        assert r.status_code == 200, r.text
        data = r.json()
        assert {s["stop"] for s in data["routes"][0]["stops"]} == set(keys[:3])
        assert data["unassigned"] == [
            {
                "stop": keys[3],
                "code": "no_coordinates",
                "reason": data["unassigned"][0]["reason"],
            }
        ]
        assert data["load_plans"][0]["slots"][0]["code"] == "A1"
        pdf = c.post("/lastmile/routes", params={"format": "manifest"}, json=_body())
        assert pdf.headers["content-type"] == "application/pdf"
        doc = pdfium.PdfDocument(pdf.content)
        assert keys[0] in doc[0].get_textpage().get_text_range()
        doc.close()
        page = c.post("/lastmile/routes", params={"format": "map"}, json=_body())
        assert (
            page.headers["content-type"].startswith("text/html") and "<svg" in page.text
        )


def test_read_key_is_refused_and_bad_fleet_is_422(server: Server) -> None:
    """Planning needs a write key; a fleet row with a bad clock time answers 422."""
    with server.client("read") as c:
        assert c.post("/lastmile/routes", json=_body()).status_code == 403
    fleet = _rows(FLEET)
    fleet[0]["shift_start"] = "soon"
    with server.client("write") as c:
        r = c.post("/lastmile/routes", json=_body(fleet=fleet))
        assert r.status_code == 422
        assert "shift_start" in r.text
