from __future__ import annotations

import numpy as np

from worldpool.customs import Example, HsParams, HsSuggester, Nomenclature
from worldpool.customs.glossary import Glossary, GlossaryTerm, load_glossary


def test_packaged_glossary_codes_exist() -> None:
    """Every packaged glossary row names a real HS 2022 chapter, heading or code."""
    from worldpool.customs import load_nomenclature

    hs = load_nomenclature()
    glossary = load_glossary()
    assert len(glossary.terms) > 300
    assert all(hs.describe(t.code) for t in glossary.terms)
    assert all(t.source for t in glossary.terms)


def test_longest_term_wins_and_plurals_match() -> None:
    """'phone cases' matches the phrase 'phone case', not the word 'phone'."""
    glossary = Glossary(
        [
            GlossaryTerm("phone", "851713", "", "test"),
            GlossaryTerm("phone case", "392690", "", "test"),
            GlossaryTerm("earring", "7117", "", "test"),
        ]
    )
    assert glossary.match("Cute Phone Cases for iPhone") == ["phone case"]
    assert glossary.match("gold EARRINGS and a phone") == ["earring", "phone"]
    assert glossary.match("nothing here") == []


def test_glossary_evidence_reaches_every_code_under_a_heading() -> None:
    """A heading-level term scores all its subheadings and nothing else."""
    glossary = Glossary([GlossaryTerm("wig", "6704", "", "test")])
    codes = ["670411", "670420", "711719"]
    scores = (
        glossary.term_matrix(["lace wig", "mug"])
        @ glossary.code_matrix(codes, (0.5, 1.0, 2.0))
    ).toarray()
    np.testing.assert_allclose(scores, [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])


def test_glossary_moves_a_marketplace_word_to_its_heading(
    small_nomenclature: Nomenclature, hs_examples_small: tuple[Example, ...]
) -> None:
    """A word the nomenclature never uses ranks first only with the glossary."""
    glossary = Glossary([GlossaryTerm("zorblax", "6704", "", "test")])
    text = "Zorblax for parties"
    without = HsSuggester(HsParams(glossary=False)).fit(
        small_nomenclature, (), hs_examples_small
    )
    with_glossary = HsSuggester(glossary=glossary).fit(
        small_nomenclature, (), hs_examples_small
    )
    assert not without.suggest(text, k=1)[0].code.startswith("6704")
    top = with_glossary.suggest(text, k=1)[0]
    assert top.code.startswith("6704")
    assert "glossary 'zorblax'" in top.reason


def test_one_chapter_fits_without_a_chapter_classifier(
    small_nomenclature: Nomenclature,
) -> None:
    """With a single chapter there is nothing to classify: the model still ranks."""
    texts = {c: t for c, t in small_nomenclature.texts.items() if c[:2] == "42"}
    nomenclature = Nomenclature(small_nomenclature.edition, texts, "test")
    model = HsSuggester().fit(nomenclature, ())
    assert model.chapters_ is not None and model.chapters_.svm_ is None
    assert model.suggest("leather handbag", k=1)[0].code.startswith("4202")
