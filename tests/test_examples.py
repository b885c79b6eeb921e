"""`worldpool examples` writes the tour's files, and they import cleanly."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from worldpool.examples import EXAMPLE_FILES, write_examples


def test_examples_are_written_and_well_formed(tmp_path: Path) -> None:
    """Four files; the history ends the day before `today` and is reproducible."""
    paths = write_examples(tmp_path, today=date(2026, 12, 5))
    assert [p.name for p in paths] == list(EXAMPLE_FILES)
    order = json.loads((tmp_path / "order.json").read_text())
    assert order["id"] == 1001 and order["line_items"][0]["sku"] == "MUG"
    with (tmp_path / "sales.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert max(r["date"] for r in rows) == "2026-12-04"
    again = write_examples(tmp_path / "b", today=date(2026, 12, 5))
    assert again[3].read_text() == paths[3].read_text()
