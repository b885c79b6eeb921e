from __future__ import annotations

from worldpool.customs.service import suggest_hs
from worldpool.customs.zh_terms import has_cjk, load_zh_terms, to_english


def test_chinese_words_become_english_longest_first() -> None:
    """Chinese product words map to English, longest term first; Latin text stays."""
    assert to_english("不锈钢保温杯 500ml") == "stainless steel vacuum flask 500ml"
    assert to_english("充电宝 20000mAh") == "power bank 20000mAh"
    assert to_english("美利奴羊毛", {"羊毛": "wool", "美利奴羊毛": "merino wool"}) == (
        "merino wool"
    )
    assert to_english("plain English title") == "plain English title"
    assert has_cjk("女童") and not has_cjk("girls")


def test_dictionary_rows_are_sourced() -> None:
    """Every dictionary row has an English term (the CSV carries source and date)."""
    terms = load_zh_terms()
    assert len(terms) > 150 and all(v.strip() for v in terms.values())


def test_chinese_titles_get_sensible_headings() -> None:
    """A vacuum flask and a power bank titled in Chinese get their HS headings first."""
    assert suggest_hs("不锈钢保温杯 500ml", 3)[0].code.startswith("9617")
    assert suggest_hs("充电宝 20000mAh", 3)[0].code.startswith("8507")
