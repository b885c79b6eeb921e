from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from worldpool.errors import InputError
from worldpool.logistics.events import (
    BizStep,
    event_from_dict,
    events_from_csv,
    events_from_json,
)

EPCIS = {
    "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
    "type": "EPCISDocument",
    "schemaVersion": "2.0",
    "epcisBody": {
        "eventList": [
            {
                "type": "ObjectEvent",
                "eventID": "urn:uuid:6b1c1c4e-0001",
                "eventTime": "2026-11-25T08:00:00.000+08:00",
                "eventTimeZoneOffset": "+08:00",
                "action": "OBSERVE",
                "epcList": ["urn:epc:id:sscc:0614141.1234567890"],
                "bizStep": "urn:epcglobal:cbv:bizstep:departing",
                "disposition": "urn:epcglobal:cbv:disp:in_transit",
                "readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0"},
                "bizTransactionList": [
                    {"type": "urn:epcglobal:cbv:btt:desadv", "bizTransaction": "SHP-1"}
                ],
            },
            {"type": "ObjectEvent", "eventTime": "2026-11-25T08:00:00Z"},
        ]
    },
}


def test_epcis_document_events_are_read() -> None:
    """An EPCIS 2.0 document's ObjectEvent maps URNs, time, read point and shipment."""
    good, bad = events_from_json(json.dumps(EPCIS))
    assert len(good) == 1 and bad[0][0] == 1
    e = good[0]
    assert e.biz_step is BizStep.DEPARTING and e.disposition == "in_transit"
    assert e.shipment == "SHP-1" and e.event_time == datetime(
        2026, 11, 25, 0, tzinfo=UTC
    )
    assert e.read_point.startswith("urn:epc:id:sgln") and e.epcs == (
        "06141411234567890",
    )


def test_missing_event_id_gets_a_stable_content_hash() -> None:
    """Without eventID the same content always gets the same id (so repeats dedupe)."""
    body = {"shipment": "S", "bizStep": "shipping", "eventTime": "2026-01-01T00:00:00Z"}
    a, b = event_from_dict(body), event_from_dict(dict(body))
    assert a.event_id == b.event_id and a.event_id.startswith("ni:///sha-256;")
    other = event_from_dict(dict(body, eventTime="2026-01-02T00:00:00Z"))
    assert other.event_id != a.event_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"shipment": "S", "bizStep": "flying", "eventTime": "2026-01-01T00:00Z"},
            "bizStep",
        ),
        (
            {"shipment": "S", "bizStep": "shipping", "eventTime": "2026-01-01T00:00"},
            "eventTime",
        ),
    ],
)
def test_bad_events_name_the_field(body: dict[str, Any], field: str) -> None:
    """An unknown step or a time without offset raises InputError naming the field."""
    with pytest.raises(InputError) as err:
        event_from_dict(body)
    assert err.value.field == field


def test_csv_keeps_good_rows_and_reports_bad_ones_by_row() -> None:
    """A CSV with one bad row yields the good events and the bad row number."""
    text = (
        "event_id,shipment,biz_step,event_time,read_point,disposition\n"
        "e1,SHP-1,shipping,2026-11-25T08:00:00Z,CNSZX,in_transit\n"
        "e2,SHP-1,teleporting,2026-11-26T08:00:00Z,,\n"
        "e3,SHP-1,customs,2026-12-20T08:00:00Z,USLGB,in_progress\n"
    )
    good, bad = events_from_csv(text)
    assert [e.event_id for e in good] == ["e1", "e3"]
    assert [n for n, _ in bad] == [3]
