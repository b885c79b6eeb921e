"""Fuzz the HTTP API against its own OpenAPI schema with schemathesis.

Starts the API on a free loopback port over a throwaway SQLite ledger (the
test suite's stocked pool: MUG-1, LAMP-2, BATT-3 at CN-SZX, US-FC1 and DE-FC1,
plus 90 days of shipments so forecasts and plans have history), creates an
admin key, and runs ``st run`` against ``/openapi.json`` with that key. Extra
arguments go to ``st run`` unchanged.

Run from the repository root (schemathesis is not a project dependency)::

    .venv/bin/pip install schemathesis
    .venv/bin/python tools/fuzz_api.py --max-examples 30 --seed 1
    .venv/bin/python tools/fuzz_api.py --include-path-regex '^/orders' -n 100

See ``tools/fuzz_api.md`` for what the checks mean and the known false
positives.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.interfaces.api.conftest import ship_history  # noqa: E402
from tests.interfaces.api.test_api import ORDER  # noqa: E402
from tests.orders.conftest import CHANNEL_FILES, load, stock_pool  # noqa: E402

from worldpool.catalog import load_catalog  # noqa: E402
from worldpool.interfaces.api import create_app  # noqa: E402
from worldpool.ledger import Ledger  # noqa: E402
from worldpool.ledger.api_keys import create_api_key  # noqa: E402
from worldpool.ledger.db import make_engine  # noqa: E402
from worldpool.orders.codec import order_from_dict  # noqa: E402
from worldpool.orders.service import OrderService  # noqa: E402
from worldpool.plan.service import ledger_demand, make_plan, save_plan  # noqa: E402

CHECKS = (
    "not_a_server_error,status_code_conformance,"
    "content_type_conformance,response_schema_conformance"
)
"""The checks run unless ``--checks`` is given."""
CONFIG = Path(__file__).with_suffix(".toml")
"""Schemathesis config: real ids for path and query parameters, half the time."""


def _seed(ledger: Ledger) -> None:
    """Stock the pool, ship history, two orders (N-1 open, N-2 shipped), 3 letters."""
    stock_pool(ledger)
    ship_history(ledger)
    service = OrderService(ledger)
    for n in ("N-1", "N-2"):
        service.submit(order_from_dict({**ORDER, "channel_order_id": n}))
    service.ship("shopify", "N-2")
    for channel, name in CHANNEL_FILES.items():
        service.import_document(channel, load(name), "fuzz")
    bad = load(CHANNEL_FILES["shopify"])
    for i in range(3):  # unknown SKUs: dead letters 1-3 to re-drive
        bad["id"] += 1
        bad["line_items"][0]["sku"] = f"NOPE-{i}"
        service.import_document("shopify", bad, "fuzz")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    """Serve a throwaway pool, fuzz it with ``st run``, return its exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Keep the ledger file")
    ours, rest = parser.parse_known_args(argv)
    st = shutil.which("st") or str(Path(sys.executable).parent / "st")
    tmp = Path(tempfile.mkdtemp(prefix="wp-fuzz-"))
    ledger = Ledger(make_engine(f"sqlite:///{tmp / 'ledger.db'}"), load_catalog())
    ledger.init()
    _seed(ledger)
    key = create_api_key(ledger.engine, "fuzz", "admin")
    port = _free_port()
    app = create_app(ledger)
    plan = make_plan(ledger, ledger_demand(ledger))  # a stored plan with a report
    save_plan(ledger, plan)
    app.state.plans.put(plan)
    config = tmp / "fuzz_api.toml"
    config.write_text(  # schemathesis' cache goes with the ledger, not in the repo
        f'cache = {{ directory = "{tmp / "schemathesis"}" }}\n'
        + CONFIG.read_text()
        + f'\n[dictionaries.plans]\nvalues = ["{plan.id}", "PLAN-000000000000"]\n'
        + '\n[parameters."path.plan_id"]\ndictionary = "plans"\nprobability = 0.5\n'
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("the API server did not start")
        time.sleep(0.05)
    defaults = []
    if not any(a.startswith(("-c", "--checks")) for a in rest):
        defaults += ["--checks", CHECKS]
    if not any(a.startswith("--generation-database") for a in rest):
        defaults += ["--generation-database", ":memory:"]  # no .schemathesis/ here
    if not any(a.startswith("--request-timeout") for a in rest):
        # The first HS suggestion builds its index (about 10 s on a busy box).
        defaults += ["--request-timeout", "60"]
    cmd = [
        st, "--config-file", str(config), "run", f"http://127.0.0.1:{port}/openapi.json",
        "-H", f"X-API-Key: {key}", "--workers", "1", *defaults, *rest,
    ]  # fmt: skip
    try:
        return subprocess.run(cmd, check=False).returncode
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        ledger.close()
        if ours.keep:
            print(f"ledger kept at {tmp / 'ledger.db'}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
