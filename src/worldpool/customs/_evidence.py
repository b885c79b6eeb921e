"""How much the suggester's independent votes agree: features for its confidence.

The softmax share of the top code ranks codes but ranks answers badly: a
share above 0.999 is right only 70-85 % of the time. Whether the answer can
be trusted shows better in *agreement*: do the nearest labelled products
carry the same code, does the best national tariff line, the centroid, the
chapter classifier and the glossary point the same way, how far ahead of the
runner-up is it? :func:`evidence` turns the score parts of one batch into
one row of such features per text; :mod:`worldpool.customs._confidence`
learns from held-back predictions how they map to the probability that the
top code is right.

References:
    Geifman, Y. & El-Yaniv, R. (2017). Selective classification for deep
    neural networks. NeurIPS 30 (risk-coverage curves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["FEATURES", "ScoreParts", "evidence"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

FEATURES: tuple[str, ...] = (
    "log_share",  # log-odds of the top code's softmax share
    "log_heading_share",  # log-odds of the softmax share of its heading
    "gap",  # score of the top code minus the runner-up's
    "nn_sim",  # cosine of the nearest labelled product
    "nn_agree6",  # that product carries the top code
    "nn_agree4",  # ... or at least its heading
    "nn_dup",  # near-duplicate (cosine >= 0.9) with the top code
    "vote_frac6",  # share of the neighbours' votes for the top code
    "vote_frac4",  # ... for its heading
    "agree5",  # of the 5 nearest products, how many carry the top code
    "line_agree6",  # the best tariff line is of the top code
    "line_agree4",  # ... of its heading
    "centroid_agree4",  # the best centroid is of its heading
    "chapter_agree",  # the chapter classifier's best chapter is its chapter
    "chapter_margin",  # that classifier's best margin
    "glossary_hit",  # a glossary term names (a prefix of) the top code
    "glossary_any",  # a glossary term matched at all
    "log_words",  # log(1 + words in the text)
    "support_sim",  # cosine of the nearest labelled product with the top code
    "conflict_sim",  # cosine of the nearest labelled product with another code
)


@dataclass(frozen=True, slots=True)
class ScoreParts:
    """The separate votes of one batch (texts x subheadings unless noted)."""

    total: Floats
    centroid: Floats
    line: Floats
    chapter: Floats
    glossary: Floats
    votes: Floats
    sims: Floats
    """(texts x labelled products) cosines; zero columns when there are none."""


def _logit(p: Floats) -> Floats:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def _softmax(total: Floats, temperature: float) -> Floats:
    shifted = np.exp((total - total.max(axis=1, keepdims=True)) / temperature)
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def evidence(
    parts: ScoreParts,
    texts: Sequence[str],
    heading_of: Ints,
    example_labels: Ints,
    temperature: float,
) -> Floats:
    """Return the (texts x ``FEATURES``) agreement features of the top codes.

    Args:
        parts: Score parts of the batch.
        texts: The batch's texts (for their length).
        heading_of: Heading index of each subheading.
        example_labels: Subheading index of each labelled product.
        temperature: The suggester's softmax temperature.
    """
    n = len(texts)
    rows = np.arange(n)
    order = np.argsort(-parts.total, axis=1)[:, :2]
    top, second = order[:, 0], order[:, min(1, order.shape[1] - 1)]
    head = heading_of[top]
    probs = _softmax(parts.total, temperature)
    same_head = heading_of[None, :] == head[:, None]
    head_share = (probs * same_head).sum(axis=1)
    out = np.zeros((n, len(FEATURES)))
    out[:, 0] = _logit(probs[rows, top])
    out[:, 1] = _logit(head_share)
    out[:, 2] = parts.total[rows, top] - parts.total[rows, second]
    if parts.sims.shape[1]:
        nn = parts.sims.argmax(axis=1)
        nn_sim = parts.sims[rows, nn]
        nn_code = example_labels[nn]
        k = min(5, parts.sims.shape[1])
        near = np.argpartition(-parts.sims, k - 1, axis=1)[:, :k]
        out[:, 3] = nn_sim
        out[:, 4] = nn_code == top
        out[:, 5] = heading_of[nn_code] == head
        out[:, 6] = (nn_sim >= 0.9) & (nn_code == top)
        out[:, 9] = (example_labels[near] == top[:, None]).mean(axis=1)
        same = example_labels[None, :] == top[:, None]
        out[:, 18] = np.where(same, parts.sims, 0.0).max(axis=1)
        out[:, 19] = np.where(same, 0.0, parts.sims).max(axis=1)
    vote_total = parts.votes.sum(axis=1) + 1e-9
    out[:, 7] = parts.votes[rows, top] / vote_total
    out[:, 8] = (parts.votes * same_head).sum(axis=1) / vote_total
    best_line = parts.line.argmax(axis=1)
    out[:, 10] = best_line == top
    out[:, 11] = heading_of[best_line] == head
    out[:, 12] = heading_of[parts.centroid.argmax(axis=1)] == head
    chapter = parts.chapter.argmax(axis=1)
    out[:, 13] = parts.chapter[rows, chapter] <= parts.chapter[rows, top]
    out[:, 14] = parts.chapter[rows, chapter]
    out[:, 15] = parts.glossary[rows, top] > 0
    out[:, 16] = parts.glossary.max(axis=1) > 0
    out[:, 17] = np.log1p([len(t.split()) for t in texts])
    return out
