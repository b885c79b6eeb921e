"""Monthly statements: reconcile to the journal, scoped to sellers, operator only."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.hub.conftest import HUB, at
from worldpool.context import Context
from worldpool.errors import (
    Forbidden,
    IdempotencyConflict,
    InputError,
    UnknownReference,
)
from worldpool.hub import ChargeRequest, CloseRequest
from worldpool.hub import service as billing
from worldpool.ledger import Ledger

ON_HAND = {"receive": 1, "adjust": 1, "return": 1, "ship": -1}


def _expected_storage(ledger: Ledger, seller: str) -> Decimal:
    """Storage of October from the journal, summed by hand (tariff: 1.20/m3/day peak)."""
    view = Ledger(ledger.engine, ledger.catalog, seller=seller)
    volume = {"A": Decimal("0.012"), "B": Decimal("0.0035")}
    daily: dict[date, Decimal] = defaultdict(Decimal)
    for e in view.journal(limit=1000):
        sign = ON_HAND.get(e.kind.value, 0)
        if e.kind.value == "transfer_out" and e.from_node == HUB:
            sign = -1
        elif e.node != HUB:
            sign = 0
        daily[e.at.date()] += sign * e.qty * volume[e.sku]
    total, level = Decimal(0), Decimal(0)
    for d in sorted(k for k in daily if k < date(2026, 10, 1)):
        level += daily[d]
    for day in range(1, calendar.monthrange(2026, 10)[1] + 1):
        level += daily.get(date(2026, 10, day), Decimal(0))
        if level:
            total += (level * Decimal("1.20")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return total


def test_statement_reconciles_with_the_journal_to_the_cent(
    hub: Context, ledger: Ledger
) -> None:
    """Every line of acme's October statement recomputes from movements exactly."""
    acme = hub.acting_as(seller="acme")
    billing.record_charge(
        acme,
        ChargeRequest(
            "ffo_parcel", "O-3", Decimal(1), "p-1", cost=Decimal("7.35"), at=at(10, 9)
        ),
    )
    billing.record_charge(
        acme, ChargeRequest("vas_label", "O-3", Decimal(5), "l-1", at=at(10, 9))
    )
    result = billing.close_month(hub, CloseRequest("2026-10", HUB))
    assert result.sellers == 2
    stmt = billing.statement(acme.acting_as(role="viewer"), "2026-10", HUB)
    by = defaultdict(Decimal)
    for line in stmt.lines:
        by[line.service] += line.amount
    assert by["storage"] == _expected_storage(ledger, "acme")
    # 83 units in cartons of 20 (45 -> 3, 38 -> 2); orders: 4; units: 11.
    assert by["inbound_unit"] == Decimal("4.15")
    assert by["inbound_carton"] == Decimal("0.60") * 5
    assert by["pick_order"] == Decimal("0.25") * 4
    assert by["pick_unit"] == Decimal("0.08") * 11
    assert by["pack_order"] == Decimal("0.30") * 4
    assert by["ffo_parcel"] == Decimal("8.09")  # 7.35 x 1.10 = 8.085 -> 8.09
    assert by["vas_label"] == Decimal("0.50")
    assert stmt.total == sum(by.values())
    rec = billing.reconcile(acme, "2026-10", HUB)
    assert rec.unreconciled_cents == 0 and rec.stored_total == stmt.total
    assert all(ln.records >= 1 and "seller=acme" in ln.trace for ln in stmt.lines)


def test_close_is_repeatable_and_operator_only(hub: Context) -> None:
    """A second close gives the same totals; owners cannot close or see others."""
    first = billing.close_month(hub, CloseRequest("2026-10", HUB))
    again = billing.close_month(hub, CloseRequest("2026-10", HUB))
    assert first.totals == again.totals and first.lines == again.lines
    view = billing.operator_view(hub, "2026-10", HUB)
    assert [v.seller for v in view] == ["acme", "beta"]
    assert view[1].total > view[0].total  # beta holds three times the stock
    owner = hub.acting_as(seller="acme", role="owner")
    with pytest.raises(Forbidden):
        billing.close_month(owner, CloseRequest("2026-10", HUB))
    with pytest.raises(Forbidden):
        billing.operator_view(owner, "2026-10", HUB)
    assert billing.statement(owner, "2026-10", HUB).seller == "acme"
    with pytest.raises(UnknownReference):
        billing.statement(owner, "2026-09", HUB)


def test_charge_is_idempotent(hub: Context) -> None:
    """The same charge key twice records once."""
    acme = hub.acting_as(seller="acme")
    req = ChargeRequest("vas_kit", "W-1", Decimal(2), "k-1", at=at(10, 4))
    assert billing.record_charge(acme, req) is True
    assert billing.record_charge(acme, req) is False


def test_charge_key_reused_for_another_charge_is_refused(hub: Context) -> None:
    """A key reused with another quantity is an idempotency conflict."""
    acme = hub.acting_as(seller="acme")
    billing.record_charge(acme, ChargeRequest("vas_kit", "W-1", Decimal(2), "k-1"))
    with pytest.raises(IdempotencyConflict):
        billing.record_charge(acme, ChargeRequest("vas_kit", "W-1", Decimal(3), "k-1"))


def test_charge_needs_a_rate_and_the_cards_currency(hub: Context) -> None:
    """An unpriced service or a parcel cost in CNY (card in USD) is refused by field."""
    acme = hub.acting_as(seller="acme")
    with pytest.raises(InputError, match="field 'service'"):
        billing.record_charge(acme, ChargeRequest("vas_gift", "W-1", Decimal(1), "g-1"))
    cny = ChargeRequest(
        "ffo_parcel", "O-1", Decimal(1), "p-9", cost=Decimal(50), currency="CNY"
    )
    with pytest.raises(InputError, match="field 'currency'"):
        billing.record_charge(acme, cny)
