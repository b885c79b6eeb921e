"""The confidence model: when the top HS suggestion can be trusted.

A logistic regression on the agreement features of
:mod:`worldpool.customs._evidence` (nearest labelled products, tariff line,
centroid, chapter classifier and glossary voting for the same code, margin
to the runner-up...) predicts the probability that the top suggestion is the
right 6-digit subheading. It is fitted on *held-back* predictions (every
product predicted by a model that never saw it), so the probability is
calibrated, and it ranks answers far better than the softmax share: that is
what selective prediction needs (a high accuracy on the share of products
flagged confident).

The **confident threshold** is chosen on the training rows only: the lowest
probability whose flagged rows, predicted by an inner cross-validation of
the logistic regression, are right at least ``target`` of the time with 95 %
confidence (Wilson lower bound), so the precision target holds with a margin
on products the model has not seen.

The packaged model is ``data/hs_confidence.csv`` (``feature,mean,scale,coef``
plus ``intercept`` and ``threshold`` rows), rebuilt with
``python -m worldpool.customs._calibrate``.

References:
    El-Yaniv, R. & Wiener, Y. (2010). On the foundations of noise-free
    selective classification. JMLR 11, 1605-1641.
    Platt, J. (1999). Probabilistic outputs for support vector machines.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from worldpool.customs._evidence import FEATURES
from worldpool.customs.nomenclature import read_packaged_csv

__all__ = [
    "ConfidenceModel",
    "fit_confidence",
    "load_confidence",
    "pick_threshold",
    "read_confidence",
    "write_confidence",
]

Floats = npt.NDArray[np.float64]
_C = 1.0  # inverse L2 strength of the logistic regression
_MIN_FLAGGED = 30  # fewest training rows a threshold may rest on


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    """Standardised logistic regression over ``FEATURES`` plus the threshold."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    """Probability from which the top suggestion is flagged confident."""

    def probability(self, features: Floats) -> Floats:
        """Return P(top suggestion right at 6 digits) for each row of ``features``."""
        z = (np.atleast_2d(features) - np.array(self.mean)) / np.array(self.scale)
        logits = z @ np.array(self.coef) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))


def _wilson_low(hits: float, n: int, z: float = 1.96) -> float:
    p = hits / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n)


def pick_threshold(probs: Floats, right: npt.NDArray[np.bool_], target: float) -> float:
    """Return the lowest probability whose flagged rows are right >= ``target``.

    Rows are flagged from the most probable down; the threshold is the last
    cut where the Wilson 95 % lower bound of their accuracy still reaches
    ``target`` (at least 30 rows). Above 1 (nothing flagged) when none does.

    Args:
        probs: Held-back probabilities of the training rows.
        right: Whether each row's top suggestion was right.
        target: Accuracy the flagged rows must keep (e.g. 0.85).
    """
    order = np.argsort(-probs, kind="stable")
    hits = np.cumsum(right[order])
    best = 1.01
    for m in range(_MIN_FLAGGED, len(order) + 1):
        if _wilson_low(float(hits[m - 1]), m) >= target:
            best = float(probs[order[m - 1]])
    return best


def _fit_lr(
    x: Floats, y: npt.NDArray[np.bool_]
) -> tuple[Floats, Floats, Floats, float]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=_C, max_iter=1000).fit((x - mean) / scale, y)
    return mean, scale, lr.coef_[0], float(lr.intercept_[0])


def fit_confidence(
    features: Floats, right: npt.NDArray[np.bool_], target: float = 0.85
) -> ConfidenceModel:
    """Fit the confidence model and its threshold on held-back predictions.

    Args:
        features: One row of ``FEATURES`` per held-back prediction.
        right: Whether its top suggestion was the right 6-digit code.
        target: Accuracy the confident answers must keep.
    """
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(right, dtype=bool)
    inner = np.zeros(len(y))
    for fit_rows, held in StratifiedKFold(5, shuffle=True, random_state=0).split(
        features, y
    ):
        mean, scale, coef, icpt = _fit_lr(features[fit_rows], y[fit_rows])
        model = ConfidenceModel(tuple(mean), tuple(scale), tuple(coef), icpt, 1.0)
        inner[held] = model.probability(features[held])
    mean, scale, coef, icpt = _fit_lr(features, y)
    return ConfidenceModel(
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        tuple(map(float, coef)),
        icpt,
        pick_threshold(inner, y, target),
    )


def write_confidence(model: ConfidenceModel, path: Path, source: str) -> None:
    """Write ``model`` as CSV (``feature,mean,scale,coef,source,effective_date``)."""
    rows = [
        (name, m, s, c)
        for name, m, s, c in zip(
            FEATURES, model.mean, model.scale, model.coef, strict=True
        )
    ]
    rows += [("intercept", 0.0, 1.0, model.intercept)]
    rows += [("threshold", 0.0, 1.0, model.threshold)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["feature", "mean", "scale", "coef", "source", "effective_date"])
        for name, m, s, c in rows:
            out.writerow(
                [name, f"{m:.6g}", f"{s:.6g}", f"{c:.6g}", source, "2026-12-06"]
            )


def read_confidence(rows: Iterable[Mapping[str, str]]) -> ConfidenceModel:
    """Return the model of CSV rows written by :func:`write_confidence`.

    Raises:
        ValueError: when a feature, the intercept or the threshold is missing.
    """
    by = {r["feature"]: r for r in rows}
    missing = [f for f in (*FEATURES, "intercept", "threshold") if f not in by]
    if missing:
        raise ValueError(f"confidence model lacks {missing}")
    col = {c: tuple(float(by[f][c]) for f in FEATURES) for c in ("mean", "scale")}
    return ConfidenceModel(
        col["mean"],
        col["scale"],
        tuple(float(by[f]["coef"]) for f in FEATURES),
        float(by["intercept"]["coef"]),
        float(by["threshold"]["coef"]),
    )


@functools.cache
def load_confidence() -> ConfidenceModel:
    """Return the packaged confidence model (``data/hs_confidence.csv``)."""
    return read_confidence(read_packaged_csv("hs_confidence.csv"))
