"""Selective prediction: the confidence model says when the top HS code is trusted."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from worldpool.customs import HsSuggester
from worldpool.customs._confidence import (
    ConfidenceModel,
    fit_confidence,
    load_confidence,
    pick_threshold,
    read_confidence,
    write_confidence,
)
from worldpool.customs._evidence import FEATURES
from worldpool.customs.answer import Calibration, answer_of
from worldpool.customs.examples import Example
from worldpool.customs.suggest import HsSuggestion

LINEAR = Calibration((0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0))
AGREE = FEATURES.index("nn_agree6")


def _model(threshold: float) -> ConfidenceModel:
    """A model whose probability rises with ``nn_agree6`` alone."""
    coef = tuple(4.0 if i == AGREE else 0.0 for i in range(len(FEATURES)))
    n = len(FEATURES)
    return ConfidenceModel((0.0,) * n, (1.0,) * n, coef, -2.0, threshold)


def _row(agree: float) -> np.ndarray:
    row = np.zeros(len(FEATURES))
    row[AGREE] = agree
    return row


def _s(code: str, share: float) -> HsSuggestion:
    return HsSuggestion(code, share, "", "", "")


def test_threshold_keeps_the_target_accuracy() -> None:
    """Flagged rows (probability >= threshold) are right at least the target share."""
    rng = np.random.default_rng(0)
    probs = rng.uniform(size=2000)
    right = rng.uniform(size=2000) < probs
    threshold = pick_threshold(probs, right, 0.85)
    flagged = probs >= threshold
    assert 0.2 < flagged.mean() < 0.35  # about the top 30 %: mean p (1 + t) / 2
    assert right[flagged].mean() >= 0.85
    # Nothing reaches an impossible target: the threshold flags nothing.
    assert pick_threshold(probs, right, 0.999) > 1


def test_fit_learns_which_agreement_matters(tmp_path: Path) -> None:
    """Rows whose nearest product agrees are right more often: higher probability."""
    rng = np.random.default_rng(1)
    features = rng.normal(size=(1500, len(FEATURES)))
    features[:, AGREE] = rng.uniform(size=1500) < 0.4
    right = rng.uniform(size=1500) < np.where(features[:, AGREE] > 0, 0.93, 0.15)
    model = fit_confidence(features, right)
    agree, disagree = features.copy(), features.copy()
    agree[:, AGREE], disagree[:, AGREE] = 1.0, 0.0
    assert (
        model.probability(agree).mean() > 0.8 > 0.3 > model.probability(disagree).mean()
    )
    # Calibrated: the mean probability is the share right.
    assert abs(model.probability(features).mean() - right.mean()) < 0.02
    flagged = model.probability(features) >= model.threshold
    assert flagged.mean() > 0.25 and right[flagged].mean() >= 0.85
    path = tmp_path / "confidence.csv"
    write_confidence(model, path, "test")
    with path.open(newline="") as handle:
        again = read_confidence(csv.DictReader(handle))
    assert np.allclose(
        again.probability(features), model.probability(features), atol=1e-4
    )


def test_answer_follows_the_confidence_model() -> None:
    """The shown probability and the confident flag come from the model, not the share."""
    found = [_s("610910", 0.99), _s("620520", 0.005)]
    unsure = answer_of(found, LINEAR, 0.85, _row(0.0), _model(0.8))
    assert not unsure.confident and unsure.question_key == "knit_or_woven"
    assert unsure.probability < 0.2  # a 0.99 share is not trusted by itself
    sure = answer_of(
        [_s("610910", 0.3), _s("620520", 0.9)], LINEAR, 0.85, _row(1.0), _model(0.8)
    )
    assert sure.confident and sure.question == "" and sure.probability > 0.8
    # The shortlist never claims more than the top leaves.
    assert sum(s.confidence for s in sure.suggestions) <= 1.0 + 1e-9


def test_packaged_confidence_model_is_complete() -> None:
    """The shipped model has every feature and a threshold a probability can reach."""
    model = load_confidence()
    assert len(model.coef) == len(FEATURES) and 0.5 <= model.threshold <= 1.0
    # Everything agreeing on the top code is trusted; nothing agreeing is not.
    agree = np.array(model.mean) + 2 * np.array(model.scale) * np.sign(model.coef)
    disagree = np.array(model.mean) - 2 * np.array(model.scale) * np.sign(model.coef)
    high, low = model.probability(np.vstack([agree, disagree]))
    assert high > model.threshold > low


def test_evidence_rows_match_the_suggestions(
    small_suggester: HsSuggester, hs_examples_small: tuple[Example, ...]
) -> None:
    """One feature row per text; a known product agrees with its neighbours."""
    known = hs_examples_small[0].text
    texts = [known, "zorblax gizmo deluxe"]
    found, features = small_suggester.suggest_with_evidence(texts, 3)
    assert features.shape == (2, len(FEATURES))
    assert [f[0].code for f in found] == [
        f[0].code for f in small_suggester.suggest_many(texts, 3)
    ]
    nn_sim, nn_agree = FEATURES.index("nn_sim"), FEATURES.index("nn_agree6")
    assert features[0, nn_sim] > 0.99 and features[0, nn_agree] == 1.0
    assert features[1, nn_sim] < features[0, nn_sim]
    model = load_confidence()
    p_known, p_gibberish = model.probability(features)
    assert p_known > p_gibberish
