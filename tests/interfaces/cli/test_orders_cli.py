from __future__ import annotations

from typer.testing import CliRunner

from tests.orders.conftest import CHANNEL_FILES, FIXTURES, stock_pool
from worldpool.interfaces.cli.app import app
from worldpool.ledger import Ledger

runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_import_list_route_and_deadletters(ledger: Ledger) -> None:
    """Orders import/list, route and dead-letters list/redrive work end to end."""
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
    code, out = cli("dead-letters", "list", "--db", db)
    assert code == 0 and "amazon" in out and "order" in out
    code, out = cli("dead-letters", "redrive", "1", "--db", db)
    assert code == 8 and "still rejected" in out
    code, out = cli("api-key", "create", "ci", "--scope", "write", "--db", db)
    assert code == 0 and out.strip().startswith("wp_")
    assert cli("route", "nonsense", "--db", db)[0] == 2
