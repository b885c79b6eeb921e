"""Scores of HS subheadings in sentence-embedding space (the optional extra).

The same evidence as the lexical model, measured with the cosine of sentence
vectors (see :mod:`worldpool.customs.embed`) instead of TF-IDF: a subheading's
centroid (its HS text and national tariff lines), its heading's centroid, its
best single line, and the similarity-weighted votes of the nearest labelled
products for the code and for its heading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from worldpool.customs.embed import TextEncoder

__all__ = ["SemanticScorer", "SemanticWeights"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SemanticWeights:
    """Weights of the embedding evidence in the suggester's score."""

    subheading: float
    heading: float
    line: float
    examples: float
    examples_heading: float
    neighbours: int
    vote_power: float


def _unit(rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = rows / np.maximum(norms, 1e-9)
    return unit


class SemanticScorer:
    """Embedding-space evidence for each subheading.

    Args:
        encoder: Turns texts into unit vectors (cached for reference texts).
        weights: How much each kind of evidence counts.
    """

    def __init__(self, encoder: TextEncoder, weights: SemanticWeights) -> None:
        self.encoder = encoder
        self.weights = weights

    def fit(
        self,
        docs: Sequence[str],
        labels: Ints,
        code_heading: Ints,
        examples: Sequence[str],
        example_labels: Ints,
    ) -> SemanticScorer:
        """Embed the reference texts and build centroids.

        Args:
            docs: HS subheading texts and tariff lines (code index in ``labels``).
            labels: Subheading index of each doc.
            code_heading: Heading index of each subheading.
            examples: Labelled product texts.
            example_labels: Subheading index of each example.

        Returns:
            ``self``, fitted.
        """
        n_codes, n_heads = len(code_heading), int(code_heading.max()) + 1
        vectors = self.encoder.encode_cached(docs)
        sums = np.zeros((n_codes, vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, labels, vectors)
        self.sub_centroids_ = _unit(sums).T.copy()
        heads = np.zeros((n_heads, vectors.shape[1]), dtype=np.float32)
        np.add.at(heads, code_heading, sums)
        self.head_centroids_ = _unit(heads).T.copy()
        order = np.argsort(labels, kind="stable")
        self.docs_ = vectors[order].T.copy()
        self.doc_starts_ = np.searchsorted(labels[order], np.arange(n_codes))
        self.code_heading_ = code_heading
        self.n_heads_ = n_heads
        self.examples_ = self.encoder.encode_cached(examples).T.copy()
        self.example_labels_ = example_labels
        return self

    def scores(self, texts: Sequence[str]) -> Floats:
        """Return the weighted (texts x subheadings) embedding evidence.

        Args:
            texts: Product texts.
        """
        w = self.weights
        q = self.encoder.encode(texts)
        total = w.subheading * (q @ self.sub_centroids_)
        total += w.heading * (q @ self.head_centroids_)[:, self.code_heading_]
        total += w.line * np.maximum.reduceat(q @ self.docs_, self.doc_starts_, axis=1)
        if len(self.example_labels_):
            votes = self._votes(q @ self.examples_)
            heads = np.zeros((len(texts), self.n_heads_))
            np.add.at(heads.T, self.code_heading_, votes.T)
            total += w.examples * votes
            total += w.examples_heading * heads[:, self.code_heading_]
        return np.asarray(total, dtype=np.float64)

    def _votes(self, sims: npt.NDArray[np.float32]) -> Floats:
        k = min(self.weights.neighbours, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        near = np.maximum(np.take_along_axis(sims, top, axis=1), 0)
        weights = near.astype(np.float64) ** self.weights.vote_power
        votes = np.zeros((sims.shape[0], len(self.code_heading_)))
        rows = np.repeat(np.arange(sims.shape[0]), k)
        np.add.at(votes, (rows, self.example_labels_[top].ravel()), weights.ravel())
        return votes
