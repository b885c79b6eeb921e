"""A commodity glossary: everyday product words and the HS codes they point to.

The legal nomenclature says "imitation jewellery" and "wigs, false beards";
marketplaces say "pendant" and "lace front". The packaged glossary
(``data/hs_glossary.csv``: term, code of 2, 4 or 6 digits, note, source,
effective date; see ``data/PROVENANCE.md``) bridges the two. A product text
is matched against it greedily, longest term first, on word boundaries (a
plural also matches its singular), and every matched term adds evidence to
the subheadings under its code, the more so the more digits the code has.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from worldpool.customs.nomenclature import hs_digits, read_packaged_csv

__all__ = ["Glossary", "GlossaryTerm", "load_glossary"]

_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """One glossary row: a product word and the HS code it points to."""

    term: str
    """Lower-case product word or phrase, e.g. ``phone case``."""
    code: str
    """HS 2022 chapter, heading or subheading (2, 4 or 6 digits)."""
    note: str
    """What the code covers and the usual exceptions."""
    source: str
    """Where the mapping comes from (see ``data/PROVENANCE.md``)."""


def _singular(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith(("sses", "shes", "ches", "xes")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us")):
        return token[:-1]
    return token


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class Glossary:
    """Matches product texts against glossary terms and scores subheadings.

    Args:
        terms: The glossary rows.
    """

    def __init__(self, terms: Iterable[GlossaryTerm]) -> None:
        self.terms = tuple(terms)
        self._index: dict[str, list[int]] = {}
        for i, row in enumerate(self.terms):
            self._index.setdefault(" ".join(_tokens(row.term)), []).append(i)
        self._names = sorted(self._index)
        self._position = {name: i for i, name in enumerate(self._names)}
        self._longest = max((len(n.split()) for n in self._names), default=0)

    def match(self, text: str) -> list[str]:
        """Return the terms found in ``text``, longest match first, left to right.

        Args:
            text: A product text.
        """
        tokens = _tokens(text)
        found: list[str] = []
        i = 0
        while i < len(tokens):
            hit = self._match_at(tokens, i)
            if hit is None:
                i += 1
                continue
            found.append(hit[0])
            i += hit[1]
        return found

    def _match_at(self, tokens: list[str], i: int) -> tuple[str, int] | None:
        for n in range(min(self._longest, len(tokens) - i), 0, -1):
            words = tokens[i : i + n]
            for name in (" ".join(words), " ".join(map(_singular, words))):
                if name in self._index:
                    return name, n
        return None

    def codes(self, term: str) -> tuple[str, ...]:
        """Return the HS codes a matched term points to.

        Args:
            term: A term as returned by :meth:`match`.
        """
        return tuple(self.terms[i].code for i in self._index.get(term, []))

    def code_matrix(
        self, codes: Sequence[str], level_weights: tuple[float, float, float]
    ) -> sparse.csr_matrix:
        """Return the (terms x codes) evidence each matched term gives each code.

        A term spreads one unit over its rows; a row gives its weight (by the
        number of digits of its code: 2, 4, 6) to every subheading under it.

        Args:
            codes: The 6-digit subheadings, in score-column order.
            level_weights: Weight of a chapter, heading and subheading row.
        """
        column = {c: j for j, c in enumerate(codes)}
        under: dict[str, list[int]] = {}
        for c, j in column.items():
            for size in (2, 4, 6):
                under.setdefault(c[:size], []).append(j)
        rows, cols, values = [], [], []
        for name, members in self._index.items():
            share = 1.0 / len(members)
            for i in members:
                code = hs_digits(self.terms[i].code)
                weight = level_weights[min(len(code), 6) // 2 - 1] * share
                targets = under.get(code, [])
                rows += [self._position[name]] * len(targets)
                cols += targets
                values += [weight] * len(targets)
        return sparse.csr_matrix(
            (np.asarray(values, dtype=np.float64), (rows, cols)),
            shape=(len(self._names), len(codes)),
        )

    def term_matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Return the (texts x terms) matrix: each term's share of the matches.

        Args:
            texts: Product texts.
        """
        rows, cols, values = [], [], []
        for r, text in enumerate(texts):
            found = Counter(self.match(text))
            total = sum(found.values())
            rows += [r] * len(found)
            cols += [self._position[n] for n in found]
            values += [count / total for count in found.values()]
        return sparse.csr_matrix(
            (np.asarray(values, dtype=np.float64), (rows, cols)),
            shape=(len(texts), len(self._names)),
        )


@functools.cache
def load_glossary() -> Glossary:
    """Return the packaged commodity glossary (read once per process)."""
    return Glossary(
        GlossaryTerm(r["term"], r["code"], r["note"], r["source"])
        for r in read_packaged_csv("hs_glossary.csv")
    )
