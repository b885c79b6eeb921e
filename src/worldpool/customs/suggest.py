"""HS code suggestion: a hierarchical TF-IDF model over the nomenclature and examples.

A product text is compared (cosine, TF-IDF of word 1-2-grams and character
3-5-grams) with three kinds of labelled text:

* the HS 2022 subheading texts, each prefixed by its chapter and heading text;
* the national tariff lines (US HTS8, EU/UK CN8), whose descriptions are
  thousands more labelled pieces of text for their 6-digit subheading;
* labelled products (packaged examples plus the user's confirmed codes).

The score of a subheading adds its centroid similarity, its heading's
centroid similarity (the hierarchical part: a code inherits the evidence of
its heading), its best national line, the similarity-weighted votes of
the nearest labelled products for the code and for its heading, the margin of
a linear chapter classifier (a support vector machine on the word TF-IDF of
all the labelled text: a discriminative chapter prior), and the evidence of
the commodity glossary (everyday product words mapped to HS codes, see
:mod:`worldpool.customs.glossary`). Suggestions carry the reason: the heading
text matched, the glossary term and the nearest labelled product.

With ``HsParams(embeddings=True)`` and the ``embeddings`` extra installed, the
same evidence measured in sentence-embedding space is added to the score (see
:mod:`worldpool.customs.semantic`).

References:
    Salton, G. & Buckley, C. (1988). Term-weighting approaches in automatic
    text retrieval. Information Processing & Management 24(5), 513-523.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.preprocessing import normalize

from worldpool.customs._chapters import ChapterModel
from worldpool.customs._evidence import FEATURES, ScoreParts, evidence
from worldpool.customs._params import HsParams
from worldpool.customs._tfidf import group_matrix, pruned, vectorizers
from worldpool.customs.examples import Example
from worldpool.customs.glossary import Glossary, load_glossary
from worldpool.customs.nomenclature import Nomenclature
from worldpool.customs.zh_terms import to_english

if TYPE_CHECKING:
    from worldpool.customs.embed import TextEncoder
    from worldpool.customs.semantic import SemanticScorer

__all__ = ["ExampleIndex", "HsParams", "HsSuggester", "HsSuggestion"]

Floats = npt.NDArray[np.float64]
_CHUNK = 128


@dataclass(frozen=True, slots=True)
class HsSuggestion:
    """One suggested 6-digit HS code with its confidence and the reason."""

    code: str
    """Six-digit HS 2022 subheading, e.g. ``711719``."""
    confidence: float
    """Share of the softmax over all subheadings, in [0, 1] (a ranking score;
    :mod:`worldpool.customs.answer` turns it into a calibrated probability)."""
    description: str
    """Official subheading text."""
    heading: str
    """Official text of the 4-digit heading."""
    reason: str
    """Why: the heading text matched and the most similar labelled product."""


@dataclass(frozen=True, slots=True)
class ExampleIndex:
    """Extra labelled products (a seller's corrections) in the fitted space.

    Built by :meth:`HsSuggester.index` without refitting: their votes are
    added to the packaged model's score at query time.
    """

    examples: tuple[Example, ...]
    vectors: sparse.csr_matrix
    """(features x examples) TF-IDF columns."""
    labels: npt.NDArray[np.int64]
    """Subheading index of each example."""


class HsSuggester:
    """Suggests HS codes; :meth:`fit` learns, :meth:`suggest` ranks.

    Args:
        params: Model settings.
        encoder: Sentence encoder for ``params.embeddings`` (default: the
            packaged all-MiniLM-L6-v2 with the user cache folder).
        glossary: Commodity glossary for ``params.glossary`` (default: the
            packaged one).
    """

    def __init__(
        self,
        params: HsParams | None = None,
        encoder: TextEncoder | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.params = params or HsParams()
        self.encoder = encoder
        self.glossary = glossary
        self.semantic_: SemanticScorer | None = None
        self.chapters_: ChapterModel | None = None
        self.glossary_: Glossary | None = None

    def fit(
        self,
        nomenclature: Nomenclature,
        lines: Sequence[Example],
        examples: Sequence[Example] = (),
    ) -> HsSuggester:
        """Learn from the nomenclature, national tariff lines and labelled products.

        Args:
            nomenclature: The HS edition whose subheadings are the labels.
            lines: National tariff line texts labelled with their subheading.
            examples: Labelled products (never the ones you evaluate on).

        Returns:
            ``self``, fitted.
        """
        self.nomenclature_ = nomenclature
        codes = nomenclature.subheadings()
        self.codes_ = np.array(codes)
        index = {c: i for i, c in enumerate(codes)}
        heads = sorted({c[:4] for c in codes})
        self.code_heading_ = np.array([heads.index(c[:4]) for c in codes])
        docs = [" ; ".join(nomenclature.path(c)) for c in codes]
        kept = [ln for ln in lines if ln.hs6 in index]
        docs += [f"{nomenclature.describe(ln.hs6[:4])} ; {ln.text}" for ln in kept]
        labels = np.array(list(range(len(codes))) + [index[ln.hs6] for ln in kept])
        self.examples_ = [e for e in examples if e.hs6 in index]
        self.example_labels_ = np.array(
            [index[e.hs6] for e in self.examples_], dtype=np.int64
        )
        self.example_weights_ = np.array(
            [self._source_weight(e.source) for e in self.examples_]
        )
        self.words_, self.chars_ = vectorizers(self.params.char_features)
        corpus = docs + [e.text for e in self.examples_]
        # One pass over the corpus: fit and transform together, then split.
        words = self.words_.fit_transform(corpus)
        vectors = normalize(
            sparse.hstack([words, self.chars_.fit_transform(corpus)]).tocsr()
        )
        self._fit_matrices(vectors, len(docs), labels, len(heads))
        if self.params.w_chapter_model > 0:
            self.chapters_ = ChapterModel().fit(
                words, np.concatenate([labels, self.example_labels_]), codes, len(docs)
            )
        if self.params.glossary:
            self.glossary_ = self.glossary or load_glossary()
            self.glossary_codes_ = self.glossary_.code_matrix(
                codes,
                (
                    self.params.w_glossary_chapter,
                    self.params.w_glossary_heading,
                    self.params.w_glossary_subheading,
                ),
            )
        if self.params.embeddings:
            self.semantic_ = self._fit_semantic(docs, labels)
        return self

    def _source_weight(self, source: str) -> float:
        for prefix, weight in self.params.source_weights:
            if source.startswith(prefix):
                return weight
        return 1.0

    def index(self, examples: Sequence[Example]) -> ExampleIndex:
        """Return ``examples`` (e.g. a seller's corrections) in the fitted space.

        Costs one TF-IDF transform of their texts, no refit; codes that are
        not HS 2022 subheadings are skipped.
        """
        codes = {str(c): i for i, c in enumerate(self.codes_)}
        kept = tuple(e for e in examples if e.hs6 in codes)
        vectors = self._vectors([to_english(e.text) for e in kept]).T.tocsr()
        labels = np.array([codes[e.hs6] for e in kept], dtype=np.int64)
        return ExampleIndex(kept, vectors, labels)

    def _fit_semantic(
        self, docs: list[str], labels: npt.NDArray[np.int64]
    ) -> SemanticScorer:
        from worldpool.customs.embed import default_encoder
        from worldpool.customs.semantic import SemanticScorer, SemanticWeights

        p = self.params
        weights = SemanticWeights(
            subheading=p.w_embed_subheading,
            heading=p.w_embed_heading,
            line=p.w_embed_line,
            examples=p.w_embed_examples,
            examples_heading=p.w_embed_examples_heading,
            neighbours=p.neighbours,
            vote_power=p.embed_vote_power,
        )
        scorer = SemanticScorer(self.encoder or default_encoder(), weights)
        return scorer.fit(
            docs,
            labels,
            self.code_heading_,
            [e.text for e in self.examples_],
            self.example_labels_,
        )

    def _fit_matrices(
        self,
        vectors: sparse.csr_matrix,
        n_docs: int,
        labels: npt.NDArray[np.int64],
        n_heads: int,
    ) -> None:
        docs = vectors[:n_docs]
        members = group_matrix(labels, len(self.codes_))
        sums = members @ docs
        self.sub_centroids_ = pruned(normalize(sums).T.tocsr(), self.params.prune)
        heading_members = group_matrix(self.code_heading_, n_heads)
        self.head_centroids_ = normalize(heading_members @ sums).T.tocsr()
        # Order documents by label so that a maximum per code is one reduceat.
        order = np.argsort(labels, kind="stable")
        self.docs_ = pruned(docs[order].T.tocsr(), self.params.prune)
        self.doc_starts_ = np.searchsorted(labels[order], np.arange(len(self.codes_)))
        self.example_vectors_ = (
            vectors[n_docs:].T.tocsr() if vectors.shape[0] > n_docs else None
        )

    def _vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._features(texts)[1]

    def _features(
        self, texts: Sequence[str]
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Return the word TF-IDF rows and the normalised word + char rows."""
        words = self.words_.transform(texts)
        both = sparse.hstack([words, self.chars_.transform(texts)])
        return words, normalize(both.tocsr())

    def scores(self, texts: Sequence[str], extra: ExampleIndex | None = None) -> Floats:
        """Return the (texts x subheadings) score matrix (higher is better).

        Args:
            texts: Product texts (title, description, attributes).
            extra: A seller's own labelled products, voting with ``w_seller``.
        """
        parts = [
            self._chunk_scores(texts[i : i + _CHUNK], extra)
            for i in range(0, len(texts), _CHUNK)
        ]
        return np.vstack(parts) if parts else np.zeros((0, len(self.codes_)))

    def _chunk_scores(
        self, texts: Sequence[str], extra: ExampleIndex | None = None
    ) -> Floats:
        return self._chunk_parts(texts, extra).total

    def _chunk_parts(
        self, texts: Sequence[str], extra: ExampleIndex | None = None
    ) -> ScoreParts:
        p = self.params
        words, q = self._features(texts)
        n, n_codes = len(texts), len(self.codes_)
        centroid = p.w_subheading * (q @ self.sub_centroids_).toarray()
        centroid += (
            p.w_heading * (q @ self.head_centroids_).toarray()[:, self.code_heading_]
        )
        line = p.w_line * np.maximum.reduceat(
            (q @ self.docs_).toarray(), self.doc_starts_, axis=1
        )
        total = centroid + line
        votes, sims = np.zeros((n, n_codes)), np.zeros((n, 0))
        if self.example_vectors_ is not None:
            sims = (q @ self.example_vectors_).toarray()
            votes = self._votes(sims, self.example_labels_, self.example_weights_)
            heads = np.zeros((n, self.code_heading_.max() + 1))
            np.add.at(heads.T, self.code_heading_, votes.T)
            total += p.w_examples * votes
            total += p.w_examples_heading * heads[:, self.code_heading_]
        chapter = glossary = np.zeros((n, n_codes))
        if self.chapters_ is not None:
            chapter = p.w_chapter_model * self.chapters_.margins(words)
            total += chapter
        if self.glossary_ is not None:
            terms = self.glossary_.term_matrix(texts)
            glossary = (terms @ self.glossary_codes_).toarray()
            total += glossary
        if self.semantic_ is not None:
            total += self.semantic_.scores(texts)
        if extra is not None and len(extra.labels):
            own = self._votes((q @ extra.vectors).toarray(), extra.labels, None)
            total += p.w_seller * own
            votes = votes + own
        total = np.asarray(total, dtype=np.float64)
        return ScoreParts(total, centroid, line, chapter, glossary, votes, sims)

    def _votes(
        self,
        sims: Floats,
        labels: npt.NDArray[np.int64],
        source_weights: Floats | None,
    ) -> Floats:
        k = min(self.params.neighbours, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        weights = np.take_along_axis(sims, top, axis=1) ** self.params.vote_power
        if source_weights is not None:
            weights = weights * source_weights[top]
        votes = np.zeros((sims.shape[0], len(self.codes_)))
        rows = np.repeat(np.arange(sims.shape[0]), k)
        np.add.at(votes, (rows, labels[top].ravel()), weights.ravel())
        return votes

    def suggest(self, text: str, k: int = 3) -> tuple[HsSuggestion, ...]:
        """Return the ``k`` best 6-digit codes for one product text.

        Args:
            text: Title, description and attributes of the product.
            k: Number of suggestions.
        """
        return self.suggest_many([text], k)[0]

    def suggest_many(
        self, texts: Sequence[str], k: int = 3, extra: ExampleIndex | None = None
    ) -> list[tuple[HsSuggestion, ...]]:
        """Return the ``k`` best codes for each text (batched, faster per text).

        Args:
            texts: Product texts.
            k: Number of suggestions per text.
            extra: A seller's own labelled products (see :meth:`index`).
        """
        return self.suggest_with_evidence(texts, k, extra)[0]

    def suggest_with_evidence(
        self, texts: Sequence[str], k: int = 3, extra: ExampleIndex | None = None
    ) -> tuple[list[tuple[HsSuggestion, ...]], Floats]:
        """Return :meth:`suggest_many`'s answer and the agreement features.

        The second item has one row of :data:`worldpool.customs._evidence.FEATURES`
        per text (how much the independent votes agree on its top code); the
        confidence model turns it into a probability.
        """
        # Chinese titles are classified through their English product words.
        texts = [to_english(t) for t in texts]
        out: list[tuple[HsSuggestion, ...]] = []
        rows = [np.zeros((0, len(FEATURES)))]
        for start in range(0, len(texts), _CHUNK):
            chunk = texts[start : start + _CHUNK]
            parts = self._chunk_parts(chunk, extra)
            out += self._rank(chunk, parts.total, k, extra)
            rows.append(
                evidence(
                    parts,
                    chunk,
                    self.code_heading_,
                    self.example_labels_,
                    self.params.temperature,
                )
            )
        return out, np.vstack(rows)

    def _rank(
        self,
        texts: Sequence[str],
        scores: Floats,
        k: int,
        extra: ExampleIndex | None = None,
    ) -> list[tuple[HsSuggestion, ...]]:
        shifted = (scores - scores.max(axis=1, keepdims=True)) / self.params.temperature
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        top = np.argsort(-scores, axis=1)[:, :k]
        nearest = self._nearest(texts, extra)
        terms = [self._terms(t) for t in texts]
        return [
            tuple(
                self._suggestion(int(j), float(probs[i, j]), nearest[i], terms[i])
                for j in row
            )
            for i, row in enumerate(top)
        ]

    def _terms(self, text: str) -> list[tuple[str, str]]:
        """Return the (term, code) pairs of the glossary terms in ``text``."""
        if self.glossary_ is None:
            return []
        found = dict.fromkeys(self.glossary_.match(text))
        return [(t, c) for t in found for c in self.glossary_.codes(t)]

    def _nearest(
        self, texts: Sequence[str], extra: ExampleIndex | None = None
    ) -> list[Example | None]:
        if self.example_vectors_ is None:
            return [None] * len(texts)
        q = self._vectors(texts)
        sims = (q @ self.example_vectors_).toarray()
        found: list[Example | None] = [self.examples_[int(i)] for i in sims.argmax(1)]
        if extra is not None and len(extra.labels):
            own = (q @ extra.vectors).toarray()
            for row, i in enumerate(own.argmax(axis=1)):
                if own[row, i] >= sims[row].max():
                    found[row] = extra.examples[int(i)]
        return found

    def _suggestion(
        self,
        j: int,
        confidence: float,
        nearest: Example | None,
        terms: list[tuple[str, str]],
    ) -> HsSuggestion:
        code = str(self.codes_[j])
        heading = self.nomenclature_.describe(code[:4])
        reason = f"heading {code[:4]} '{heading}'"
        named = [(t, c) for t, c in terms if code.startswith(c)]
        if named:
            term, prefix = max(named, key=lambda pair: len(pair[1]))
            reason += f"; glossary '{term}' -> {prefix}"
        if nearest is not None and nearest.hs6[:4] == code[:4]:
            reason += f"; similar labelled product ({nearest.source}, {nearest.hs6}): "
            reason += f"'{nearest.text[:80]}'"
        return HsSuggestion(
            code=code,
            confidence=round(confidence, 4),
            description=self.nomenclature_.describe(code),
            heading=heading,
            reason=reason,
        )
