"""Streamed, chunked and resumable SKU and ASN imports (issue #20 item 3)."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from worldpool import inventory
from worldpool.context import Context
from worldpool.inventory import importer
from worldpool.ledger import Ledger

HEAD = "sku,title,unit_cost,currency,unit_weight_kg,unit_volume_m3,listed_markets\n"


def _skus(path: Path, n: int, bad: dict[int, str] | None = None) -> Path:
    lines = [HEAD]
    for i in range(1, n + 1):
        line = f"S{i:06d},Item {i},{1 + i % 7}.50,USD,0.5,0.002,US;DE\n"
        lines.append((bad or {}).get(i, line))
    path.write_text("".join(lines))
    return path


def _asn(path: Path, n_lines: int, skus: int) -> Path:
    rows = ["asn_id,sku,node,qty,line\n"]
    rows += [
        f"A{i // 4},S{1 + i % skus:06d},CN-SZX,{1 + i % 5},{i}\n"
        for i in range(n_lines)
    ]
    path.write_text("".join(rows))
    return path


class _Killed(Exception):
    """Stands in for a kill in the middle of an import."""


def test_sku_import_keeps_good_rows_across_chunks(
    ctx: Context, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad rows in several chunks are dead-lettered by row and field; the rest go in."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)
    bad = {
        2: "S000002,Item,1e400,USD,0.5,0.002,US\n",
        5: "S" + "X" * 70 + ",Item,1,USD,0.5,0.002,US\n",
        9: "S000009,It\x1bem,1,USD,0.5,0.002,US\n",
    }
    out = inventory.import_skus(ctx, _skus(tmp_path / "s.csv", 10, bad))
    assert (out.posted, out.updated, out.rejected_total) == (7, 0, 3)
    assert [(p.row, p.field) for p in out.rejected] == [
        (2, "unit_cost"),
        (5, "sku"),
        (9, "title"),
    ]
    assert len(ledger.skus()) == 7
    assert sorted(d.row or 0 for d in ledger.dead_letters("sku")) == [2, 5, 9]
    (job,) = inventory.imports(ctx)
    assert (job.state(), job.rows_done, job.posted, job.rejected) == (
        "complete",
        10,
        7,
        3,
    )


def test_killed_asn_import_reads_receiving_and_a_rerun_completes_it(
    ctx: Context, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import killed after its first chunk resumes there; nothing posts twice."""
    inventory.import_skus(ctx, _skus(tmp_path / "s.csv", 5))
    asn = _asn(tmp_path / "asn.csv", 10, 5)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)

    def kill(done: int, total: int) -> None:
        raise _Killed

    with pytest.raises(_Killed):
        inventory.receive_asn(ctx, asn, kill)
    half = sum(b.on_hand for b in ledger.balances(node="CN-SZX"))
    assert half == sum(1 + i % 5 for i in range(4))
    job = inventory.imports(ctx)[0]
    assert job.state() == "running" and job.rows_done == 4
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert job.state(later) == "interrupted"
    assert inventory.asn_status(ctx, ["A0", "A1"]) == {"A0": "receiving"}
    again = inventory.receive_asn(ctx, asn)
    assert (again.import_id, again.posted, again.updated) == (job.id, 6, 0)
    total = sum(b.on_hand for b in ledger.balances(node="CN-SZX"))
    assert total == sum(1 + i % 5 for i in range(10))
    assert inventory.asn_status(ctx, ["A0", "A2"]) == {
        "A0": "received",
        "A2": "received",
    }
    assert inventory.check(ctx).ok
    once_more = inventory.receive_asn(ctx, asn)
    assert (once_more.posted, once_more.updated) == (0, 10)
    assert sum(b.on_hand for b in ledger.balances(node="CN-SZX")) == total


def test_asn_lines_refused_by_the_ledger_are_dead_lettered(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """Unknown SKUs, reused keys and huge quantities are refused by row; good lines post."""
    inventory.import_skus(ctx, _skus(tmp_path / "s.csv", 2))
    first = tmp_path / "a1.csv"
    first.write_text("asn_id,sku,node,qty\nB1,S000001,CN-SZX,5\n")
    inventory.receive_asn(ctx, first)
    second = tmp_path / "a2.csv"
    second.write_text(
        "asn_id,sku,node,qty\n"
        "B1,S000001,CN-SZX,6\n"
        "B2,NOPE,CN-SZX,1\n"
        "B2,S000002,CN-SZX,99999999999\n"
        "B2,S000001,CN-SZX,3\n"
    )
    out = inventory.receive_asn(ctx, second)
    assert out.posted == 1 and out.rejected_total == 3
    got = sorted((p.row or 0, p.field, p.message) for p in out.rejected)
    assert [(row, fld) for row, fld, _ in got] == [(1, "line"), (2, "sku"), (3, "qty")]
    assert "already used for a different movement" in got[0][2]
    assert "not registered" in got[1][2]
    on_hand = {b.sku: b.on_hand for b in ledger.balances(node="CN-SZX")}
    assert on_hand == {"S000001": 8}
    assert inventory.check(ctx).ok


def test_sku_import_memory_does_not_grow_with_the_file(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak Python memory for a file 4x longer stays about the same (chunks)."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", 250)
    small, large = _skus(tmp_path / "a.csv", 1000), _skus(tmp_path / "b.csv", 4000)
    peaks = []
    for path in (small, large):
        tracemalloc.start()
        inventory.import_skus(ctx, path)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0]
