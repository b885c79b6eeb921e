"""Read a shipment from its JSON form without ever raising for a bad document.

The format is documented in ``docs/how-to/customs.md``. Values that cannot be
read (``"quantity": "ten"``) become missing values plus an error naming the
field, so a broken file still yields a validation report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from worldpool.customs.issues import Issue, Severity
from worldpool.customs.shipment import Carton, Party, Shipment, ShipmentLine

__all__ = ["ParsedShipment", "parse_shipment", "read_shipment"]

_SOURCE = "shipment format (docs/how-to/customs.md)"


@dataclass(slots=True)
class _Reader:
    """Reads typed values from JSON objects and records what it could not read."""

    issues: list[Issue] = field(default_factory=list)

    def fail(self, path: str, message: str, value: object = "") -> None:
        """Record a format error at ``path``."""
        self.issues.append(
            Issue(Severity.ERROR, path, message, "format", _SOURCE, str(value))
        )

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str:
        """Read a text value (empty when absent)."""
        value = data.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str | int | float):
            self.fail(f"{path}{key}", "must be text", value)
            return ""
        return str(value).strip()

    def decimal(self, data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        """Read a decimal number (None when absent or unreadable)."""
        value = data.get(key)
        if value is None or value == "":
            return None
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{path}{key}", "must be a decimal number", value)
            return None
        if not number.is_finite():
            self.fail(f"{path}{key}", "must be a finite number", value)
            return None
        return number

    def integer(self, data: Mapping[str, Any], key: str, path: str) -> int | None:
        """Read a whole number (None when absent or unreadable)."""
        number = self.decimal(data, key, path)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.fail(f"{path}{key}", "must be a whole number of units", data[key])
            return None
        return int(number)

    def day(self, data: Mapping[str, Any], key: str) -> date | None:
        """Read an ISO date (None when absent or unreadable)."""
        text = self.text(data, key, "")
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(key, "must be an ISO date (YYYY-MM-DD)", text)
            return None

    def strings(self, data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        """Read a list of texts."""
        value = data.get(key) or []
        if not isinstance(value, list):
            self.fail(f"{path}{key}", "must be a list of text", value)
            return ()
        return tuple(str(v).strip() for v in value if str(v).strip())

    def obj(self, data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        """Read a JSON object (empty when absent or not an object)."""
        value = data.get(key) or {}
        if not isinstance(value, Mapping):
            self.fail(f"{path}{key}", "must be an object", value)
            return {}
        return value

    def items(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        """Read a list of JSON objects."""
        value = data.get(key) or []
        if not isinstance(value, list) or not all(
            isinstance(v, Mapping) for v in value
        ):
            self.fail(key, "must be a list of objects", value)
            return []
        return value


def _party(r: _Reader, data: Mapping[str, Any], key: str) -> Party:
    p = r.obj(data, key, "")
    ids = r.obj(p, "ids", f"{key}.")
    return Party(
        name=r.text(p, "name", f"{key}."),
        address=r.text(p, "address", f"{key}."),
        country=r.text(p, "country", f"{key}.").upper(),
        tax_id=r.text(p, "tax_id", f"{key}."),
        ids={str(k).upper(): str(v).strip() for k, v in ids.items() if v},
        contact=r.text(p, "contact", f"{key}."),
    )


def _line(r: _Reader, data: Mapping[str, Any], i: int) -> ShipmentLine:
    at = f"lines[{i}]."
    return ShipmentLine(
        sku=r.text(data, "sku", at),
        description=r.text(data, "description", at),
        hs_code=r.text(data, "hs_code", at),
        origin=r.text(data, "origin", at).upper(),
        quantity=r.integer(data, "quantity", at),
        unit_value=r.decimal(data, "unit_value", at),
        unit_net_kg=r.decimal(data, "unit_net_kg", at),
        unit_gross_kg=r.decimal(data, "unit_gross_kg", at),
        unit_cost=r.decimal(data, "unit_cost", at),
        battery=r.text(data, "battery", at).lower() or "none",
        un_number=r.text(data, "un_number", at).upper().replace(" ", ""),
        marks=tuple(m.upper() for m in r.strings(data, "marks", at)),
        documents=r.strings(data, "documents", at),
    )


def _carton(r: _Reader, data: Mapping[str, Any], i: int) -> Carton:
    at = f"cartons[{i}]."
    contents = []
    for sku, qty in r.obj(data, "contents", at).items():
        units = r.integer({"units": qty}, "units", f"{at}contents.{sku}.")
        contents.append((str(sku), units if units is not None else 0))
    dims = data.get("dimensions_cm") or []
    if not isinstance(dims, list) or len(dims) not in {0, 3}:
        r.fail(f"{at}dimensions_cm", "must be [length, width, height] in cm", dims)
        dims = []
    size = tuple(r.decimal({"d": d}, "d", f"{at}dimensions_cm.") for d in dims)
    return Carton(
        id=r.text(data, "id", at) or f"#{i + 1}",
        contents=tuple(contents),
        gross_kg=r.decimal(data, "gross_kg", at),
        dimensions_cm=size if len(size) == 3 and None not in size else None,  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class ParsedShipment:
    """A shipment read from JSON and the format errors met on the way."""

    shipment: Shipment
    """The shipment (unreadable values are missing)."""
    issues: tuple[Issue, ...]
    """Format errors, each naming the field."""


def parse_shipment(data: object, name: str = "shipment") -> ParsedShipment:
    """Read a shipment from decoded JSON.

    Args:
        data: The decoded JSON document (an object).
        name: Used as the shipment id when the document has none.

    Returns:
        The shipment and the format issues; never raises for bad content.
    """
    r = _Reader()
    if not isinstance(data, Mapping):
        r.fail("(document)", "must be a JSON object", type(data).__name__)
        data = {}
    shipment = Shipment(
        id=r.text(data, "id", "") or name,
        kind=r.text(data, "kind", "").lower() or "transfer",
        destination=r.text(data, "destination", "").upper(),
        mode=r.text(data, "mode", "").lower(),
        currency=r.text(data, "currency", "").upper(),
        date=r.day(data, "date"),
        invoice_number=r.text(data, "invoice_number", ""),
        incoterm=r.text(data, "incoterm", "").upper(),
        reason=r.text(data, "reason", ""),
        exporter=_party(r, data, "exporter"),
        importer_of_record=_party(r, data, "importer_of_record"),
        consignee=_party(r, data, "consignee"),
        port_of_entry=r.text(data, "port_of_entry", ""),
        eu_responsible_person=r.text(data, "eu_responsible_person", ""),
        signatory=r.text(data, "signatory", ""),
        freight=r.decimal(data, "freight", "") or Decimal(0),
        insurance=r.decimal(data, "insurance", "") or Decimal(0),
        lines=tuple(_line(r, x, i) for i, x in enumerate(r.items(data, "lines"))),
        cartons=tuple(_carton(r, x, i) for i, x in enumerate(r.items(data, "cartons"))),
    )
    return ParsedShipment(shipment, tuple(r.issues))


def read_shipment(path: Path) -> ParsedShipment:
    """Read a shipment JSON file; unreadable JSON becomes an issue, not an exception.

    Args:
        path: The ``.json`` file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        issue = Issue(
            Severity.ERROR, "(document)", f"cannot read JSON: {exc}", "format", _SOURCE
        )
        return ParsedShipment(
            Shipment(id=path.stem, kind="", destination="", mode=""), (issue,)
        )
    return parse_shipment(data, path.stem)
