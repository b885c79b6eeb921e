"""Customs fixtures: a small HS suggester, the rules of late 2026, shipment files."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from worldpool.catalog import load_catalog
from worldpool.customs import (
    Example,
    FxTable,
    HsSuggester,
    Nomenclature,
    ValidationContext,
    load_nomenclature,
    load_rules,
    read_fx,
)
from worldpool.customs.examples import tariff_lines

DATA = Path(__file__).parents[1] / "data" / "customs"
DAY = date(2026, 11, 2)
CHAPTERS = ("42", "61", "62", "64", "67", "71", "85", "95")


@pytest.fixture(scope="session")
def hs_examples_small() -> tuple[Example, ...]:
    """70 HSCodeComp product titles with their HS6 codes (Apache-2.0)."""
    with (DATA / "hs_examples_small.csv").open(newline="") as handle:
        return tuple(
            Example(r["text"], r["hs6"], r["id"]) for r in csv.DictReader(handle)
        )


@pytest.fixture(scope="session")
def small_nomenclature() -> Nomenclature:
    """HS 2022 restricted to a few consumer-goods chapters (fits in a second)."""
    full = load_nomenclature()
    texts = {c: t for c, t in full.texts.items() if c[:2] in CHAPTERS}
    return Nomenclature(full.edition, texts, full.source)


@pytest.fixture(scope="session")
def small_suggester(
    small_nomenclature: Nomenclature, hs_examples_small: tuple[Example, ...]
) -> HsSuggester:
    """A suggester fitted on those chapters, their tariff lines and the examples."""
    lines = tuple(e for e in tariff_lines() if e.hs6[:2] in CHAPTERS)
    return HsSuggester().fit(small_nomenclature, lines, hs_examples_small)


@pytest.fixture(scope="session")
def fx() -> FxTable:
    """Illustrative EUR/GBP/JPY rates against USD."""
    return read_fx(DATA / "fx.csv")


@pytest.fixture(scope="session")
def ctx(fx: FxTable) -> ValidationContext:
    """Rules, HS 2022, marketplaces and FX in force on 2026-11-02."""
    catalog = load_catalog(as_of=DAY)
    return ValidationContext(
        load_rules(DAY), load_nomenclature(), catalog.marketplaces, fx
    )


@pytest.fixture
def de_transfer() -> dict[str, object]:
    """A complete forward transfer of mugs and speakers to an FC in Germany."""
    data: dict[str, object] = json.loads(
        (DATA / "shipment_de_transfer.json").read_text()
    )
    return data


@pytest.fixture
def de_parcel(de_transfer: dict[str, object]) -> dict[str, object]:
    """A fulfil-from-origin parcel of 2 mugs to a shopper in Germany (USD 4.80)."""
    parcel = dict(de_transfer)
    lines = parcel["lines"]
    assert isinstance(lines, list)
    parcel.update(
        id="PCL-DE-0001",
        kind="parcel",
        mode="parcel",
        lines=[dict(lines[0], quantity=2)],
        cartons=[],
        consignee={
            "name": "Erika Mustermann",
            "address": "Hauptstr. 5, 80331 München",
            "country": "DE",
        },
    )
    return parcel
