"""Quantile-fan plot of one series: history, forecast mean and quantile bands.

Rendered with matplotlib's object API (a ``Figure`` per call, no pyplot global
state, so it is safe in a server thread) to PNG bytes, or to a self-contained
HTML page with the PNG inlined.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["fan_chart_html", "fan_chart_png"]

_HISTORY_DAYS = 120


def _quantile_cols(daily: pd.DataFrame) -> list[str]:
    cols = [
        c
        for c in daily.columns
        if c.startswith("p") and c[1:].replace(".", "").isdigit()
    ]
    return sorted(cols, key=lambda c: float(c[1:]))


def fan_chart_png(
    history: pd.DataFrame,
    daily: pd.DataFrame,
    *,
    title: str,
    date_col: str = "date",
    units_col: str = "units",
    history_days: int = _HISTORY_DAYS,
) -> bytes:
    """Draw one series' recent history and its daily quantile fan as PNG bytes.

    Args:
        history: That series' history, one row per day (``date``, ``units``).
        daily: That series' daily forecast (``date``, ``mean``, ``p50`` …), as
            from :func:`worldpool.demand.daily_forecast`.
        title: Figure title (e.g. ``"SKU 85123A in DE"``).
        date_col: Column of dates in both frames.
        units_col: Column of units in ``history``.
        history_days: Days of history shown, in days.

    Returns:
        The PNG image.
    """
    # Histories list only days with a sale: fill the other days with 0.
    days = pd.to_datetime(history[date_col])
    hist = history.groupby(days)[units_col].sum().asfreq("D", fill_value=0)
    hist = hist.tail(history_days)
    fc = daily.sort_values(date_col)
    qcols = _quantile_cols(fc)
    fig = Figure(figsize=(9, 4), dpi=100)
    ax = fig.subplots()
    ax.step(hist.index, hist.to_numpy(), where="mid", color="0.3", lw=1,
            label="units sold")  # fmt: skip
    x = pd.to_datetime(fc[date_col])
    upper = [c for c in qcols if float(c[1:]) > 50]
    for i, col in enumerate(reversed(upper)):
        ax.fill_between(x, 0, fc[col], step="mid", color="tab:blue",
                        alpha=0.12 + 0.1 * i, lw=0, label=col.upper())  # fmt: skip
    ax.step(x, fc["mean"], where="mid", color="tab:blue", lw=2, label="mean")
    ax.set_title(title)
    ax.set_ylabel("units per day")
    ax.legend(loc="upper left", fontsize="small", ncols=3)
    fig.autofmt_xdate()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def fan_chart_html(
    history: pd.DataFrame,
    daily: pd.DataFrame,
    *,
    title: str,
    table_cols: Sequence[str] = (),
    **kwargs: Any,
) -> str:
    """Return a self-contained HTML page with the fan chart and the forecast table.

    Args:
        history: That series' history (see :func:`fan_chart_png`).
        daily: That series' daily forecast.
        title: Page and figure title.
        table_cols: Columns of ``daily`` shown in the table (default: date,
            mean and the quantiles).
        **kwargs: Passed to :func:`fan_chart_png`.
    """
    png = fan_chart_png(history, daily, title=title, **kwargs)
    img = base64.b64encode(png).decode("ascii")
    date_col = kwargs.get("date_col", "date")
    cols = list(table_cols) or [date_col, "mean", *_quantile_cols(daily)]
    table = daily[cols].to_html(index=False, float_format="{:.1f}".format, border=0)
    t = html.escape(title)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{t}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "td,th{padding:2px 8px;text-align:right}</style></head><body>"
        f"<h1>{t}</h1><img alt='quantile fan of {t}' src='data:image/png;base64,{img}'>"
        f"{table}</body></html>"
    )
