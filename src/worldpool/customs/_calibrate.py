"""Out-of-fold predictions and the packaged calibration (a developer tool).

Run when the packaged labelled products or the model change, never at run time::

    python -m worldpool.customs._calibrate

It fits the suggester ``folds`` times, each time without one fold of the
packaged labelled products (and every product with the same text), predicts
that fold, and fits :class:`worldpool.customs.answer.Calibration` and the
confidence model (:mod:`worldpool.customs._confidence`) on those held-back
predictions; it writes ``data/hs_calibration.csv`` and
``data/hs_confidence.csv``. The benchmark uses the same functions to calibrate
without ever seeing the rows it scores.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from worldpool.customs._confidence import (
    ConfidenceModel,
    fit_confidence,
    write_confidence,
)
from worldpool.customs._evidence import FEATURES
from worldpool.customs.answer import Calibration, fit_calibration, write_calibration
from worldpool.customs.examples import Example
from worldpool.customs.suggest import HsSuggester, HsSuggestion

__all__ = [
    "calibration_pairs",
    "folds_of",
    "norm",
    "out_of_fold",
    "right_at_top",
    "without",
]

Floats = npt.NDArray[np.float64]
Fitter = Callable[[tuple[Example, ...]], HsSuggester]


def norm(text: str) -> str:
    """Return ``text`` lower-cased with single spaces (the key for leakage checks)."""
    return " ".join(text.lower().split())


def folds_of(n: int, k: int, seed: int) -> list[list[int]]:
    """Return ``k`` disjoint lists of row indexes in a seeded random order."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def without(pool: Sequence[Example], texts: Sequence[str]) -> tuple[Example, ...]:
    """Return ``pool`` less every example whose text (or title) is one of ``texts``."""
    held = {norm(t) for t in texts} | {norm(t.split(" ; ")[0]) for t in texts}
    return tuple(
        e
        for e in pool
        if norm(e.text) not in held and norm(e.text.split(" ; ")[0]) not in held
    )


def out_of_fold(
    texts: Sequence[str],
    pool: Sequence[Example],
    fit: Fitter,
    folds: int = 5,
    seed: int = 0,
) -> tuple[list[tuple[HsSuggestion, ...]], Floats]:
    """Return the top-3 suggestions of each text from a model that never saw it.

    Args:
        texts: Labelled product texts to predict.
        pool: Labelled products to train on (those matching a fold are left out).
        fit: Fits a suggester on a tuple of examples.
        folds: Number of folds.
        seed: Seed of the fold assignment.

    Returns:
        The suggestions and the agreement features (``_evidence.FEATURES``)
        of each text.
    """
    found: list[tuple[HsSuggestion, ...]] = [() for _ in texts]
    features = np.zeros((len(texts), len(FEATURES)))
    for fold in folds_of(len(texts), folds, seed):
        model = fit(without(pool, [texts[i] for i in fold]))
        tops, rows = model.suggest_with_evidence([texts[i] for i in fold])
        for n, (i, top) in enumerate(zip(fold, tops, strict=True)):
            found[i], features[i] = top, rows[n]
    return found, features


def right_at_top(
    found: Sequence[Sequence[HsSuggestion]], gold: Sequence[str]
) -> npt.NDArray[np.bool_]:
    """Return whether each top suggestion is the gold 6-digit code."""
    return np.array(
        [bool(f) and f[0].code == g for f, g in zip(found, gold, strict=True)]
    )


def calibration_pairs(
    found: Sequence[Sequence[HsSuggestion]], gold: Sequence[str]
) -> tuple[list[tuple[float, bool]], list[tuple[float, bool]]]:
    """Return (share, right) pairs of the top suggestions and of the others."""
    top: list[tuple[float, bool]] = []
    other: list[tuple[float, bool]] = []
    for suggestions, code in zip(found, gold, strict=True):
        for rank, s in enumerate(suggestions):
            (top if rank == 0 else other).append((s.confidence, s.code == code))
    return top, other


def packaged_calibration(folds: int = 5) -> tuple[Calibration, ConfidenceModel]:
    """Fit the calibration and the confidence model on out-of-fold predictions."""
    from worldpool.customs.examples import packaged_examples, tariff_lines
    from worldpool.customs.nomenclature import load_nomenclature

    pool = packaged_examples()
    nomenclature, lines = load_nomenclature(), tariff_lines()

    def fit(train: tuple[Example, ...]) -> HsSuggester:
        """Fit the default suggester on ``train``."""
        return HsSuggester().fit(nomenclature, lines, train)

    texts, gold = [e.text for e in pool], [e.hs6 for e in pool]
    found, features = out_of_fold(texts, pool, fit, folds)
    calibration = fit_calibration(*calibration_pairs(found, gold))
    return calibration, fit_confidence(features, right_at_top(found, gold))


if __name__ == "__main__":
    data = Path(__file__).parent / "data"
    calibration, confidence = packaged_calibration()
    how = "5-fold out-of-fold predictions of hs_labeled.csv.gz"
    write_calibration(calibration, data / "hs_calibration.csv", f"isotonic on {how}")
    write_confidence(
        confidence, data / "hs_confidence.csv", f"logistic regression on {how}"
    )
    print(f"wrote {data}/hs_calibration.csv, hs_confidence.csv", file=sys.stderr)
