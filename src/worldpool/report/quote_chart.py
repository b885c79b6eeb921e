"""Quote comparison chart: landed cost against transit days, bubble size = CO2e.

Each service is a point at its P50 days and landed cost, with a bar out to its
P90 days; the marker area grows with its CO2e. Rendered with matplotlib's object
API to SVG text (no pyplot global state).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.figure import Figure

from worldpool.logistics.quote import Quote

__all__ = ["quote_chart_svg"]


def quote_chart_svg(quotes: Sequence[Quote], *, title: str) -> str:
    """Return an SVG chart of ``quotes``: cost vs P50-P90 days, area ~ CO2e.

    Args:
        quotes: Quotes of one shipment (one currency).
        title: Chart title (e.g. ``"CN-SZX -> US-FC1"``).
    """
    fig = Figure(figsize=(8, 5))
    ax = fig.add_subplot()
    top = max((q.co2e_kg for q in quotes), default=1.0) or 1.0
    for q in quotes:
        cost = float(q.landed_cost)
        ax.plot([q.p50_days, q.p90_days], [cost, cost], color="0.6", lw=1)
        ax.scatter([q.p50_days], [cost], s=40 + 600 * q.co2e_kg / top, alpha=0.6)
        ax.annotate(
            q.service.split(":")[-1],
            (q.p50_days, cost),
            fontsize=8,
            xytext=(4, 4),
            textcoords="offset points",
        )
    currency = quotes[0].currency if quotes else ""
    ax.set_xlabel("transit days (P50 to P90)")
    ax.set_ylabel(f"landed freight cost ({currency})")
    ax.set_title(f"{title}: marker area = kg CO2e")
    ax.grid(alpha=0.3)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return buf.getvalue()
