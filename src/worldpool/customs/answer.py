"""A suggestion a broker can trust: calibrated probability, confident or abstain.

The suggester's softmax share ranks codes but is not a probability. The
calibration maps it to the probability that the code is the right 6-digit
subheading, learnt by isotonic regression on out-of-fold predictions of the
packaged labelled products (``data/hs_calibration.csv``, rebuilt with
``python -m worldpool.customs._calibrate``): one map for the top suggestion,
one for the others. The top suggestion's probability comes from the
confidence model (:mod:`worldpool.customs._confidence`: how much the
suggester's independent votes agree, learnt on held-back predictions), which
ranks answers far better than the share; when it reaches the model's
threshold the answer is **confident**; otherwise it abstains: it shows the
shortlist and the question that would decide it.

References:
    Zadrozny, B. & Elkan, C. (2002). Transforming classifier scores into
    accurate multiclass probability estimates. KDD '02, 694-699.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from worldpool.customs._confidence import ConfidenceModel
from worldpool.customs._questions import QUESTIONS, deciding_question
from worldpool.customs.nomenclature import read_packaged_csv
from worldpool.customs.suggest import HsSuggestion

Floats = npt.NDArray[np.float64]

__all__ = [
    "Calibration",
    "HsAnswer",
    "answer_of",
    "fit_calibration",
    "load_calibration",
    "write_calibration",
]


@dataclass(frozen=True, slots=True)
class Calibration:
    """Piecewise-linear maps from softmax share to probability of being right."""

    top_x: tuple[float, ...]
    top_y: tuple[float, ...]
    other_x: tuple[float, ...]
    other_y: tuple[float, ...]

    def top(self, share: float) -> float:
        """Return P(top suggestion right) for its softmax share (both in [0, 1])."""
        return float(np.interp(share, self.top_x, self.top_y))

    def other(self, share: float) -> float:
        """Return P(a lower-ranked suggestion right) for its softmax share."""
        return float(np.interp(share, self.other_x, self.other_y))


def _isotonic(
    share: Sequence[float], right: Sequence[bool]
) -> tuple[list[float], list[float]]:
    from sklearn.isotonic import IsotonicRegression

    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    model.fit(np.asarray(share, dtype=float), np.asarray(right, dtype=float))
    xs = [0.0, *map(float, model.X_thresholds_), 1.0]
    ys = [float(model.y_thresholds_[0]), *map(float, model.y_thresholds_)]
    ys.append(float(model.y_thresholds_[-1]))
    return xs, ys


def fit_calibration(
    top: Sequence[tuple[float, bool]], other: Sequence[tuple[float, bool]]
) -> Calibration:
    """Fit the maps on held-back predictions.

    Args:
        top: (softmax share, right at 6 digits) of each top suggestion.
        other: The same for the lower-ranked suggestions.
    """
    tx, ty = _isotonic([s for s, _ in top], [r for _, r in top])
    ox, oy = _isotonic([s for s, _ in other], [r for _, r in other])
    return Calibration(tuple(tx), tuple(ty), tuple(ox), tuple(oy))


def write_calibration(cal: Calibration, path: Path, source: str) -> None:
    """Write ``cal`` as CSV (``rank,share,probability,source,effective_date``)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["rank", "share", "probability", "source", "effective_date"])
        for rank, xs, ys in (
            ("top", cal.top_x, cal.top_y),
            ("other", cal.other_x, cal.other_y),
        ):
            for x, y in zip(xs, ys, strict=True):
                out.writerow([rank, f"{x:.6f}", f"{y:.6f}", source, "2026-12-06"])


@functools.cache
def load_calibration() -> Calibration:
    """Return the packaged calibration (``data/hs_calibration.csv``)."""
    rows = list(read_packaged_csv("hs_calibration.csv"))

    def pick(rank: str, col: str) -> tuple[float, ...]:
        """Return column ``col`` of the rows of ``rank``."""
        return tuple(float(r[col]) for r in rows if r["rank"] == rank)

    return Calibration(
        pick("top", "share"),
        pick("top", "probability"),
        pick("other", "share"),
        pick("other", "probability"),
    )


@dataclass(frozen=True, slots=True)
class HsAnswer:
    """An HS suggestion with a calibrated probability, confident or abstaining."""

    suggestions: tuple[HsSuggestion, ...]
    """The shortlist, best first; ``confidence`` is the calibrated probability
    that the code is the right 6-digit subheading."""
    probability: float
    """Calibrated probability that the top suggestion is right (6 digits)."""
    confident: bool
    """True when the top suggestion is very likely right (``probability`` >=
    ``HsParams.confident_at``); False means the answer abstains."""
    question: str
    """English message id of the question that would decide between the
    shortlisted codes (empty when confident); translate with ``i18n.t``."""
    question_key: str
    """Stable key of ``question`` (``knit_or_woven``, ``material``...), empty
    when confident."""


def answer_of(
    found: Sequence[HsSuggestion],
    calibration: Calibration,
    confident_at: float,
    evidence: Floats | None = None,
    confidence: ConfidenceModel | None = None,
) -> HsAnswer:
    """Turn a ranked shortlist into a calibrated, confident-or-abstaining answer.

    With ``evidence`` (the suggester's agreement features of this product)
    and a ``confidence`` model, the top probability is that model's and the
    answer is confident from its threshold; otherwise the top share goes
    through the isotonic map and ``confident_at`` decides. Lower-ranked codes
    always use the isotonic map, capped so the shortlist sums to at most 1.

    Args:
        found: Suggestions, best first, ``confidence`` = softmax share.
        calibration: Maps shares to probabilities.
        confident_at: Probability from which the top suggestion is confident
            (without a confidence model).
        evidence: One row of agreement features (``_evidence.FEATURES``).
        confidence: The confidence model (probability and threshold).
    """
    if not found:
        return HsAnswer((), 0.0, False, QUESTIONS["use"], "use")
    if evidence is not None and confidence is not None:
        probability = float(confidence.probability(evidence)[0])
        confident = probability >= confidence.threshold
    else:
        probability = calibration.top(found[0].confidence)
        confident = probability >= confident_at
    rest = 1.0 - probability
    shown = [replace(found[0], confidence=round(probability, 4))]
    for s in found[1:]:
        p = min(calibration.other(s.confidence), rest)
        rest -= p
        shown.append(replace(s, confidence=round(p, 4)))
    if confident:
        return HsAnswer(tuple(shown), round(probability, 4), True, "", "")
    key = deciding_question([s.code for s in shown])
    return HsAnswer(tuple(shown), round(probability, 4), False, QUESTIONS[key], key)
