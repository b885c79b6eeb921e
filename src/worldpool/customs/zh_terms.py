"""Chinese product words in English, so Chinese titles can be classified.

The HS suggester reads English (the nomenclature, the glossary and the
labelled examples are English). A title such as ``不锈钢保温杯 500ml`` is
rewritten word by word with the packaged dictionary
(``data/zh_terms.csv``: term_zh, term_en, source, effective_date; an editable
default) before it is classified: the longest Chinese term at each position
wins, and Latin text (``500ml``, ``20000mAh``) is kept. Characters no term
covers are dropped from the English text; the original title is still shown.
"""

from __future__ import annotations

import functools
import re

from worldpool.customs.nomenclature import read_packaged_csv

__all__ = ["has_cjk", "load_zh_terms", "to_english"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """Return True when ``text`` holds a CJK ideograph."""
    return _CJK.search(text) is not None


@functools.lru_cache(maxsize=1)
def load_zh_terms() -> dict[str, str]:
    """Return the packaged dictionary: Chinese term -> English words."""
    return {r["term_zh"]: r["term_en"] for r in read_packaged_csv("zh_terms.csv")}


def to_english(text: str, terms: dict[str, str] | None = None) -> str:
    """Return ``text`` with its Chinese product words replaced by English ones.

    Args:
        text: A product title, in Chinese, English or both.
        terms: Chinese term -> English (default: the packaged dictionary).
    """
    if not has_cjk(text):
        return text
    table = load_zh_terms() if terms is None else terms
    longest = max(map(len, table), default=1)
    words: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            english = table.get(text[i : i + size])
            if english is not None:
                words.append(english)
                i += size
                break
        else:
            char = text[i]
            words.append(" " if has_cjk(char) else char)
            i += 1
    return " ".join("".join(w if len(w) == 1 else f" {w} " for w in words).split())
