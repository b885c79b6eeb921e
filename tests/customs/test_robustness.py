from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldpool.customs import ValidationContext, parse_shipment, validate

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
TOP = [
    "kind",
    "destination",
    "mode",
    "currency",
    "date",
    "incoterm",
    "freight",
    "exporter",
    "importer_of_record",
    "lines",
    "cartons",
]
LINE = [
    "sku",
    "hs_code",
    "origin",
    "quantity",
    "unit_value",
    "unit_net_kg",
    "unit_gross_kg",
    "battery",
    "marks",
    "documents",
    "description",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    top=st.dictionaries(st.sampled_from(TOP), JSON, max_size=3),
    line=st.dictionaries(st.sampled_from(LINE), JSON, max_size=4),
)
def test_any_json_gives_a_report(
    de_transfer: dict[str, Any],
    ctx: ValidationContext,
    top: dict[str, Any],
    line: dict[str, Any],
) -> None:
    """Whatever JSON values a document holds, validation returns a report, never raises."""
    data = copy.deepcopy(de_transfer)
    data["lines"][0].update(line)
    data.update(top)
    parsed = parse_shipment(data)
    report = validate(parsed.shipment, ctx, parsed.issues)
    assert report.shipment


CARTON = ["id", "contents", "gross_kg", "dimensions_cm"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(carton=st.dictionaries(st.sampled_from(CARTON), JSON, max_size=3))
def test_any_carton_gives_a_report(
    de_transfer: dict[str, Any], ctx: ValidationContext, carton: dict[str, Any]
) -> None:
    """Whatever a carton holds, validation returns a report, never raises."""
    data = copy.deepcopy(de_transfer)
    data["cartons"][0].update(carton)
    parsed = parse_shipment(data)
    assert validate(parsed.shipment, ctx, parsed.issues).shipment == "SHP-DE-0001"
