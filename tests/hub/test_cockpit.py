"""The cockpit's hub page: the operator's sellers, a seller's own statement and PDF."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.conftest import context_of
from tests.interfaces.web.conftest import PASSWORD, Cockpit, serve, world
from worldpool.hub import CloseRequest
from worldpool.hub import service as billing
from worldpool.ledger import Ledger
from worldpool.users import NewUser, add_user

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def closed(ledger: Ledger) -> Iterator[tuple[Cockpit, str]]:
    """A cockpit whose current month is closed, with a hub user ``hana``."""
    world(ledger)
    system = context_of(ledger)
    add_user(system, NewUser("hana", PASSWORD, "hub"))
    month = datetime.now(UTC).strftime("%Y-%m")
    billing.close_month(system, CloseRequest(month))
    for url in serve(ledger):
        yield Cockpit(url, ledger), month


@SQLITE_ONLY
def test_hub_page_operator_and_owner(closed: tuple[Cockpit, str]) -> None:
    """The hub user sees every seller; the owner sees its lines and gets a PDF."""
    cockpit, month = closed
    with cockpit.login("hana") as hana:
        html = hana.get("/ui/hub", params={"month": month}).text
        assert "<td>default</td>" in html
    with cockpit.login("olivia") as olivia:
        html = olivia.get("/ui/hub", params={"month": month}).text
        assert "Storage" in html and "Total:" in html
        pdf = olivia.get("/ui/hub/statement.pdf", params={"month": month})
        assert pdf.content.startswith(b"%PDF")
        assert (
            "close it first" not in olivia.get("/ui/hub", params={"month": month}).text
        )
        missing = olivia.get("/ui/hub", params={"month": "2001-01"}).text
        assert "no closed statement" in missing
