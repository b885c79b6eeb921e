"""TF-IDF pieces of the HS suggester (vectorizers, pruning, group sums)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["group_matrix", "pruned", "vectorizers"]


def vectorizers(char_features: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """Return the word 1-2-gram and character 3-5-gram TF-IDF vectorizers."""
    words = TfidfVectorizer(
        sublinear_tf=True, ngram_range=(1, 2), stop_words="english", dtype=np.float32
    )
    chars = TfidfVectorizer(
        sublinear_tf=True,
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=2,
        max_features=char_features,
        dtype=np.float32,
    )
    return words, chars


def pruned(matrix: sparse.csr_matrix, threshold: float) -> sparse.csr_matrix:
    """Drop weights below ``threshold`` (they cost time and barely move cosines)."""
    if threshold > 0:
        matrix.data[matrix.data < threshold] = 0
        matrix.eliminate_zeros()
    return matrix


def group_matrix(groups: npt.NDArray[np.int64], n_groups: int) -> sparse.csr_matrix:
    """Return the (groups x items) 0/1 membership matrix."""
    ones = np.ones(len(groups), dtype=np.float32)
    return sparse.csr_matrix(
        (ones, (groups, np.arange(len(groups)))), shape=(n_groups, len(groups))
    )
