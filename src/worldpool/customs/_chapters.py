"""A linear chapter classifier: the discriminative prior of the HS suggester.

A one-vs-rest linear support vector machine (liblinear) on the word TF-IDF of
the HS texts, the national tariff lines and the labelled products predicts
the 2-digit chapter; its margin for a chapter is added to the score of every
subheading in it. Labelled products weigh more than reference texts because
they are written like the queries. Fitting takes a few seconds on one core.

References:
    Fan, R.-E. et al. (2008). LIBLINEAR: a library for large linear
    classification. Journal of Machine Learning Research 9, 1871-1874.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC

__all__ = ["ChapterModel"]

Floats = npt.NDArray[np.float64]
_EXAMPLE_WEIGHT = 5.0
_MISSING = -2.0  # margin of a chapter the classifier never saw (surely "no")


class ChapterModel:
    """Margins of a linear SVM over chapters, spread to subheadings.

    Args:
        c: Inverse regularisation strength of the SVM.
    """

    def __init__(self, c: float = 0.5) -> None:
        self.c = c
        self.svm_: LinearSVC | None = None

    def fit(
        self,
        words: sparse.csr_matrix,
        labels: npt.NDArray[np.int64],
        codes: Sequence[str],
        n_reference: int,
    ) -> ChapterModel:
        """Learn chapters from word TF-IDF rows.

        Args:
            words: One row per text: the reference texts first, then the
                labelled products.
            labels: Subheading index (into ``codes``) of each row.
            codes: The 6-digit subheadings.
            n_reference: How many leading rows are reference texts.

        Returns:
            ``self``, fitted (a single chapter leaves it without a model).
        """
        chapters = np.array([c[:2] for c in codes])[labels]
        self.n_codes_ = len(codes)
        if len(set(chapters.tolist())) < 2:
            return self
        weights = np.ones(len(labels))
        weights[n_reference:] = _EXAMPLE_WEIGHT
        svm = LinearSVC(C=self.c)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            svm.fit(words, chapters, sample_weight=weights)
        column = {str(c): i for i, c in enumerate(svm.classes_)}
        self.columns_ = np.array([column.get(c[:2], -1) for c in codes])
        self.svm_ = svm
        return self

    def margins(self, words: sparse.csr_matrix) -> Floats:
        """Return the (texts x subheadings) margin of each code's chapter.

        Args:
            words: Word TF-IDF rows of the queries.
        """
        if self.svm_ is None:
            return np.zeros((words.shape[0], self.n_codes_))
        scores = np.asarray(self.svm_.decision_function(words), dtype=np.float64)
        if scores.ndim == 1:  # two chapters: one margin for the second
            scores = np.column_stack([-scores, scores])
        out = scores[:, np.maximum(self.columns_, 0)]
        out[:, self.columns_ < 0] = _MISSING
        return out
