"""Settings of the HS suggester (see :mod:`worldpool.customs.suggest`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HsParams"]


@dataclass(frozen=True, slots=True)
class HsParams:
    """Settings of :class:`HsSuggester` (weights are unitless score multipliers)."""

    neighbours: int = 20
    """Labelled products that vote for a query."""
    vote_power: float = 2.0
    """Exponent on a neighbour's cosine similarity before it votes."""
    w_subheading: float = 0.5
    """Weight of the subheading centroid similarity."""
    w_heading: float = 0.5
    """Weight of the heading centroid similarity (hierarchical prior)."""
    w_line: float = 1.4
    """Weight of the best national tariff line similarity."""
    w_examples: float = 4.0
    """Weight of labelled-product votes for the subheading."""
    w_examples_heading: float = 1.0
    """Weight of labelled-product votes for the whole heading."""
    w_chapter_model: float = 0.7
    """Weight of the chapter classifier's margin (0 skips fitting it)."""
    glossary: bool = True
    """Add the evidence of the commodity glossary."""
    w_glossary_chapter: float = 1.25
    """Weight of a glossary term that names a 2-digit chapter."""
    w_glossary_heading: float = 1.0
    """Weight of a glossary term that names a 4-digit heading."""
    w_glossary_subheading: float = 2.0
    """Weight of a glossary term that names a 6-digit subheading."""
    temperature: float = 0.3
    """Softmax temperature turning scores into confidences (0.3 minimises the
    cross-validated log-loss of the lexical model: mean top-1 confidence 36 %
    against 33 % top-1 accuracy)."""
    char_features: int = 300_000
    """Most character n-gram features kept."""
    prune: float = 0.04
    """Weights below this are dropped from the document and centroid vectors."""
    embeddings: bool = False
    """Add sentence-embedding evidence (needs the ``embeddings`` extra)."""
    w_embed_subheading: float = 1.0
    """Weight of the subheading centroid cosine in embedding space."""
    w_embed_heading: float = 1.0
    """Weight of the heading centroid cosine in embedding space."""
    w_embed_line: float = 4.0
    """Weight of the best tariff line cosine in embedding space."""
    w_embed_examples: float = 2.0
    """Weight of the embedding-space votes of labelled products for the code."""
    w_embed_examples_heading: float = 1.0
    """Weight of the embedding-space votes for the whole heading."""
    embed_vote_power: float = 4.0
    """Exponent on a neighbour's embedding cosine before it votes."""

    source_weights: tuple[tuple[str, float], ...] = (("uk-fpo-", 1.0),)
    """Vote multiplier of labelled products whose id starts with a prefix
    (others count 1): UK parcel lines are terse, so their weight was chosen
    by cross-validation (see BENCHMARKS.md)."""
    w_seller: float = 8.0
    """Weight of the votes of a seller's own corrections (they overrule the
    packaged examples for the same product)."""
    confident_at: float = 0.85
    """Calibrated probability from which the top suggestion is flagged
    confident (otherwise the answer abstains and asks a question)."""

    def __post_init__(self) -> None:
        if self.neighbours < 1:
            raise ValueError(f"neighbours must be >= 1, got {self.neighbours}")
        if self.temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature}")
