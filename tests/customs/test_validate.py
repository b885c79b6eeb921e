from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from worldpool.customs import ValidationContext, parse_shipment, read_shipment, validate
from worldpool.customs.issues import Severity, ValidationReport


def check(data: Any, ctx: ValidationContext) -> ValidationReport:
    parsed = parse_shipment(data)
    return validate(parsed.shipment, ctx, parsed.issues)


def fields(report: ValidationReport, severity: Severity = Severity.ERROR) -> set[str]:
    return {i.field for i in report.issues if i.severity is severity}


def test_complete_transfer_passes(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """A complete DE forward transfer has no errors and pays import VAT at the border."""
    report = check(de_transfer, ctx)
    assert report.errors == ()
    assert report.tax_scheme == "import VAT/GST at the border"


def test_missing_hs_code_names_field_and_source(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """A line without an HS code is an error on lines[0].hs_code citing its source."""
    de_transfer["lines"][0]["hs_code"] = ""
    report = check(de_transfer, ctx)
    issue = next(i for i in report.errors if i.field == "lines[0].hs_code")
    assert issue.rule == "line-hs"
    assert "research/customs-rules.md" in issue.source


def test_hs_code_must_exist_and_be_specific(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """A 4-digit code is too short and an unknown 6-digit code is rejected."""
    de_transfer["lines"][0]["hs_code"] = "6911"
    de_transfer["lines"][1]["hs_code"] = "999998"
    report = check(de_transfer, ctx)
    rules = {i.field: i.rule for i in report.errors}
    assert rules["lines[0].hs_code"] == "hs_min_digits"
    assert rules["lines[1].hs_code"] == "hs-exists"


def test_unknown_country_and_destination(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """An unknown origin country and an unknown marketplace are named errors."""
    de_transfer["lines"][0]["origin"] = "XX"
    de_transfer["destination"] = "ATLANTIS"
    report = check(de_transfer, ctx)
    assert {"lines[0].origin", "destination"} <= fields(report)
    assert report.tax_scheme == "unknown"


def test_negative_value_and_absurd_weight(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """A negative unit value and a 350 kg mug are errors, not exceptions."""
    de_transfer["lines"][0]["unit_value"] = "-2.40"
    de_transfer["lines"][0]["unit_net_kg"] = "350"
    de_transfer["lines"][0]["unit_gross_kg"] = "600"
    report = check(de_transfer, ctx)
    assert {"lines[0].unit_value", "lines[0].unit_gross_kg"} <= fields(report)
    limit = next(i for i in report.errors if i.field == "lines[0].unit_gross_kg")
    assert limit.rule == "max_unit_kg"


def test_empty_description_and_unreadable_values(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """An empty description and a non-numeric quantity are reported per field."""
    de_transfer["lines"][1]["description"] = "  "
    de_transfer["lines"][1]["quantity"] = "forty"
    report = check(de_transfer, ctx)
    assert {"lines[1].description", "lines[1].quantity"} <= fields(report)


def test_garbage_document_gives_report(ctx: ValidationContext, tmp_path: Path) -> None:
    """A file that is not JSON, or JSON that is not an object, still yields a report."""
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    parsed = read_shipment(path)
    assert parsed.issues[0].field == "(document)"
    report = check([1, 2, 3], ctx)
    assert not report.ok
    assert "lines" in fields(report)


def test_eu_importer_needs_eori(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """Without an EORI the EU importer of record is an error citing Amazon's EORI page."""
    de_transfer["importer_of_record"]["ids"] = {"VAT": "DE123456789"}
    report = check(de_transfer, ctx)
    issue = next(i for i in report.errors if i.field == "importer_of_record.ids.EORI")
    assert "sellercentral-europe.amazon.com" in issue.source


def test_low_value_eu_parcel_needs_ioss(
    de_parcel: dict[str, Any], ctx: ValidationContext
) -> None:
    """A parcel under EUR 150 falls under IOSS and then needs the IOSS number."""
    report = check(de_parcel, ctx)
    assert report.tax_scheme == "IOSS"
    assert "exporter.ids.IOSS" in fields(report)
    de_parcel["exporter"]["ids"] = {"IOSS": "IM2760000001"}
    assert check(de_parcel, ctx).ok


def test_parcel_above_ioss_threshold_pays_at_border(
    de_parcel: dict[str, Any], ctx: ValidationContext
) -> None:
    """A parcel worth more than EUR 150 (converted with the FX table) is not IOSS."""
    de_parcel["lines"][0]["quantity"] = 80
    report = check(de_parcel, ctx)
    assert report.tax_scheme == "import VAT/GST at the border"


def test_parcel_without_fx_rate_is_a_warning(
    de_parcel: dict[str, Any], ctx: ValidationContext
) -> None:
    """Without an FX rate to compare with the IOSS threshold, a warning names the currency."""
    de_parcel["currency"] = "CNY"
    report = check(de_parcel, ctx)
    assert report.tax_scheme == "undetermined"
    assert "currency" in fields(report, Severity.WARNING)


def test_loose_lithium_battery_refused_by_air(
    de_parcel: dict[str, Any], ctx: ValidationContext
) -> None:
    """A loose lithium battery on an air parcel lane is an error (UN3480, PI 965)."""
    de_parcel["lines"][0]["battery"] = "loose"
    report = check(de_parcel, ctx)
    issue = next(i for i in report.errors if i.rule == "li-ion-alone-air")
    assert issue.field == "lines[0].battery"


def test_ebike_to_us_needs_test_report(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """An e-bike shipped to the US without a UL 2849 report is an error."""
    de_transfer["destination"] = "US"
    de_transfer["lines"][0]["description"] = (
        "Electric bicycle (e-bike) with 36 V battery"
    )
    report = check(de_transfer, ctx)
    assert "ebike-us" in {i.rule for i in report.errors}
    de_transfer["lines"][0]["documents"] = ["UL 2849"]
    assert "ebike-us" not in {i.rule for i in check(de_transfer, ctx).issues}


def test_missing_ce_mark_is_a_warning(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """An electrical line to the EU without a CE mark gets a warning, not an error."""
    de_transfer["lines"][1]["marks"] = []
    report = check(de_transfer, ctx)
    assert "lines[1].marks" in fields(report, Severity.WARNING)
    assert report.ok


def test_packing_list_must_match_invoice(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """Cartons holding fewer units than invoiced are an error naming the SKU."""
    cartons = copy.deepcopy(de_transfer["cartons"])
    cartons[0]["contents"] = {"MUG-01": 50}
    de_transfer["cartons"] = cartons
    report = check(de_transfer, ctx)
    assert "cartons.MUG-01" in fields(report)


def test_undervalued_line_is_flagged(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """A declared value far below the unit cost is an undervaluation warning."""
    de_transfer["lines"][0]["unit_value"] = "0.50"
    report = check(de_transfer, ctx)
    assert "min_value_ratio" in {i.rule for i in report.warnings}


def test_report_plain_data(de_transfer: dict[str, Any], ctx: ValidationContext) -> None:
    """The report's plain form carries ok, the tax scheme and each issue's source."""
    de_transfer["lines"][0]["origin"] = ""
    data = check(de_transfer, ctx).to_dict()
    assert data["ok"] is False
    issues = data["issues"]
    assert isinstance(issues, list)
    assert all(i["source"] for i in issues)


def test_destination_wants_longer_national_code(
    de_transfer: dict[str, Any], ctx: ValidationContext
) -> None:
    """A 6-digit code on an EU import is a warning asking for the 8-digit CN code."""
    report = check(de_transfer, ctx)
    assert "eu-cn8" in {i.rule for i in report.warnings}
    de_transfer["lines"][0]["hs_code"] = "69111000"
    de_transfer["lines"][1]["hs_code"] = "85182200"
    assert "eu-cn8" not in {i.rule for i in check(de_transfer, ctx).issues}


def test_stale_fx_rate_and_bad_currency(
    de_parcel: dict[str, Any], ctx: ValidationContext
) -> None:
    """A rate far from the invoice date is a warning; a malformed currency is an error."""
    de_parcel["date"] = "2027-06-01"
    assert "fx_max_age_days" in {i.rule for i in check(de_parcel, ctx).warnings}
    de_parcel["currency"] = "usd1"
    report = check(de_parcel, ctx)
    assert "currency" in fields(report)
