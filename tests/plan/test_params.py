from __future__ import annotations

from pathlib import Path

import pytest

from worldpool.errors import InputError
from worldpool.plan import PlanParams


def test_defaults_are_valid() -> None:
    """The default settings pass their own checks."""
    p = PlanParams()
    assert p.review_days == 7 and 0 < p.ffo_lost_share < 1


def test_out_of_range_names_the_field() -> None:
    """An out-of-range setting raises InputError naming the field and value."""
    with pytest.raises(InputError, match="ffo_lost_share") as err:
        PlanParams(ffo_lost_share=1.5)
    assert err.value.value == 1.5


def test_loads_plan_section_from_toml(tmp_path: Path) -> None:
    """The [plan] table of a TOML file overrides the defaults."""
    f = tmp_path / "what_if.toml"
    f.write_text("[plan]\nreview_days = 14\nffo_lost_share = 0.05\n")
    p = PlanParams.from_toml(f)
    assert (p.review_days, p.ffo_lost_share) == (14, 0.05)


def test_unknown_toml_key_is_refused(tmp_path: Path) -> None:
    """A misspelt setting is an InputError, not silently ignored."""
    f = tmp_path / "bad.toml"
    f.write_text("[plan]\nreveiw_days = 14\n")
    with pytest.raises(InputError, match="reveiw_days"):
        PlanParams.from_toml(f)
