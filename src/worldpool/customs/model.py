"""The default HS suggester: packaged data plus the user's confirmed codes."""

from __future__ import annotations

import functools

from worldpool.customs.examples import Example, packaged_examples, tariff_lines
from worldpool.customs.nomenclature import load_nomenclature
from worldpool.customs.suggest import HsParams, HsSuggester

__all__ = ["default_suggester"]


@functools.cache
def default_suggester(
    confirmed: tuple[Example, ...] = (), params: HsParams | None = None
) -> HsSuggester:
    """Return the suggester fitted on every packaged source (once per process).

    It learns from the HS 2022 texts, the US HTS8 and EU/UK CN8 line
    descriptions, the packaged labelled products and ``confirmed``. Fitting
    takes a few seconds on one core; nothing is downloaded.

    Args:
        confirmed: The user's confirmed codes (they feed back as examples).
        params: Model settings (defaults when None).
    """
    return HsSuggester(params).fit(
        load_nomenclature(), tariff_lines(), packaged_examples() + confirmed
    )
