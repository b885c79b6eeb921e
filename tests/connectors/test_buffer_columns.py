"""Stock buffer files: effective_date as every rules file, the older name still read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from worldpool.connectors.buffers import load_buffer_rules, rule_for

HEAD = (
    "channel,market,buffer_units,buffer_pct,min_publish,split_below,weight,{},source\n"
)
ROW = "amazon,US,7,0.00,2,50,1,2027-01-01,contract\n"


def test_old_and_new_date_column_read_alike(tmp_path: Path) -> None:
    rules = []
    for column in ("effective_date", "effective_from"):
        path = tmp_path / f"{column}.csv"
        path.write_text(HEAD.format(column) + ROW, encoding="utf-8")
        rules.append(load_buffer_rules(path))
    assert rules[0] == rules[1]
    assert rule_for(rules[0], "amazon", "US", date(2026, 12, 31)) is None
    rule = rule_for(rules[0], "amazon", "US", date(2027, 1, 1))
    assert rule is not None and rule.buffer_units == 7
