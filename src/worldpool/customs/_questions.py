"""The question that would decide between the suggested HS codes.

When the suggester is not confident, the answer shows its shortlist and one
question for the seller: ``data/hs_questions.csv`` names, for pairs of code
prefixes (chapters, headings) that are often confused, what distinguishes them
(knitted or woven, the material of a shoe's upper, precious metal or not...).
The texts are i18n message ids (:func:`worldpool.i18n.t` translates them).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from worldpool.customs.nomenclature import read_packaged_csv
from worldpool.i18n import N_

__all__ = ["QUESTIONS", "QuestionRule", "deciding_question", "load_question_rules"]

QUESTIONS: dict[str, str] = {
    "knit_or_woven": N_("Is the fabric knitted (or crocheted) or woven?"),
    "footwear_upper": N_(
        "What are the upper and the outer sole made of: rubber or plastics, "
        "leather, or textile?"
    ),
    "precious_metal": N_(
        "Is it made of (or clad with) gold, silver or platinum, or with real "
        "pearls or gemstones, or is it imitation jewellery?"
    ),
    "gender": N_("Is it for men or boys, or for women or girls?"),
    "vacuum_flask": N_(
        "Is it an insulated vacuum flask (double wall), or a plain bottle?"
    ),
    "plastic_use": N_(
        "What is it for: packing or carrying goods, the kitchen or household, "
        "or something else?"
    ),
    "material": N_(
        "Which material is it mainly made of: plastics, steel, aluminium, "
        "glass, ceramics, wood, leather or textile?"
    ),
    "subheading": N_("Which of these descriptions fits the product exactly?"),
    "use": N_(
        "What is the product, what is it mainly used for and what is it made of?"
    ),
}
"""Question key -> English message id."""


@dataclass(frozen=True, slots=True)
class QuestionRule:
    """Two code prefixes that a question tells apart."""

    first: str
    second: str
    question: str
    """Key of :data:`QUESTIONS`."""

    def splits(self, a: str, b: str) -> bool:
        """Return True when one code starts with ``first``, the other ``second``."""
        return (a.startswith(self.first) and b.startswith(self.second)) or (
            a.startswith(self.second) and b.startswith(self.first)
        )


@functools.cache
def load_question_rules() -> tuple[QuestionRule, ...]:
    """Return the packaged rules (``data/hs_questions.csv``), in file order."""
    return tuple(
        QuestionRule(r["first"], r["second"], r["question"])
        for r in read_packaged_csv("hs_questions.csv")
    )


def deciding_question(
    codes: Sequence[str], rules: Sequence[QuestionRule] | None = None
) -> str:
    """Return the key of the question that decides between ``codes`` (best first).

    The first rule that separates the top code from another shortlisted code
    wins; otherwise codes of one heading ask which description fits, and codes
    of different headings ask what the product is, is used for and is made of.
    """
    found = rules if rules is not None else load_question_rules()
    top, others = codes[0], list(codes[1:])
    for rule in found:
        if any(rule.splits(top, other) for other in others):
            return rule.question
    if others and all(other[:4] == top[:4] for other in others):
        return "subheading"
    return "use"
