"""Syntetos-Boylan classes and ABC value classes."""

from __future__ import annotations

import numpy as np

from worldpool.demand import abc_classes, syntetos_boylan


def test_four_classes_and_none() -> None:
    """Each textbook pattern lands in its Syntetos-Boylan quadrant."""
    t = 100
    smooth = np.full(t, 5.0)
    erratic = np.tile([1.0, 20.0], t // 2)
    intermittent = np.where(np.arange(t) % 4 == 0, 5.0, 0.0)
    i = np.arange(t)
    lumpy = np.where(i % 4 == 0, np.where(i % 8 == 0, 1.0, 30.0), 0.0)
    none = np.zeros(t)
    y = np.column_stack([smooth, erratic, intermittent, lumpy, none])
    seg = syntetos_boylan(y)
    assert list(seg.label) == ["smooth", "erratic", "intermittent", "lumpy", "none"]
    assert seg.adi[0] == 1.0 and seg.cv2[0] == 0.0
    assert np.isnan(seg.adi[4])


def test_abc_by_cumulative_value_share() -> None:
    """Series are A until 80% of value is reached, B until 95%, then C."""
    value = np.array([1.0, 70.0, 20.0, 5.0, 4.0])
    assert list(abc_classes(value)) == ["C", "A", "A", "B", "C"]
