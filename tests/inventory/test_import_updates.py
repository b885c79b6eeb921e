"""Re-imports and repeats inside one file: the same outcome on SQLite and PostgreSQL.

PostgreSQL writes import chunks with ``COPY`` and set-based SQL
(:mod:`worldpool.ledger.copy_load`); these pin its semantics to the generic
path's: a later row of a SKU wins, a re-import updates and replaces listings,
repeated and conflicting ASN lines are counted and refused as before, and the
ledger stays derivable from its movements.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from worldpool import inventory
from worldpool.context import Context
from worldpool.ledger import Ledger

HEAD = "sku,title,unit_cost,currency,unit_weight_kg,unit_volume_m3,listed_markets,ffo_markets\n"


def test_reimport_updates_skus_and_replaces_their_listings(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """Second file: one SKU changed (cost, markets), one new, one repeated in-file."""
    first = tmp_path / "a.csv"
    first.write_text(
        HEAD + "P1,Pan,4.00,USD,1.2,0.01,US;DE;UK,DE\nP2,Pot,6.00,USD,2,0.02,,\n"
    )
    out = inventory.import_skus(ctx, first)
    assert (out.posted, out.updated) == (2, 0)
    second = tmp_path / "b.csv"
    second.write_text(
        HEAD
        + "P1,Pan,9.99,usd,1.2,0.01,JP,\n"
        + "P3,Lid,1.00,USD,0.2,0.001,US,US\n"
        + "P1,Pan large,5.00,USD,1.5,0.012,US;JP,JP\n"
    )
    again = inventory.import_skus(ctx, second)
    assert (again.posted, again.updated, again.rejected_total) == (1, 1, 0)
    p1 = ledger.sku("P1")
    assert (p1.title, p1.unit_cost, p1.unit_weight_kg) == (
        "Pan large",
        Decimal("5.00"),
        Decimal("1.5"),
    )
    assert (p1.listed_markets, p1.ffo_markets) == (("JP", "US"), ("JP",))
    assert ledger.sku("P2").listed_markets == tuple(sorted(ctx.catalog.marketplaces))
    assert ledger.sku("P3").ffo_markets == ("US",)
    assert ledger.skus() == ["P1", "P2", "P3"]


def test_asn_repeats_and_conflicts_across_files_and_chunks(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """Lines already posted are duplicates; same key, other payload is refused."""
    skus = tmp_path / "s.csv"
    skus.write_text(HEAD + "K1,Knife,3,USD,0.1,0.001,,\nK2,Fork,2,USD,0.1,0.001,,\n")
    inventory.import_skus(ctx, skus)
    one = tmp_path / "one.csv"
    one.write_text("asn_id,sku,node,qty,line\nZ1,K1,CN-SZX,5,1\nZ1,K2,CN-SZX,7,2\n")
    assert inventory.receive_asn(ctx, one).posted == 2
    two = tmp_path / "two.csv"
    two.write_text(
        "asn_id,sku,node,qty,line\n"
        "Z1,K1,CN-SZX,5,1\n"  # the same line again: a duplicate
        "Z1,K2,CN-SZX,8,2\n"  # same key, another quantity: refused
        "Z2,K2,CN-SZX,4,1\n"  # new
        "Z2,K9,CN-SZX,1,2\n"  # unknown SKU: refused
    )
    out = inventory.receive_asn(ctx, two)
    assert (out.posted, out.updated, out.rejected_total) == (1, 1, 2)
    assert sorted((p.row, p.field) for p in out.rejected) == [(2, "line"), (4, "sku")]
    on_hand = {b.sku: b.on_hand for b in ledger.balances(node="CN-SZX")}
    assert on_hand == {"K1": 5, "K2": 11}
    assert inventory.check(ctx).ok


def test_two_sellers_import_the_same_ids_apart(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """Same SKU ids and ASN keys under two sellers: each sees and stocks only its own."""
    other = ctx.acting_as(seller="seller-b")
    skus = tmp_path / "s.csv"
    skus.write_text(HEAD + "Q1,Cup,3,USD,0.1,0.001,US,\n")
    asn = tmp_path / "a.csv"
    asn.write_text("asn_id,sku,node,qty\nY1,Q1,CN-SZX,4\n")
    for who in (ctx, other):
        assert inventory.import_skus(who, skus).posted == 1
        assert inventory.receive_asn(who, asn).posted == 1
    theirs = ledger.for_seller("seller-b")
    assert [b.on_hand for b in ledger.balances(node="CN-SZX")] == [4]
    assert [b.on_hand for b in theirs.balances(node="CN-SZX")] == [4]
    only_b = tmp_path / "b.csv"
    only_b.write_text(HEAD + "Q2,Bowl,3,USD,0.1,0.001,US,\n")
    inventory.import_skus(other, only_b)
    assert (ledger.skus(), theirs.skus()) == (["Q1"], ["Q1", "Q2"])
    assert inventory.check(ctx).ok and inventory.check(other).ok
