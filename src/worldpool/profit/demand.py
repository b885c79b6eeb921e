"""Demand of a SKU in markets it has not sold in, from its own and similar SKUs' sales.

A SKU's expected revenue in market m combines three estimates over the
markets it has no sales in, each a share of those markets:

* the **market prior**: every other SKU's recent revenue in m (exponentially
  weighted, half-life ``half_life_days``), which follows where the business
  is growing;
* the **neighbours' revenue mix**: the markets of the ``neighbours`` most
  similar SKUs that do sell beyond the target's known markets, each giving
  the shares of its sales across those markets. Similarity is the cosine of
  the titles' TF-IDF word vectors (similar products sell to similar buyers,
  the cold-start case), plus ``buyer_weight`` x the cosine of buyer sets
  when the caller has them (:class:`worldpool.profit.buyers.BuyerIndex`);
* the **neighbours' reach**: the similarity-weighted share of those
  neighbours that sold in m at all (one big order in m moves the mix, not
  the reach).

* the **customer reach** (when the caller has buyers by market): over the
  ``neighbours`` SKUs most bought by the target's own buyers (co-buyer
  cosine), the similarity-weighted mean of their distinct buyers in m -- the
  expected number of m's customers who take the target. Markets in this data
  are a few wholesale customers each; a market whose buyers already take the
  target's co-bought items is likely to take the target too.

The factors are combined geometrically, ``prior^a x mix^b x reach^c x
customers^d`` (each
floored at ``floor`` so one zero does not veto a market), renormalised over
the unknown markets: a market must be big overall *and* fit the product's
segment to rank first, which a linear blend of the prior and the mix does
not require. The exponents a, b, c were calibrated on the first half of the
Online Retail II training year only (months 1-6 predict months 7-12); d was
chosen by SKU-fold cross-validation on four rolling time splits (see
BENCHMARKS.md); with no similar title only the prior speaks.

Shares give the ranking; the level comes from how much the neighbours sell
in the unknown markets relative to the known ones (pooled ratio).

References:
    Sarwar, B., Karypis, G., Konstan, J., Riedl, J. (2001). Item-based
    collaborative filtering recommendation algorithms. WWW '01, 285-295.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from worldpool.errors import InputError

__all__ = ["DemandParams", "MarketHistory", "TitleIndex", "expected_revenue"]

Floats = npt.NDArray[np.float64]
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@dataclass(frozen=True, slots=True)
class DemandParams:
    """Settings of the market demand estimate."""

    neighbours: int = 20
    """Similar SKUs whose market mix is averaged. [K]"""
    prior_exponent: float = 1.0
    """Exponent of the market prior in the geometric blend. [a]"""
    mix_exponent: float = 0.5
    """Exponent of the neighbours' revenue mix in the geometric blend. [b]"""
    reach_exponent: float = 1.0
    """Exponent of the neighbours' reach (share selling there at all). [c]"""
    customer_exponent: float = 0.5
    """Exponent of the customer reach (co-buyer neighbours' buyers per market). [d]"""
    floor: float = 1e-3
    """Added to every share before the blend, so a zero does not veto a market."""
    buyer_weight: float = 0.5
    """Weight of co-buyer similarity added to the title similarity (0: titles only)."""
    half_life_days: float = 30.0
    """Half-life of the recency weighting of the market prior, days."""
    unseen_ratio: float = 0.25
    """Revenue expected in the unknown markets together, as a share of the known
    markets', when no other SKU sold in both (editable default)."""

    def __post_init__(self) -> None:
        exponents = (
            self.prior_exponent,
            self.mix_exponent,
            self.reach_exponent,
            self.customer_exponent,
            self.buyer_weight,
        )
        if self.neighbours < 1 or min(exponents) < 0 or self.floor <= 0:
            raise InputError(
                "neighbours >= 1, exponents and buyer_weight >= 0, floor > 0",
                record="demand",
                field="params",
            )
        if self.unseen_ratio < 0:
            raise InputError(
                "must be >= 0",
                record="demand",
                field="unseen_ratio",
                value=self.unseen_ratio,
            )
        if self.half_life_days <= 0:
            raise InputError(
                "must be > 0",
                record="demand",
                field="half_life_days",
                value=self.half_life_days,
            )


@dataclass(frozen=True, slots=True)
class MarketHistory:
    """Revenue of every SKU in every market over a training window."""

    skus: tuple[str, ...]
    """SKU ids (rows)."""
    markets: tuple[str, ...]
    """Market ids (columns)."""
    revenue: Floats
    """Revenue per SKU and market, shape (skus, markets), one currency."""
    recent: Floats
    """The same, recency-weighted (half-life weights on each sale's age)."""


class TitleIndex:
    """TF-IDF word vectors of SKU titles with an inverted index for cosine look-ups.

    Args:
        titles: One title per SKU (row order of the history).
    """

    def __init__(self, titles: Sequence[str]) -> None:
        words = [set(_WORD.findall(text.lower())) for text in titles]
        df = Counter(w for ws in words for w in ws)
        n = max(len(titles), 1)
        self._idf = {w: math.log(n / (1 + c)) + 1.0 for w, c in df.items()}
        postings: dict[str, list[tuple[int, float]]] = {}
        self._norm = np.ones(len(titles))
        for i, ws in enumerate(words):
            weights = {w: self._idf[w] for w in ws}
            norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
            self._norm[i] = norm
            for w, v in weights.items():
                postings.setdefault(w, []).append((i, v / norm))
        self._post = {
            w: (np.array([i for i, _ in p], dtype=np.intp), np.array([v for _, v in p]))
            for w, p in postings.items()
        }
        self.size = len(titles)

    def similarity(self, title: str) -> Floats:
        """Return the cosine similarity of ``title`` to every indexed title."""
        ws = set(_WORD.findall(title.lower()))
        weights = {w: self._idf.get(w, 0.0) for w in ws}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        sim = np.zeros(self.size)
        for w, v in weights.items():
            hit = self._post.get(w)
            if hit is not None:
                np.add.at(sim, hit[0], hit[1] * v / norm)
        return sim


def _shares(rows: Floats, mask: npt.NDArray[np.bool_]) -> Floats:
    masked = np.where(mask, rows, 0.0)
    total = masked.sum(axis=-1, keepdims=True)
    out: Floats = np.divide(masked, total, out=np.zeros_like(masked), where=total > 0)
    return out


def expected_revenue(
    history: MarketHistory,
    known: Floats,
    similarity: Floats,
    params: DemandParams | None = None,
    exclude: int | None = None,
    buyers: Floats | None = None,
    customers: Floats | None = None,
) -> Floats:
    """Return the SKU's expected revenue in each market it has no sales in.

    Args:
        history: Every SKU's revenue by market (the training window).
        known: The target's revenue in each market over the same window
            (markets with sales are "known" and get 0 in the result).
        similarity: Similarity of the target to each history SKU (>= 0),
            e.g. :meth:`TitleIndex.similarity`.
        params: Neighbours, blend exponents, floor.
        exclude: Row of the target itself in ``history`` (left out).
        buyers: Co-buyer similarity of the target to each history SKU
            (:meth:`worldpool.profit.buyers.BuyerIndex.similarity`, from its
            buyers in its known markets); added to ``similarity`` with weight
            ``params.buyer_weight``. None: titles only.
        customers: Distinct buyers of every history SKU per market, shape
            (skus, markets) (:func:`worldpool.profit.buyers.buyer_counts`),
            read over the co-buyer neighbours given by ``buyers`` (the
            customer reach). None: no customer reach.

    Returns:
        Expected revenue per market, same currency and period as the history.
    """
    p = params or DemandParams()
    unknown = known <= 0
    recent = history.recent.sum(axis=0)
    if exclude is not None:
        recent = recent - history.recent[exclude]
    prior = _shares(recent, unknown)
    reach = np.where(unknown, history.revenue, 0.0).sum(axis=1)
    if buyers is not None:
        similarity = similarity + p.buyer_weight * buyers
    top, sim = _neighbours(similarity, reach > 0, exclude, p.neighbours)
    others = history.revenue.sum(axis=0)
    if exclude is not None:
        others = others - history.revenue[exclude]
    shares, rows, weights = prior, others[None, :], np.ones(1)
    if len(top):
        rows, weights = history.revenue[top], sim[top]
        shares = _blend(prior, rows, weights, unknown, p)
    if buyers is not None and customers is not None and p.customer_exponent > 0:
        near, bsim = _neighbours(buyers, reach > 0, exclude, p.neighbours)
        if len(near):
            crowd = _shares(bsim[near] @ customers[near], unknown)
            shares = _shares(shares * (crowd + p.floor) ** p.customer_exponent, unknown)
    return shares * _level(rows, weights, known, others, p.unseen_ratio)


def _neighbours(
    similarity: Floats,
    eligible: npt.NDArray[np.bool_],
    exclude: int | None,
    k: int,
) -> tuple[npt.NDArray[np.intp], Floats]:
    """Return the ``k`` most similar eligible rows (> 0) and the masked similarity."""
    sim: Floats = np.where(eligible, similarity, 0.0)
    if exclude is not None:
        sim[exclude] = 0.0
    top = np.argsort(-sim, kind="stable")[:k]
    return top[sim[top] > 0], sim


def _blend(
    prior: Floats,
    rows: Floats,
    weights: Floats,
    unknown: npt.NDArray[np.bool_],
    p: DemandParams,
) -> Floats:
    """Return ``prior^a x mix^b x reach^c`` as shares of the unknown markets.

    ``mix`` is the similarity-weighted mean of the neighbours' revenue shares,
    ``reach`` the similarity-weighted share of neighbours with any sale in
    each market (normalised over the unknown markets).
    """
    mix = (weights[:, None] * _shares(rows, unknown)).sum(axis=0) / weights.sum()
    sold = np.where(unknown, rows, 0.0) > 0
    reach = _shares((weights[:, None] * sold).sum(axis=0), unknown)
    log = (
        p.prior_exponent * np.log(prior + p.floor)
        + p.mix_exponent * np.log(mix + p.floor)
        + p.reach_exponent * np.log(reach + p.floor)
    )
    return _shares(np.exp(log), unknown)


def _level(
    rows: Floats, weights: Floats, known: Floats, others: Floats, unseen: float
) -> float:
    """Return the target's expected revenue in its unknown markets, all together.

    With sales somewhere: its known revenue times the ratio "unknown / known
    markets" of the neighbours (pooled), else of every other SKU, else
    ``unseen``. With no sales at all: the neighbours' average unknown-market
    revenue (cold start).
    """
    unknown = known <= 0
    sold = float((weights * np.where(unknown, rows, 0.0).sum(axis=1)).sum())
    if known.sum() <= 0:
        return sold / float(weights.sum())
    base = float((weights * np.where(unknown, 0.0, rows).sum(axis=1)).sum())
    if base > 0:
        return float(known.sum()) * sold / base
    seen = float(np.where(unknown, 0.0, others).sum())
    ratio = float(np.where(unknown, others, 0.0).sum()) / seen if seen > 0 else unseen
    return float(known.sum()) * ratio
