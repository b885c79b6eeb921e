"""Cycle counts: due bins by ABC class, blind sheets, variances as adjustments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.hub.conftest import HUB
from tests.hub.test_bins import BINS
from worldpool.context import Context
from worldpool.errors import InputError
from worldpool.hub import bins_service as bins
from worldpool.hub import counts_service as counts
from worldpool.hub.bins import Bin
from worldpool.hub.counts import due_bins
from worldpool.ledger import Ledger


def _bin(name: str, abc: str) -> Bin:
    return Bin(HUB, name, "A", "01", "1", name, 1, 1, abc)  # type: ignore[arg-type]


def test_due_bins_follow_the_abc_frequency() -> None:
    """A bins every 30 days, C every 180; never counted is due."""
    last = {
        "a": datetime(2026, 9, 1, tzinfo=UTC),
        "c": datetime(2026, 9, 1, tzinfo=UTC),
    }
    layout = [_bin("a", "A"), _bin("c", "C"), _bin("n", "C")]
    due = due_bins(layout, last, date(2026, 10, 2), {"A": 30, "B": 90, "C": 180})
    assert [b.bin for b in due] == ["a", "n"]


def test_blind_count_posts_variance_as_adjustment(hub: Context, ledger: Ledger) -> None:
    """The counter sees no expected units; a shortfall becomes an adjust movement."""
    bins.import_bins(hub, BINS)
    acme = hub.acting_as(seller="acme", role="operator")
    bins.put_away(acme, bins.PutAway(HUB, "A", "A-01-1-01", 40, "ASN-1", "pa-1"))
    bins.put_away(acme, bins.PutAway(HUB, "B", "A-01-1-02", 10, "ASN-2", "pa-2"))
    sheet = counts.plan_count(acme, counts.CountPlan(HUB, "CC-1", date(2026, 10, 20)))
    assert [(ln.bin, ln.sku, ln.expected) for ln in sheet] == [
        ("A-01-1-01", "A", None),
        ("A-01-1-02", "B", None),
    ]
    counts.enter_count(acme, "CC-1", "A-01-1-01", "A", 37)
    counts.enter_count(acme, "CC-1", "A-01-1-02", "B", 10)
    with pytest.raises(InputError, match="reason"):
        counts.post_count(acme, "CC-1", " ")
    view = Ledger(ledger.engine, ledger.catalog, seller="acme")
    before = {b.sku: b.on_hand for b in view.balances() if b.node == HUB}
    done = counts.post_count(acme, "CC-1", "damaged in storage")
    assert [(ln.expected, ln.variance, ln.status) for ln in done] == [
        (40, -3, "posted"),
        (10, 0, "posted"),
    ]
    after = {b.sku: b.on_hand for b in view.balances() if b.node == HUB}
    assert after == {"A": before["A"] - 3, "B": before["B"]}
    entry = view.journal(reference="CC-1")[0]
    assert (entry.kind.value, entry.qty, entry.reason) == (
        "adjust",
        -3,
        "cycle count: damaged in storage",
    )
    assert {(s.bin, s.units) for s in bins.bin_stock(acme, HUB)} == {
        ("A-01-1-01", 37),
        ("A-01-1-02", 10),
    }
    assert view.check(all_sellers=True).ok
    assert counts.post_count(acme, "CC-1", "again") == done  # nothing left to post
    # The bins just counted are not due again.
    again = counts.plan_count(acme, counts.CountPlan(HUB, "CC-2", date(2026, 10, 21)))
    assert {ln.bin for ln in again}.isdisjoint({"A-01-1-01", "A-01-1-02"})
