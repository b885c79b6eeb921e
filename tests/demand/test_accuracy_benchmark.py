"""The multi-period summary and head-room score of benchmarks/forecast_accuracy.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "forecast_accuracy.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The benchmark script loaded as a module (it needs statsforecast)."""
    pytest.importorskip("statsforecast")
    spec = importlib.util.spec_from_file_location("forecast_accuracy_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _run(ratio: float, coverage: float) -> dict[str, object]:
    return {
        "held_back": "x",
        "wrmsse": ratio,
        "wrmsse_best_single": 1.0,
        "best_single": "AutoETS",
        "ratio_to_best_single": ratio,
        "coverage_90": coverage,
        "wrmsse_oracle_level": 0.5,
    }


def test_summary_reports_mean_worst_and_met_periods(bench: ModuleType) -> None:
    """Three periods: one meets both targets, one misses WRMSSE, one coverage."""
    runs = [_run(0.95, 0.90), _run(1.01, 0.90), _run(0.96, 0.95)]
    out = bench._summary(runs)
    assert out["ratio_mean"] == pytest.approx((0.95 + 1.01 + 0.96) / 3, abs=1e-4)
    assert out["ratio_worst"] == pytest.approx(1.01)
    assert out["periods_ratio_met"] == 2
    assert out["periods_met"] == 1
    assert out["coverage_90_min"] == pytest.approx(0.90)
    assert out["coverage_90_max"] == pytest.approx(0.95)
    assert len(out["periods"]) == 3


def test_oracle_level_is_zero_when_only_the_level_was_wrong(bench: ModuleType) -> None:
    """A forecast with the right weekly shape but the wrong level: head-room to 0."""
    rng = np.random.default_rng(0)
    train = rng.poisson(5.0, size=(56, 3)).astype(float)
    shape = np.tile(np.array([1, 1, 1, 1, 1, 2, 2], dtype=float), 4)[:, None]
    actual = shape * np.array([3.0, 10.0, 1.0])
    forecast = shape * np.array([6.0, 2.0, 1.5])  # wrong levels, right shape
    weights = np.ones(3)
    assert bench._oracle_level(actual, forecast, train, weights) == pytest.approx(0.0)


def test_oracle_level_of_a_flat_day_pattern_is_the_flat_mean(bench: ModuleType) -> None:
    """A forecast of 0 (no shape): the oracle is each series' flat actual mean."""
    train = np.array([[0.0], [2.0], [0.0], [2.0]])
    actual = np.array([[1.0], [3.0]])
    oracle = bench._oracle_level(actual, np.zeros((2, 1)), train, np.ones(1))
    assert oracle == pytest.approx(np.sqrt(1.0 / 4.0))  # errors ±1, naive MSE 4
