from __future__ import annotations

import pytest

from worldpool.interfaces.cli.serve import warm_hs_model


def test_warm_up_fits_the_hs_model_once_per_process() -> None:
    """After the serve warm-up, the first suggestion needs no fitting."""
    model = pytest.importorskip("worldpool.customs.model")
    assert warm_hs_model() is True
    assert model.default_suggester.cache_info().currsize >= 1
    hits = model.default_suggester.cache_info().hits
    from worldpool.customs import service

    service.suggest_hs("stainless steel water bottle", 1)
    assert model.default_suggester.cache_info().hits == hits + 1
