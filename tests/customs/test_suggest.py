from __future__ import annotations

from pathlib import Path

import pytest

from worldpool.customs import (
    Example,
    HsParams,
    HsSuggester,
    Nomenclature,
    load_nomenclature,
)
from worldpool.customs.examples import append_confirmed, read_examples
from worldpool.customs.tariff import duty_rate
from worldpool.errors import InputError


def test_nomenclature_knows_codes() -> None:
    """HS 2022 has 851713 (smartphones) but not the HS 2017 code 851712."""
    hs = load_nomenclature()
    assert hs.exists("8517.13") and hs.exists("8517130000")
    assert not hs.exists("851712")
    assert hs.path("711719")[1] == "Imitation jewellery"


def test_suggests_heading_of_a_plain_product(small_suggester: HsSuggester) -> None:
    """A leather handbag is placed in heading 4202 with a reason naming the heading."""
    top = small_suggester.suggest("Women's genuine leather handbag shoulder bag", k=3)
    assert len(top) == 3
    assert top[0].code.startswith("4202")
    assert "4202" in top[0].reason


def test_suggestions_are_ranked_with_confidences(small_suggester: HsSuggester) -> None:
    """Suggestions are distinct 6-digit codes with confidences in [0, 1], best first."""
    top = small_suggester.suggest("sterling silver ring with zirconia stone", k=5)
    codes = [s.code for s in top]
    assert len(set(codes)) == 5 and all(len(c) == 6 for c in codes)
    confidences = [s.confidence for s in top]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 1 for c in confidences)


def test_batch_matches_single(small_suggester: HsSuggester) -> None:
    """Batched suggestions equal one-by-one suggestions."""
    texts = ["human hair wig lace front", "kids plastic building blocks toy"]
    batch = small_suggester.suggest_many(texts, k=2)
    assert batch == [small_suggester.suggest(t, k=2) for t in texts]


def test_confirmed_code_feeds_back(
    small_nomenclature: Nomenclature, hs_examples_small: tuple[Example, ...]
) -> None:
    """A user's confirmed code makes the same product text rank that code first."""
    text = "Zorblax gizmo widget"
    before = HsSuggester().fit(small_nomenclature, (), hs_examples_small)
    assert before.suggest(text, k=1)[0].code != "950300"
    after = HsSuggester().fit(
        small_nomenclature,
        (),
        (*hs_examples_small, Example(text, "950300", "confirmed")),
    )
    top = after.suggest(text, k=1)[0]
    assert top.code == "950300"
    assert "confirmed" in top.reason


def test_confirmed_examples_file_round_trip(tmp_path: Path) -> None:
    """Confirmed codes appended to a CSV are read back; a bad row names its field."""
    path = tmp_path / "confirmed.csv"
    append_confirmed(path, [Example("blue mug", "691110", "confirmed")])
    assert read_examples(path) == (Example("blue mug", "691110", "confirmed"),)
    path.write_text("text,hs6\nblue mug,69\n")
    with pytest.raises(InputError, match="field 'hs6'"):
        read_examples(path)


def test_params_are_checked() -> None:
    """Impossible settings are refused when the parameters are made."""
    with pytest.raises(ValueError, match="neighbours"):
        HsParams(neighbours=0)


def test_duty_rate_from_packaged_tariffs() -> None:
    """EU CET gives 12 % for porcelain tableware; an unknown code gives None."""
    rate = duty_rate("EU", "691110")
    assert rate is not None and str(rate.rate) == "0.12"
    assert duty_rate("EU", "999999") is None
