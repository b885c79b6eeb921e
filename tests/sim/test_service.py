"""The twin service: policy registry, FX from the table, errors naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import FxRate, FxTable, load_fx
from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.errors import InputError
from worldpool.sim.service import TwinRequest, simulate_policies

DATA = Path(__file__).parents[1] / "data" / "online_retail_small.csv"


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    """A context with no database (the twin reads none)."""
    url = f"sqlite:///{tmp_path / 'none.db'}"
    return open_context(Settings(database_url=url), require_schema=False)


def test_prices_convert_at_the_fx_tables_rate(ctx: Context) -> None:
    """GBP prices convert with the table's USD/GBP rate; a user rate changes costs."""
    request = TwinRequest(DATA, ("split",), currency="GBP", iterations=1)
    packaged = simulate_policies(ctx, request)
    assert packaged.scenario.currency == "GBP"
    mine = FxTable.of(
        [
            FxRate(
                "USD",
                "GBP",
                load_fx().rate("USD", "GBP").rate * 2,
                "t",
                packaged.scenario.start,
            )
        ]
    )  # type: ignore[union-attr]
    doubled = simulate_policies(
        Context(ctx.engine, load_catalog(), mine, ctx.settings, ctx.seller), request
    )
    ratio = doubled.scenario.sea_cost.sum() / packaged.scenario.sea_cost.sum()
    assert ratio == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (TwinRequest(DATA, ("teleport",)), "policies"),
        (TwinRequest(DATA, ("oracle",)), "policies"),
        (TwinRequest(DATA.with_name("missing.csv"), ("split",)), "demand"),
        (TwinRequest(DATA, ("split",), currency="XAF"), "currency"),
    ],
)
def test_bad_requests_name_the_field(
    ctx: Context, request_: TwinRequest, field: str
) -> None:
    """Unknown policies, a missing file or an unpriced currency are InputErrors."""
    with pytest.raises(InputError) as err:
        simulate_policies(ctx, request_)
    assert err.value.field == field


def test_cockpit_twin_page_runs_the_same_service(ctx: Context) -> None:
    """The cockpit's twin upload goes through simulate_policies: progress, report."""
    from worldpool import audit, inventory
    from worldpool.interfaces.web._services import twin_run

    inventory.init_schema(ctx)
    job: dict[str, int] = {}
    html = twin_run(ctx.acting_as(role="viewer"), DATA, job)
    assert job["runs"] >= 3
    assert "<html" in html.lower() and "split" in html.lower()
    assert [e.action for e in audit.history(ctx)] == ["twin.run"]
