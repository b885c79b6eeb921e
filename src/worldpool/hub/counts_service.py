"""Cycle-count service: plan a sheet of due bins, enter blind counts, post variances.

A variance is posted as an ``adjust`` movement in the journal (reason and the
sheet as reference, idempotent per sheet, bin and SKU) together with the bin
row that corrects the bin, in one transaction; the node's balance and the bin
stock then agree with the count and the drift check stays at zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import InputError, UnknownReference
from worldpool.hub.bins import Bin
from worldpool.hub.counts import CountLine, due_bins, load_frequency
from worldpool.ledger import hub_bins as q
from worldpool.ledger.sellers import scoped

__all__ = ["CountPlan", "count_sheet", "enter_count", "plan_count", "post_count"]


@dataclass(frozen=True, slots=True)
class CountPlan:
    """Plan a count sheet for the context's seller at a hub."""

    node: str
    """Hub node."""
    sheet: str
    """Sheet id (planning the same id again returns the sheet as it is)."""
    day: date | None = None
    """Day of the count (default today, UTC)."""
    blind: bool = True
    """Hide expected units from the counters until the sheet is posted."""


def plan_count(ctx: Context, req: CountPlan) -> list[CountLine]:
    """Create a count sheet with one line per SKU in every bin due (ABC frequency).

    A sheet with nothing due has no lines; planning an existing sheet returns it.
    """
    ctx.require("operator")
    day = req.day or datetime.now(UTC).date()
    with scoped(ctx.engine, ctx.seller).begin() as conn:
        if not q.count_lines_on(conn, ctx.seller, req.sheet):
            layout = [
                Bin(**{k: r[k] for k in Bin.__slots__})
                for r in q.bins_on(conn, req.node)
            ]
            due = due_bins(
                layout, q.last_counted_on(conn, req.node), day, load_frequency()
            )
            stock = {
                (b, s): u for b, s, u in q.bin_stock_on(conn, ctx.seller, req.node)
            }
            now = datetime.now(UTC)
            rows = [
                {
                    "seller": ctx.seller,
                    "sheet": req.sheet,
                    "node": req.node,
                    "bin": b.bin,
                    "sku": sku,
                    "expected": units,
                    "blind": int(req.blind),
                    "status": "open",
                    "created_at": now,
                }
                for b in due
                for (bin_id, sku), units in sorted(stock.items())
                if bin_id == b.bin
            ]
            q.insert_count_lines_on(conn, rows)
            audit_on(
                conn,
                ctx,
                "hub.count.plan",
                target=req.sheet,
                result={"lines": len(rows), "bins": len(due)},
            )
        return [_line(r) for r in q.count_lines_on(conn, ctx.seller, req.sheet)]


def _line(r: dict[str, Any]) -> CountLine:
    hide = bool(r["blind"]) and r["status"] != "posted"
    return CountLine(
        r["sheet"],
        r["bin"],
        r["sku"],
        None if hide else r["expected"],
        r["counted"],
        r["status"],
        r["reason"],
    )


def count_sheet(ctx: Context, sheet: str) -> list[CountLine]:
    """Return the sheet's lines (expected units hidden on a blind sheet)."""
    ctx.require("viewer")
    with scoped(ctx.engine, ctx.seller).connect() as conn:
        rows = q.count_lines_on(conn, ctx.seller, sheet)
    if not rows:
        raise UnknownReference(
            "no such count sheet", record="count", field="sheet", value=sheet
        )
    return [_line(r) for r in rows]


def enter_count(ctx: Context, sheet: str, bin_id: str, sku: str, counted: int) -> None:
    """Enter the units counted for one line (again: the last entry wins until posted).

    Raises:
        InputError: a negative count, or the line is already posted.
        UnknownReference: no such line on the sheet.
    """
    ctx.require("operator")
    if counted < 0:
        raise InputError(
            "must be >= 0", record=f"count {sheet}", field="counted", value=counted
        )
    with scoped(ctx.engine, ctx.seller).begin() as conn:
        line = [
            r
            for r in q.count_lines_on(conn, ctx.seller, sheet)
            if (r["bin"], r["sku"]) == (bin_id, sku)
        ]
        if not line:
            raise UnknownReference(
                "no such line",
                record=f"count {sheet}",
                field="bin",
                value=f"{bin_id}/{sku}",
            )
        if line[0]["status"] == "posted":
            raise InputError("already posted", record=f"count {sheet}", field="status")
        q.set_count_on(
            conn,
            ctx.seller,
            sheet,
            bin_id,
            sku,
            {"counted": counted, "status": "counted", "counted_at": datetime.now(UTC)},
        )
        audit_on(
            conn,
            ctx,
            "hub.count.enter",
            target=sheet,
            inputs={"bin": bin_id, "sku": sku, "counted": counted},
        )


def post_count(ctx: Context, sheet: str, reason: str) -> list[CountLine]:
    """Post every counted line: variances become ``adjust`` movements with ``reason``.

    Raises:
        InputError: no reason given.
        InsufficientStock: a negative variance exceeds the available units.
    """
    ctx.require("operator")
    if not reason.strip():
        raise InputError(
            "a variance needs a reason", record=f"count {sheet}", field="reason"
        )
    with scoped(ctx.engine, ctx.seller).begin() as conn:
        posted = []
        for r in q.count_lines_on(conn, ctx.seller, sheet):
            if r["status"] != "counted":
                continue
            variance = r["counted"] - r["expected"]
            if variance:
                _post_variance(conn, ctx, r, variance, reason)
            q.set_count_on(
                conn,
                ctx.seller,
                sheet,
                r["bin"],
                r["sku"],
                {"status": "posted", "reason": reason},
            )
            posted.append({"bin": r["bin"], "sku": r["sku"], "variance": variance})
        audit_on(
            conn,
            ctx,
            "hub.count.post",
            target=sheet,
            inputs={"reason": reason},
            result={"lines": posted},
        )
    return count_sheet(ctx, sheet)


def _post_variance(
    conn: Any, ctx: Context, r: dict[str, Any], variance: int, reason: str
) -> None:
    key = f"count:{r['sheet']}:{r['bin']}:{r['sku']}"
    why = f"cycle count: {reason}"
    q.post_adjust_on(
        conn,
        ctx.seller,
        Movement(
            MovementKind.ADJUST, r["sku"], r["node"], variance, why, r["sheet"], key
        ),
    )
    q.insert_bin_rows_on(
        conn,
        ctx.seller,
        [
            {
                "idempotency_key": key,
                "kind": "count",
                "sku": r["sku"],
                "node": r["node"],
                "bin": r["bin"],
                "qty": variance,
                "reason": why,
                "reference": r["sheet"],
            }
        ],
    )
