"""Co-buyer similarity of SKUs and buyer counts by market: who buys what, where.

Two SKUs bought by the same customers serve the same segment, even when their
titles share no word (a cake stand and a tea set). The similarity of a target
to every indexed SKU is the cosine of their binary buyer sets; the target's
buyers are usually only those in its known markets, so the look-up uses no
sales the target has not made yet.

:func:`buyer_counts` gives each SKU's distinct buyers per market; weighted
over a target's co-buyer neighbours it is the expected number of each
market's buyers who take the target (the customer reach of
:func:`worldpool.profit.demand.expected_revenue`).

References:
    Linden, G., Smith, B., York, J. (2003). Amazon.com recommendations:
    item-to-item collaborative filtering. IEEE Internet Computing 7(1), 76-80.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = ["BuyerIndex", "buyer_counts"]

Floats = npt.NDArray[np.float64]


class BuyerIndex:
    """Binary SKU x buyer matrix with cosine look-ups.

    Args:
        skus: Number of SKUs (rows, the row order of the history).
        pairs: ``(sku_row, buyer_id)`` purchases; repeats count once.
    """

    def __init__(self, skus: int, pairs: Iterable[tuple[int, str]]) -> None:
        rows: list[int] = []
        cols: list[int] = []
        self._buyer: dict[str, int] = {}
        for row, buyer in pairs:
            rows.append(row)
            cols.append(self._buyer.setdefault(buyer, len(self._buyer)))
        matrix = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(skus, len(self._buyer))
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        self._matrix = matrix
        self._norm = np.sqrt(np.asarray(matrix.sum(axis=1), dtype=float).ravel())
        self.size = skus

    def similarity(self, buyers: Sequence[str]) -> Floats:
        """Return the cosine of ``buyers`` (a set) to every SKU's buyers, 0..1."""
        ids = sorted({self._buyer[b] for b in buyers if b in self._buyer})
        if not ids:
            return np.zeros(self.size)
        overlap = np.asarray(self._matrix[:, ids].sum(axis=1), dtype=float).ravel()
        denom = self._norm * np.sqrt(len(set(buyers)))
        out: Floats = np.divide(
            overlap, denom, out=np.zeros(self.size), where=denom > 0
        )
        return out


def buyer_counts(
    skus: int, markets: Sequence[str], triples: Iterable[tuple[int, str, str]]
) -> Floats:
    """Return distinct buyers per SKU and market, shape (skus, markets).

    Args:
        skus: Number of SKUs (rows, the row order of the history).
        markets: Market ids (columns, the column order of the history).
        triples: ``(sku_row, buyer_id, market)`` purchases; repeats count once,
            markets not listed are left out.
    """
    column = {m: j for j, m in enumerate(markets)}
    seen = {(r, b, column[m]) for r, b, m in triples if m in column}
    out: Floats = np.zeros((skus, len(markets)))
    if seen:
        rows, _, cols = zip(*seen, strict=True)
        np.add.at(out, (np.asarray(rows, dtype=np.intp), np.asarray(cols)), 1.0)
    return out
