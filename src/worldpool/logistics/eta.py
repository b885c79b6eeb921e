"""ETA from the lane's transit distribution, conditioned on the milestones reached.

A lane's door-to-door transit (P50, P90 days) is modelled as the sum of four
independent log-normal legs, each ending at a milestone: pre-departure
(-> ``departing``), line haul (-> ``arriving``), customs (-> released) and final
delivery (-> ``receiving``). ``legs.csv`` gives each leg's share of the median
and its relative spread; :func:`fit_legs` scales the medians and the spreads so
that the simulated sum has exactly the lane's P50 and P90 (on a fixed sample).

Once milestone ``j`` is reached at time ``t_j`` and ``e`` days have passed
since, the remaining time is ``(L_j - e | L_j > e) + L_(j+1) + ...``: the ETA is
``t_j + e`` plus its median, and its P90 the 90th percentile. A naive ETA
ignores the milestones: handover + the lane's P50.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from worldpool.logistics._data import read_rows

__all__ = ["LEGS", "LegFit", "fit_legs", "remaining_days", "sample_legs"]

LEGS: tuple[str, ...] = ("pre_departure", "line_haul", "customs", "final")
"""Leg names in order; leg ``k`` ends at milestone ``k + 1``."""
_N = 4000
_Z90 = 1.2815515655446004
_MIN_TAIL = 200


@dataclass(frozen=True, slots=True)
class LegFit:
    """The fitted leg distributions of one lane."""

    mode: str
    """Lane mode."""
    medians: tuple[float, ...]
    """Median of each leg, in days."""
    sigmas: tuple[float, ...]
    """Log-sd of each leg."""
    samples: NDArray[np.float64] = field(compare=False, hash=False)
    """Fixed sample of leg durations, shape (n, 4), in days (read-only)."""
    key: tuple[float, float] = (0.0, 0.0)
    """The lane's (P50, P90) in days the legs were fitted to."""

    def quantile(self, leg: int, q: float) -> float:
        """Return the ``q`` quantile of leg ``leg``, in days."""
        return float(np.quantile(self.samples[:, leg], q))


@cache
def _shares() -> dict[str, tuple[tuple[float, ...], tuple[float, ...]]]:
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    for r in read_rows("legs.csv"):
        rows.setdefault(r["mode"], {})[r["leg"]] = (
            float(r["share"]),
            float(r["sigma"]),
        )
    return {
        mode: (
            tuple(legs[leg][0] for leg in LEGS),
            tuple(legs[leg][1] for leg in LEGS),
        )
        for mode, legs in rows.items()
    }


@cache
def _normals(seed: int) -> NDArray[np.float64]:
    return np.random.default_rng(seed).standard_normal((_N, len(LEGS)))


def _sums(shares: NDArray[np.float64], sig: NDArray[np.float64], g: float) -> Any:
    return (shares * np.exp(g * sig * _normals(0))).sum(axis=1)


@cache
def fit_legs(mode: str, p50_days: float, p90_days: float) -> LegFit:
    """Fit the legs of a lane so their sum has the lane's P50 and P90 (days).

    The spread multiplier is found by bisection on the P90/P50 ratio (which it
    alone sets), then every median is scaled to hit the P50.

    Args:
        mode: Lane mode (a row group of ``legs.csv``; unknown modes use sea's
            shape).
        p50_days: Lane median transit, in days.
        p90_days: Lane 90th percentile transit, in days.
    """
    table = _shares()
    shares_t, sig_t = table.get(mode, table["sea"])
    shares, sig = np.array(shares_t), np.array(sig_t)
    target = max(p90_days / p50_days, 1.0)
    lo, hi = 0.0, 6.0
    for _ in range(40):
        g = (lo + hi) / 2
        s = _sums(shares, sig, g)
        ratio = float(np.quantile(s, 0.9) / np.median(s))
        lo, hi = (g, hi) if ratio < target else (lo, g)
    g = (lo + hi) / 2
    scale = p50_days / float(np.median(_sums(shares, sig, g)))
    medians = shares * scale
    samples = medians * np.exp(g * sig * _normals(0))
    samples.flags.writeable = False
    return LegFit(
        mode,
        tuple(map(float, medians)),
        tuple(map(float, g * sig)),
        samples,
        (p50_days, p90_days),
    )


def sample_legs(fit: LegFit, n: int, seed: int) -> NDArray[np.float64]:
    """Draw ``n`` independent shipments' leg durations (days), shape (n, 4)."""
    z = np.random.default_rng(seed).standard_normal((n, len(LEGS)))
    return np.asarray(fit.medians) * np.exp(np.asarray(fit.sigmas) * z)


def remaining_days(fit: LegFit, legs_done: int, elapsed: float) -> tuple[float, float]:
    """Return (P50, P90) of the days still to go after ``legs_done`` legs.

    The elapsed time is taken to the hour (the answer is cached per lane,
    milestone and hour: ingesting events computes it for every shipment).

    Args:
        fit: The lane's legs.
        legs_done: Milestones passed after handover (0 at ``shipping``, 4 when
            delivered).
        elapsed: Days since the last milestone, >= 0 (conditions the current
            leg: it has lasted at least that long).
    """
    hours = round(max(elapsed, 0.0) * 24)
    return _remaining(fit.mode, fit.key, legs_done, hours)


@lru_cache(maxsize=1 << 16)
def _remaining(
    mode: str, key: tuple[float, float], legs_done: int, hours: int
) -> tuple[float, float]:
    return _remaining_exact(fit_legs(mode, *key), legs_done, hours / 24)


def _remaining_exact(
    fit: LegFit, legs_done: int, elapsed: float
) -> tuple[float, float]:
    if legs_done >= len(LEGS):
        return 0.0, 0.0
    s = fit.samples
    current = s[:, legs_done]
    later = s[:, legs_done + 1 :].sum(axis=1)
    alive = current > elapsed
    if int(alive.sum()) < _MIN_TAIL:
        # Past almost every sampled duration: use the longest ones' excess.
        idx = np.argpartition(current, -_MIN_TAIL)[-_MIN_TAIL:]
        rest = np.maximum(current[idx] - elapsed, 0.0) + later[idx]
    else:
        rest = current[alive] - elapsed + later[alive]
    p50, p90 = np.quantile(rest, (0.5, 0.9))
    return float(p50), float(p90)
