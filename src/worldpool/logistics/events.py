"""Tracking events in the spirit of GS1 EPCIS 2.0 object events.

An event says that some logistic units (SSCCs) of a shipment went through a
business step at a read point at a time, with a disposition. The business steps
worldpool follows are the shipment's milestones, in order:

``shipping`` (handed over at origin) < ``departing`` (vessel/flight left) <
``arriving`` (at the destination gateway) < ``customs`` (``in_progress``: under
clearance or held; ``in_transit``/``released``: released) < ``receiving`` (at
the destination node).

Events come as EPCIS 2.0 JSON (``ObjectEvent``; CBV URNs or bare words), as
flat JSON, or as CSV rows. Every event has an ``eventID`` (when a sender omits
it, a SHA-256 over its content stands in, like EPCIS's event hash ID), so a
repeat is recognised and changes nothing.

References:
    GS1 EPCIS and Core Business Vocabulary 2.0 (2022).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from worldpool.errors import InputError

__all__ = [
    "BizStep",
    "TrackingEvent",
    "event_from_dict",
    "events_from_csv",
    "events_from_json",
]

_BIZSTEP_URN = "urn:epcglobal:cbv:bizstep:"
_DISP_URN = "urn:epcglobal:cbv:disp:"
_CSV_COLUMNS = ("event_id", "shipment", "biz_step", "event_time")


class BizStep(StrEnum):
    """Business steps of a shipment, in milestone order."""

    SHIPPING = "shipping"
    """Handed over to the carrier at origin."""
    DEPARTING = "departing"
    """Left the origin gateway (vessel sailed, flight took off)."""
    ARRIVING = "arriving"
    """Arrived at the destination gateway."""
    CUSTOMS = "customs"
    """Customs: under clearance/held (``in_progress``) or released."""
    RECEIVING = "receiving"
    """Delivered to the destination node for receipt."""


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One observation of a shipment's logistic units."""

    event_id: str
    """Sender's unique id (EPCIS ``eventID``); the idempotency key."""
    shipment: str
    """Shipment id (EPCIS ``bizTransactionList`` ``desadv`` entry)."""
    biz_step: BizStep
    """Business step."""
    event_time: datetime
    """When it happened (UTC)."""
    read_point: str = ""
    """Where (EPCIS ``readPoint.id``: an SGLN, a port or airport code)."""
    disposition: str = ""
    """State after the step (``in_transit``, ``in_progress``, ``damaged`` ...)."""
    epcs: tuple[str, ...] = ()
    """SSCCs observed (digits), empty when the whole shipment is meant."""

    @property
    def customs_released(self) -> bool:
        """True for a customs event that releases the goods."""
        return self.biz_step is BizStep.CUSTOMS and self.disposition in (
            "in_transit",
            "released",
            "cleared",
        )


def _bare(value: Any, urn: str) -> str:
    text = str(value or "").strip()
    return text[len(urn) :] if text.startswith(urn) else text


def _time(value: Any, rec: str) -> datetime:
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            "not an ISO 8601 time", record=rec, field="eventTime", value=value
        ) from None
    if t.tzinfo is None:
        raise InputError("eventTime needs a UTC offset", record=rec, field="eventTime")
    return t.astimezone(UTC)


def _shipment(d: Mapping[str, Any]) -> str:
    for key in ("shipment", "wp:shipment"):
        if d.get(key):
            return str(d[key])
    for bt in d.get("bizTransactionList") or ():
        if isinstance(bt, Mapping) and "desadv" in str(bt.get("type", "")):
            return str(bt.get("bizTransaction", ""))
    return ""


def _epcs(d: Mapping[str, Any]) -> tuple[str, ...]:
    out = []
    for epc in d.get("epcList") or ():
        text = str(epc)
        # urn:epc:id:sscc:<prefix>.<ext+serial> or a GS1 Digital Link; keep digits.
        out.append("".join(ch for ch in text.rsplit("/", 1)[-1] if ch.isdigit()))
    return tuple(out)


def _hash_id(d: Mapping[str, Any]) -> str:
    raw = json.dumps(d, sort_keys=True, separators=(",", ":"), default=str)
    return "ni:///sha-256;" + hashlib.sha256(raw.encode()).hexdigest()


def event_from_dict(d: Mapping[str, Any], rec: str = "event") -> TrackingEvent:
    """Return the event of one EPCIS 2.0 ``ObjectEvent`` (or flat) JSON object.

    Raises:
        InputError: a missing shipment, an unknown business step or a bad time,
            naming the field.
    """
    if not isinstance(d, Mapping):
        raise InputError("an event is a JSON object", record=rec)
    step = _bare(d.get("bizStep") or d.get("biz_step"), _BIZSTEP_URN)
    try:
        biz = BizStep(step)
    except ValueError:
        raise InputError(
            "unknown business step", record=rec, field="bizStep", value=step
        ) from None
    shipment = _shipment(d)
    if not shipment:
        raise InputError("no shipment (bizTransactionList desadv)", record=rec)
    rp = d.get("readPoint") or d.get("read_point") or ""
    return TrackingEvent(
        event_id=str(d.get("eventID") or d.get("event_id") or _hash_id(d)),
        shipment=shipment,
        biz_step=biz,
        event_time=_time(d.get("eventTime") or d.get("event_time"), rec),
        read_point=str(rp.get("id", "") if isinstance(rp, Mapping) else rp),
        disposition=_bare(d.get("disposition"), _DISP_URN),
        epcs=_epcs(d),
    )


def events_from_json(
    raw: bytes | str,
) -> tuple[list[TrackingEvent], list[tuple[int, str]]]:
    """Parse a JSON array, an EPCIS document or one event; keep the good ones.

    Returns:
        The events, and ``(index, error)`` for each one refused.
    """
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", record="events") from None
    if isinstance(doc, Mapping) and "epcisBody" in doc:
        items = doc["epcisBody"].get("eventList", [])
    elif isinstance(doc, Mapping) and "events" in doc:
        items = doc["events"]
    else:
        items = doc if isinstance(doc, list) else [doc]
    good, bad = [], []
    for i, item in enumerate(items):
        try:
            good.append(event_from_dict(item, f"event {i}"))
        except InputError as exc:
            bad.append((i, str(exc)))
    return good, bad


def events_from_csv(text: str) -> tuple[list[TrackingEvent], list[tuple[int, str]]]:
    """Parse CSV rows: event_id, shipment, biz_step, event_time[, read_point, ...].

    Returns:
        The events, and ``(row, error)`` for each row refused (row 2 is the
        first data row).
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError(
            "missing columns", record="events csv", field=",".join(missing)
        )
    good, bad = [], []
    for n, row in enumerate(reader, start=2):
        try:
            good.append(event_from_dict(row, f"row {n}"))
        except InputError as exc:
            bad.append((n, str(exc)))
    return good, bad
