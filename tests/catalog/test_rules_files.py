"""Every packaged rules file says where each row comes from and when it applies."""

from __future__ import annotations

import csv
from pathlib import Path

import worldpool

PACKAGE = Path(worldpool.__file__).parent
NOT_RULES = {
    "examples/data/skus.csv",  # the README tour's sample input
    "examples/data/asn.csv",
    "demo/data/online_retail_skus.csv",  # demo products, not rules
    "catalog/data/fx_rates.csv",  # dated rates: base, quote, rate, source, date
}


def test_rules_files_carry_source_and_effective_date() -> None:
    files = sorted(p for p in PACKAGE.rglob("*.csv"))
    assert len(files) > 30
    missing = []
    for path in files:
        name = path.relative_to(PACKAGE).as_posix()
        if name in NOT_RULES:
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        if not {"source", "effective_date"} <= set(header):
            missing.append(name)
    assert missing == []
