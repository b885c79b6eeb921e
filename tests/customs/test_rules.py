from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from worldpool.customs import load_rules
from worldpool.errors import CatalogError

RULE_FILES = (
    "customs_required_fields.csv",
    "customs_tax_schemes.csv",
    "customs_restricted.csv",
    "customs_limits.csv",
    "customs_valuation.csv",
    "customs_fees.csv",
    "customs_code_length.csv",
)


@pytest.mark.parametrize("name", RULE_FILES)
def test_every_rule_row_has_source_and_date(name: str) -> None:
    """Every packaged rule row names its source and an ISO effective date."""
    text = resources.files("worldpool.customs").joinpath("data", name).read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    for row in rows:
        assert row["source"].strip()
        date.fromisoformat(row["effective_date"])


def test_rules_are_selected_by_date() -> None:
    """The EU EUR 3 flat duty applies from 2026-07-01, not before."""
    assert "eu-flat-duty" not in {f.id for f in load_rules(date(2026, 6, 30)).fees}
    assert "eu-flat-duty" in {f.id for f in load_rules(date(2026, 7, 1)).fees}


def test_user_file_overrides_a_rule(tmp_path: Path) -> None:
    """A user rule file replaces the packaged rows of the ids it names."""
    (tmp_path / "customs_limits.csv").write_text(
        "id,value,unit,message,source,effective_date\n"
        "max_unit_kg,40,kg,too heavy for our lanes,our policy,2020-01-01\n"
    )
    rules = load_rules(date(2026, 11, 2), [tmp_path])
    assert rules.limit("max_unit_kg").value == 40
    assert rules.limit("hs_min_digits").value == 6


def test_malformed_rule_file_names_row_and_field(tmp_path: Path) -> None:
    """A non-numeric limit is a CatalogError naming file, row and field."""
    (tmp_path / "customs_limits.csv").write_text(
        "id,value,unit,message,source,effective_date\n"
        "max_unit_kg,heavy,kg,x,our policy,2020-01-01\n"
    )
    with pytest.raises(CatalogError, match="field 'value'"):
        load_rules(date(2026, 11, 2), [tmp_path])
