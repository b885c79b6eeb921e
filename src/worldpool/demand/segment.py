"""Segmentation: Syntetos-Boylan demand classes (ADI / CV²) and ABC value classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from worldpool.demand.forecasters import FloatArray

__all__ = [
    "ADI_CUTOFF",
    "CLASSES",
    "CV2_CUTOFF",
    "Segments",
    "abc_classes",
    "syntetos_boylan",
]

ADI_CUTOFF = 1.32
"""Average inter-demand interval cut-off, in days (Syntetos et al. 2005)."""
CV2_CUTOFF = 0.49
"""Squared coefficient of variation cut-off of demand sizes, unitless."""
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "none")
"""Demand classes; ``none`` is a series without any demand."""


@dataclass(frozen=True, slots=True)
class Segments:
    """Syntetos-Boylan statistics of each series of a panel."""

    adi: FloatArray
    """Average inter-demand interval, in days (NaN without demand). [ADI]"""
    cv2: FloatArray
    """Squared coefficient of variation of non-zero sizes, unitless. [CV²]"""
    label: NDArray[np.str_]
    """Class of each series: one of :data:`CLASSES`."""


def syntetos_boylan(y: FloatArray) -> Segments:
    """Classify each column of ``y`` as smooth, erratic, intermittent or lumpy.

    ADI is the number of days from the start of the panel to the last demand
    divided by the number of demand days (statsforecast's interval convention);
    CV² uses the non-zero sizes only.

    Args:
        y: Demand, units per day, shape ``(T, N)``.

    Returns:
        The statistics and the class of each series.

    References:
        Syntetos, A. A., Boylan, J. E. & Croston, J. D. (2005). On the
        categorization of demand patterns. JORS 56(5), 495-503.
    """
    nz = y > 0
    count = nz.sum(axis=0)
    # Day number (1-based) of the last demand: T minus the zero days after it.
    last = np.where(count > 0, y.shape[0] - np.argmax(nz[::-1], axis=0), 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        adi = np.where(count > 0, last / count, np.nan)
        mean = y.sum(axis=0) / count
        var = np.einsum("ij,ij->j", y, y) / count - mean**2
        cv2 = np.where(count > 0, np.maximum(var, 0.0) / mean**2, np.nan)
    erratic = cv2 >= CV2_CUTOFF
    intermittent = adi >= ADI_CUTOFF
    label = np.where(
        intermittent,
        np.where(erratic, "lumpy", "intermittent"),
        np.where(erratic, "erratic", "smooth"),
    )
    label = np.where(count > 0, label, "none")
    return Segments(adi=adi, cv2=cv2, label=label.astype(np.str_))


def abc_classes(
    value: FloatArray, a_share: float = 0.8, b_share: float = 0.95
) -> NDArray[np.str_]:
    """Return A/B/C by cumulative value share (Pareto), highest value first.

    Args:
        value: Value of each series (revenue, or units where no price exists),
            in currency or units.
        a_share: Cumulative share of value covered by class A, unitless.
        b_share: Cumulative share covered by classes A and B, unitless.

    Returns:
        ``"A"``, ``"B"`` or ``"C"`` per series; a series is A when the value
        of the series ranked above it is below ``a_share`` of the total.
    """
    if not 0 < a_share < b_share <= 1:
        raise ValueError(f"need 0 < a_share < b_share <= 1, got {a_share}, {b_share}")
    v = np.nan_to_num(np.asarray(value, dtype=np.float64))
    order = np.argsort(-v, kind="stable")
    total = v.sum()
    before = np.concatenate([[0.0], np.cumsum(v[order])[:-1]])
    share = before / total if total > 0 else np.ones_like(before)
    ranked = np.where(share < a_share, "A", np.where(share < b_share, "B", "C"))
    out = np.empty(v.shape[0], dtype="<U1")
    out[order] = ranked
    return out
