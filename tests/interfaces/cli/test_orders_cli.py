from __future__ import annotations

import typer
from typer.testing import CliRunner

from tests.orders.conftest import CHANNEL_FILES, FIXTURES, stock_pool
from worldpool.interfaces.cli import orders, serve
from worldpool.ledger import Ledger

# The lead registers these groups in interfaces/cli/app.py; this test builds the
# same tree so it does not depend on that edit.
app = typer.Typer()
app.add_typer(orders.orders_app, name="orders")
app.add_typer(orders.deadletter_app, name="deadletter")
app.add_typer(serve.api_key_app, name="api-key")
app.command("route")(orders.route)
runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_import_list_route_and_deadletters(ledger: Ledger) -> None:
    """Orders import/list, route and deadletter list/redrive work end to end."""
    stock_pool(ledger)
    db = ledger.engine.url.render_as_string(hide_password=False)
    code, out = cli(
        "orders",
        "import",
        str(FIXTURES / CHANNEL_FILES["ebay"]),
        "--channel",
        "ebay",
        "--db",
        db,
    )
    assert code == 0 and "1 created" in out and "US-FC1" in out
    code, out = cli("orders", "list", "--db", db)
    assert code == 0 and "ebay:12-34567-89012" in out
    code, out = cli("route", "ebay:12-34567-89012", "--db", db)
    assert code == 0 and "why:" in out and "US-FC1" in out
    bad = FIXTURES / CHANNEL_FILES["walmart"]
    code, out = cli("orders", "import", str(bad), "--channel", "amazon", "--db", db)
    assert code == 8 and "dead-lettered" in out
    code, out = cli("deadletter", "list", "--db", db)
    assert code == 0 and "amazon" in out
    code, out = cli("deadletter", "redrive", "1", "--db", db)
    assert code == 8 and "still rejected" in out
    code, out = cli("api-key", "create", "ci", "--scope", "write", "--db", db)
    assert code == 0 and out.strip().startswith("wp_")
    assert cli("route", "nonsense", "--db", db)[0] == 2
