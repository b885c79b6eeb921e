import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from worldpool import audit
from worldpool.assistant import ActionKind, service
from worldpool.context import Context
from worldpool.errors import Forbidden, InputError
from worldpool.ledger import Ledger

NO_HS = service.SignalsRequest(suggest_hs=False)


def _by_key(result: service.TodayResult) -> dict[str, service.Proposal]:
    return {p.key: p for p in result.proposals}


def test_today_ranks_the_mug_stockout_with_its_numbers(world: Context) -> None:
    """MUG (8 left, 5 a day, nothing arriving) in DE is a stock-out risk with air proposed."""
    result = service.today(world, NO_HS)
    mug = _by_key(result)["stockout:MUG:DE"]
    assert mug.probability > 0.9
    assert mug.action == "expedite_air" and mug.mode == "ask"
    assert mug.numbers["on_hand"] == 8 and Decimal(mug.impact) > 0
    assert "MUG in DE" in mug.explanation
    impacts = [
        Decimal(p.impact) * Decimal(str(p.probability)) for p in result.proposals
    ]
    assert impacts == sorted(impacts, reverse=True)


def test_today_flags_customs_blockers_and_excess(world: Context) -> None:
    """LAMP has no HS code, CELL is a loose battery on a parcel lane, LAMP overstocks DE."""
    keys = set(_by_key(service.today(world, NO_HS)))
    assert "customs:hs_code:LAMP:DE" in keys
    assert "customs:battery:CELL:DE" in keys
    assert "customs:ioss:*:DE" in keys
    assert "excess:LAMP:DE-FC1" in keys


def test_running_today_twice_keeps_one_row_per_situation(world: Context) -> None:
    """The same day's proposals are stored once; a second run changes nothing."""
    first = service.today(world, NO_HS)
    second = service.today(world, NO_HS)
    assert [p.id for p in first.proposals] == [p.id for p in second.proposals]


def test_approving_the_air_transfer_moves_stock_and_is_audited(world: Context) -> None:
    """Approval posts one air transfer hub -> DE FC, recorded with who approved it."""
    mug = _by_key(service.today(world, NO_HS))["stockout:MUG:DE"]
    done = service.decide(world, mug.id, approve=True)
    assert done.status == "done" and done.result["lane"] == "CN-SZX>DE-FC1:air"
    led = Ledger(world.engine, world.catalog)
    fc = {b.node: b for b in led.balances("MUG")}["DE-FC1"]
    assert fc.in_transit == mug.params["qty"]
    entry = audit.history(world)[0]
    assert entry.action == "assistant.expedite_air" and entry.approved_by == "alice"
    with pytest.raises(InputError):
        service.decide(world, mug.id, approve=True)


def test_a_direct_hs_fix_waits_for_approval_and_can_be_undone(world: Context) -> None:
    """fix_hs_code asks first; once approved it sets the code; undo restores None."""
    req = service.ActRequest(
        ActionKind.FIX_HS_CODE, {"sku": "LAMP", "hs_code": "940520"}
    )
    pending = service.act(world, req)
    assert pending.status == "pending" and pending.proposal_id is not None
    led = Ledger(world.engine, world.catalog)
    assert led.sku("LAMP").hs_code is None
    service.decide(world, pending.proposal_id, approve=True)
    assert led.sku("LAMP").hs_code == "940520"
    undone = service.undo(world, pending.proposal_id)
    assert undone.status == "undone" and led.sku("LAMP").hs_code is None


def test_suggest_only_actions_are_refused_and_recorded(world: Context) -> None:
    """A reprice (suggest only by policy) is refused, and the refusal is audited."""
    req = service.ActRequest(
        ActionKind.REPRICE, {"sku": "MUG", "market": "DE", "price": 9}
    )
    out = service.act(world, req)
    assert out.status == "refused"
    assert audit.history(world)[0].status == "refused"


def test_a_small_transfer_runs_by_itself_within_the_auto_limit(world: Context) -> None:
    """A 40-unit sea transfer worth USD 160 is auto-approved by the packaged policy."""
    req = service.ActRequest(
        ActionKind.APPROVE_TRANSFER,
        {"sku": "MUG", "market": "DE", "qty": 40},
        Decimal("160"),
    )
    out = service.act(world, req)
    assert out.status == "done" and out.result["lane"] == "CN-SZX>DE-FC1:sea"


def test_a_viewer_may_read_signals_but_not_store_or_act(world: Context) -> None:
    """Viewers see signals; today/act/decide need an operator."""
    viewer = world.acting_as(role="viewer")
    assert service.signals(viewer, NO_HS)
    with pytest.raises(Forbidden):
        service.today(viewer, NO_HS)
    with pytest.raises(Forbidden):
        service.act(viewer, service.ActRequest(ActionKind.REVIEW, {}))


def test_another_seller_sees_none_of_these_proposals(world: Context) -> None:
    """Proposals are seller-scoped: seller b cannot list or approve seller a's."""
    mine = service.today(world, NO_HS).proposals
    other = world.acting_as(seller="b")
    assert service.proposals(other) == []
    with pytest.raises(InputError):
        service.decide(other, mine[0].id, approve=True)


def test_the_digest_lists_open_decisions(world: Context) -> None:
    """The Markdown digest names the open decisions and how to approve them."""
    service.today(world, NO_HS)
    text = service.digest(world)
    assert text.startswith("# worldpool daily digest") and "MUG in DE" in text
    assert "worldpool assistant approve" in text


def test_an_understated_value_does_not_slip_past_the_auto_limit(world: Context) -> None:
    """200 units at USD 4 (USD 800) stated as USD 1 still need a person's approval."""
    req = service.ActRequest(
        ActionKind.APPROVE_TRANSFER,
        {"sku": "MUG", "market": "DE", "qty": 200},
        Decimal("1"),
    )
    assert service.act(world, req).status == "pending"


def test_a_given_ioss_number_clears_the_ioss_blocker(world: Context) -> None:
    """With tax_ids naming an IOSS number, DE no longer asks for one."""
    settings = dataclasses.replace(world.settings, tax_ids="IOSS=IM2760000001")
    ctx = dataclasses.replace(world, settings=settings)
    keys = {s.key for s in service.signals(ctx, NO_HS)}
    assert "customs:ioss:*:DE" not in keys
    assert "customs:battery:CELL:DE" in keys


def test_a_shop_that_never_synced_is_on_todays_list(world: Context) -> None:
    """A connected shop no worker has polled is a signal; once it polls, it is not."""
    from sqlalchemy import text

    from worldpool.connectors.service import ConnectRequest, connect

    ctx = dataclasses.replace(
        world, settings=world.settings.with_(secret_key="assistant-test-key")
    )
    connect(
        ctx,
        ConnectRequest(
            "shop-de",
            "shopify",
            "http://127.0.0.1:9",
            {"access_token": "shpat_x"},
            {"market": "DE"},
        ),
    )
    keys = {s.key: s for s in service.signals(ctx, NO_HS)}
    assert keys["channel_sync:shop-de"].numbers["connection"] == "shop-de"
    with ctx.engine.begin() as conn:
        conn.execute(
            text("update channel_connections set last_success_at = :now"),
            {"now": datetime.now(UTC)},
        )
    assert "channel_sync:shop-de" not in {s.key for s in service.signals(ctx, NO_HS)}
