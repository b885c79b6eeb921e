"""Rebuild the packaged customs reference files from the project's shared data.

Run by a developer when the shared data changes, never at run time::

    python -m worldpool.customs._build_data ../shared/data/customs

It writes gzip CSVs under ``worldpool/customs/data/``: the HS 2022
nomenclature, the US HTS8 MFN lines, the EU CET 2020 / UK Global Tariff 2021
CN8 lines and the labelled product examples. Every row keeps its source and
the date it applies from (see ``data/PROVENANCE.md``).
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

__all__ = ["build", "product_text"]

OUT = Path(__file__).parent / "data"
_ATTRIBUTES = ("Material", "Metals Type", "Item Type", "Type", "Fabric Type")
_US_SOURCE = "USITC tariff database 2025-06-06 (public domain)"
_EU_SOURCE = "uktrade/global-uk-tariff ab1e602: EU CET 2020 + UKGT 2021 (OGL v3)"
_HS_SOURCE = "datasets/harmonized-system 905e5a0, UN Comtrade HS 2022 (ODC-PDDL)"
_ATLAS_LICENCE = (
    "MIT (dataset card huggingface.co/datasets/flexifyai/"
    "cross_rulings_hts_dataset_for_tariffs, README license: mit); attribution: "
    "CROSS Rulings HTS Dataset for Tariff Classification by Flexify.AI Inc. "
    "(https://www.flexify.ai); underlying CBP rulings are US-government works"
)
_LICENCES = {"ATLAS-test": _ATLAS_LICENCE, "ATLAS-validation": _ATLAS_LICENCE}
_UK_LICENCE = (
    "MIT, Copyright (C) 2023 Crown Copyright (HMRC Online Trade Tariff); GitHub "
    "trade-tariff/trade-tariff-lambdas-fpo-search reference_data/extra_references.csv "
    "@ a7bda30d"
)
"""Licence text per labelled source where the shared file's cell is out of date."""


def _read(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _write(name: str, header: list[str], rows: Iterable[list[str]]) -> int:
    count = 0
    with gzip.open(OUT / name, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def product_text(title: str, category_path: str, attributes_json: str) -> str:
    """Return the text a labelled row is classified from.

    Args:
        title: Product title or ruling description.
        category_path: Marketplace category path, may be empty.
        attributes_json: Marketplace attributes as a JSON object string, may be empty.

    Returns:
        The title followed by the category and the material-like attributes.
    """
    parts = [title]
    if category_path:
        parts.append(category_path)
    try:
        attributes = json.loads(attributes_json or "{}")
    except json.JSONDecodeError:
        attributes = {}
    parts += [str(attributes[k]) for k in _ATTRIBUTES if k in attributes]
    return " ; ".join(parts)


def _hs(src: Path) -> Iterator[list[str]]:
    for row in _read(src / "hs" / "hs2022_harmonized_system.csv"):
        if row["section"] == "TOTAL" or row["level"] not in {"2", "4", "6"}:
            continue
        yield [row["hscode"], row["level"], row["description"], row["parent"]]


def _us_date(text: str) -> str:
    return datetime.strptime(text, "%m/%d/%y").date().isoformat() if text else ""


def _us(src: Path) -> Iterator[list[str]]:
    for row in _read(src / "tariffs" / "us_hts8_mfn_2025.csv"):
        if row["is_chapter99"] == "yes":
            continue
        yield [
            row["hts8"],
            " ".join(row["brief_description"].split()),
            row["mfn_rate_type_code"],
            row["mfn_ad_val_rate"],
            row["mfn_text_rate"],
            _us_date(row["begin_effect_date"]),
            _us_date(row["end_effective_date"]),
            _US_SOURCE,
        ]


def _eu(src: Path) -> Iterator[list[str]]:
    name = "eu_cet_2020_and_uk_global_tariff_2021_cn8.csv"
    for row in _read(src / "tariffs" / name):
        yield [
            row["commodity"],
            " ".join(row["description"].split()),
            row["cet_duty_rate"],
            row["ukgt_duty_rate"],
            "2020-01-01",
            "2021-01-01",
            _EU_SOURCE,
        ]


def _labeled(src: Path) -> Iterator[list[str]]:
    for row in _read(src / "labeled" / "hs_labeled_dev.csv"):
        text = product_text(row["text"], row["category_path"], row["attributes_json"])
        licence = _LICENCES.get(row["source"], row["license"])
        yield [row["id"], row["source"], text, row["hs6"], licence]
    # UK parcel item lines with the commodity code HMRC assigned (MIT, Crown Copyright).
    uk = _read(src / "labeled" / "uk_fpo_references.csv")
    for number, row in enumerate(uk, start=1):
        text = " ".join(row["text"].split())
        if text and row["hs6_in_hs2022"] == "yes":
            yield [f"uk-fpo-{number:04d}", "UK-FPO", text, row["hs6"], _UK_LICENCE]


def build(src: Path) -> dict[str, int]:
    """Write the packaged customs data files from the shared data folder.

    Args:
        src: The ``shared/data/customs`` folder.

    Returns:
        Rows written per file name.
    """
    OUT.mkdir(exist_ok=True)
    return {
        "hs2022.csv.gz": _write(
            "hs2022.csv.gz", ["code", "level", "description", "parent"], _hs(src)
        ),
        "tariff_us_hts8.csv.gz": _write(
            "tariff_us_hts8.csv.gz",
            [
                "code",
                "description",
                "rate_type",
                "ad_valorem",
                "text_rate",
                "effective_date",
                "end_date",
                "source",
            ],
            _us(src),
        ),
        "tariff_eu_uk_cn8.csv.gz": _write(
            "tariff_eu_uk_cn8.csv.gz",
            [
                "code",
                "description",
                "eu_rate",
                "gb_rate",
                "eu_effective_date",
                "gb_effective_date",
                "source",
            ],
            _eu(src),
        ),
        "hs_labeled.csv.gz": _write(
            "hs_labeled.csv.gz",
            ["id", "source", "text", "hs6", "license"],
            _labeled(src),
        ),
    }


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
