"""A static route map: stops, depot and paths drawn as SVG (no map tiles).

Coordinates are projected equirectangularly around the mean latitude
(x = lon cos(lat0), y = -lat), which is accurate to well under 1 % over a
city. Each route has its own colour; stops carry their delivery number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from worldpool.i18n import t
from worldpool.lastmile.routes import RoutePlan

__all__ = ["route_map_html", "route_map_svg"]

_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)
_W, _H, _PAD = 900, 640, 40


def _projector(
    points: list[tuple[float, float]],
) -> Callable[[float, float], tuple[float, float]]:
    lat0 = math.radians(sum(p[0] for p in points) / len(points))
    xs = [p[1] * math.cos(lat0) for p in points]
    ys = [-p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    scale = min(_W, _H - 60) / span * 0.9

    def _project(lat: float, lon: float) -> tuple[float, float]:
        x = (lon * math.cos(lat0) - min(xs)) * scale + _PAD
        y = (-lat - min(ys)) * scale + _PAD
        return round(x, 1), round(y, 1)

    return _project


def route_map_svg(
    plan: RoutePlan, depots: list[tuple[float, float]], language: str = "en"
) -> str:
    """Return an SVG drawing of the plan's routes.

    Args:
        plan: The day's routes.
        depots: Depot ``(lat, lon)`` of each route, in ``plan.routes`` order.
        language: Language of the legend.
    """
    pts = [(v.stop.lat, v.stop.lon) for r in plan.routes for v in r.visits] + depots
    if not pts:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="80"/>'
    project = _projector(pts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W + 2 * _PAD}" '
        f'height="{_H + 2 * _PAD + 14 * len(plan.routes)}" '
        'font-family="sans-serif" font-size="10">',
        '<rect width="100%" height="100%" fill="#fbfbf8"/>',
    ]
    for k, (route, depot) in enumerate(zip(plan.routes, depots, strict=True)):
        colour = _PALETTE[k % len(_PALETTE)]
        for trip in sorted({v.trip for v in route.visits}):
            seq = [depot] + [(v.stop.lat, v.stop.lon) for v in route.trip_visits(trip)]
            path = " ".join("{},{}".format(*project(*p)) for p in [*seq, depot])
            dash = "" if trip == 1 else ' stroke-dasharray="6 3"'
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2" opacity="0.8"{dash}/>'
            )
        for v in route.visits:
            x, y = project(v.stop.lat, v.stop.lon)
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="7" fill="{colour}">'
                f"<title>{escape(v.stop.id)} {escape(v.stop.name)}</title></circle>"
            )
            parts.append(
                f'<text x="{x}" y="{y + 3.5}" text-anchor="middle" '
                f'fill="white" font-size="8">{v.seq}</text>'
            )
        legend = t(
            "{van}: {stops} stops, {km} km",
            language,
            van=route.van_id,
            stops=len(route.visits),
            km=f"{route.distance_m / 1000:.1f}",
        )
        parts.append(
            f'<text x="{_PAD}" y="{_H + 2 * _PAD + 14 * k}" '
            f'fill="{colour}" font-size="12">{escape(legend)}</text>'
        )
    for depot in set(depots):
        x, y = project(*depot)
        parts.append(
            f'<rect x="{x - 8}" y="{y - 8}" width="16" height="16" fill="black">'
            f"<title>{escape(t('Depot', language))}</title></rect>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def route_map_html(
    plan: RoutePlan, depots: list[tuple[float, float]], language: str = "en"
) -> str:
    """Return a self-contained HTML page: map, summary and each route's stops."""
    rows = "".join(
        f"<tr><td>{escape(r.van_id)}</td><td>{v.seq}</td><td>{v.trip}</td>"
        f"<td>{escape(v.stop.id)}</td><td>{escape(v.stop.name)}</td>"
        f"<td>{v.arrival // 3600:02d}:{v.arrival % 3600 // 60:02d}</td>"
        f"<td>{v.slack_s // 60}</td></tr>"
        for r in plan.routes
        for v in r.visits
    )
    head = "".join(
        f"<th>{escape(t(h, language))}</th>"
        for h in ("Van", "#", "Trip", "Stop", "Recipient", "Arrive", "Slack min")
    )
    title = escape(
        t("Routes {node} {date}", language, node=plan.node, date=plan.date.isoformat())
    )
    return (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>body{{font-family:sans-serif}}"
        "td,th{padding:2px 8px;border-bottom:1px solid #ddd}</style></head><body>"
        f"<h1>{title}</h1><pre>{escape(plan.summary(language))}</pre>"
        f"{route_map_svg(plan, depots, language)}"
        f"<table><tr>{head}</tr>{rows}</table></body></html>"
    )
