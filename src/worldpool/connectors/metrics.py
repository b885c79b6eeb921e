"""Prometheus text exposition format (version 0.0.4), rendered from plain values.

References:
    prometheus.io, "Exposition formats": text-based format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["CONTENT_TYPE", "Metric", "render"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""The ``Content-Type`` of a scrape reply."""


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric family and its samples."""

    name: str
    """Metric name (``worldpool_outbox_pending``)."""
    help: str
    """One-line description."""
    kind: str = "gauge"
    """``gauge`` or ``counter``."""
    samples: tuple[tuple[Mapping[str, str], float], ...] = field(default_factory=tuple)
    """(labels, value) pairs."""


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def render(metrics: Iterable[Metric]) -> str:
    """Return the scrape text of ``metrics`` (ends with a newline)."""
    lines: list[str] = []
    for m in metrics:
        lines.append(f"# HELP {m.name} {m.help}")
        lines.append(f"# TYPE {m.name} {m.kind}")
        for labels, value in m.samples:
            tag = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
            lines.append(
                f"{m.name}{{{tag}}} {value:g}" if tag else f"{m.name} {value:g}"
            )
    return "\n".join(lines) + "\n"
