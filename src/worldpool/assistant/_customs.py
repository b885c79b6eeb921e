"""Customs blockers per SKU x market, from the customs capability's own rules.

Missing HS codes (with the suggester's best code as the fix), batteries a
lane refuses (the restriction rules, for the parcel lane of fulfil-from-origin
markets), and a tax-scheme number (IOSS, UK VAT ...) the seller has not
given for a market it ships parcels into.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from worldpool.assistant._state import PoolState
from worldpool.assistant.operations import Blocker, customs_signals
from worldpool.assistant.signal import Signal
from worldpool.context import Context
from worldpool.customs.rules import applies, load_rules
from worldpool.errors import WorldpoolError

__all__ = ["customs_blocker_signals"]

_SUGGEST_AT_MOST = 10  # the HS suggester costs a little per SKU; fix the top few first


def _stake(state: PoolState, sku: str, market: str, margin_share: float) -> Decimal:
    pairs = state.pairs
    for i, (s, m) in enumerate(zip(pairs.skus, pairs.markets, strict=True)):
        if s == sku and m == market:
            value = (
                state.stockout.mean[i] * 28 * pairs.unit_cost[i] * (1 + margin_share)
            )
            return Decimal(str(round(float(value), 2)))
    return Decimal(0)


def _suggest(text: str) -> str | None:
    from worldpool.customs.service import suggest_hs

    try:
        best = suggest_hs(text, k=1)
    except WorldpoolError:
        return None
    return best[0].code if best else None


def _tax_ids(text: str | None) -> dict[str, str]:
    """Parse ``IOSS=IM123;VAT:UK=GB456`` into {name or name:market: number}."""
    out = {}
    for part in (text or "").split(";"):
        name, _, number = part.partition("=")
        if name.strip() and number.strip():
            out[name.strip()] = number.strip()
    return out


def customs_blocker_signals(
    ctx: Context,
    facts: Mapping[str, Mapping[str, Any]],
    state: PoolState,
    *,
    margin_share: float = 1.5,
    suggest: bool = True,
) -> list[Signal]:
    """Return a signal per SKU x market that cannot clear customs as it stands.

    Args:
        ctx: The context (catalog; settings: ``tax_ids``).
        facts: Per SKU: ``hs_code``, ``battery``, ``title``, ``ffo_markets``.
        state: The pool state (demand rates and costs give the value at stake).
        margin_share: Margin over cost, for the value of the sales at stake.
        suggest: Propose the HS suggester's code for a missing one.
    """
    rules = load_rules(datetime.now(UTC).date())
    currency = next(iter(f.get("currency", "USD") for f in facts.values()), "USD")
    blockers: list[Blocker] = []
    markets = sorted(set(state.pairs.markets))
    suggested = 0
    for sku, f in sorted(facts.items()):
        listed = [
            m
            for s, m in zip(state.pairs.skus, state.pairs.markets, strict=True)
            if s == sku
        ]
        if not f.get("hs_code") and listed:
            code = (
                _suggest(str(f.get("title") or sku))
                if suggest and suggested < _SUGGEST_AT_MOST
                else None
            )
            suggested += 1
            for market in listed[:1] or markets[:1]:
                blockers.append(
                    Blocker(
                        sku,
                        market,
                        "hs_code",
                        "no HS code on the SKU",
                        _stake(state, sku, market, margin_share),
                        currency,
                        code,
                    )
                )
        blockers += _battery_blockers(ctx, sku, f, state, rules, currency, margin_share)
    blockers += _scheme_blockers(ctx, facts, state, rules, currency, margin_share)
    return customs_signals(blockers)


def _battery_blockers(
    ctx: Context,
    sku: str,
    f: Mapping[str, Any],
    state: PoolState,
    rules: Any,
    currency: str,
    margin_share: float,
) -> list[Blocker]:
    # A SKU's batteries that a parcel may not carry into a market it is sold in.
    blockers: list[Blocker] = []
    battery = str(f.get("battery") or "none")
    for market in f.get("ffo_markets", ()):
        zone = ctx.catalog.marketplace(market).customs_zone
        for rule in rules.restrictions:
            if (
                rule.match in (f"battery:{battery}", "battery:any")
                and battery != "none"
                and rule.requires == "forbidden"
                and applies(rule.modes, "parcel")
                and applies(rule.destinations, market, zone)
            ):
                blockers.append(
                    Blocker(
                        sku,
                        market,
                        "battery",
                        rule.message,
                        _stake(state, sku, market, margin_share),
                        currency,
                    )
                )
    return blockers


def _scheme_blockers(
    ctx: Context,
    facts: Mapping[str, Mapping[str, Any]],
    state: PoolState,
    rules: Any,
    currency: str,
    margin_share: float,
) -> list[Blocker]:
    given = _tax_ids(ctx.settings.tax_ids)
    out: list[Blocker] = []
    ffo_pairs = [(s, m) for s, f in facts.items() for m in f.get("ffo_markets", ())]
    for market in sorted({m for _, m in ffo_pairs}):
        zone = ctx.catalog.marketplace(market).customs_zone
        for scheme in rules.schemes:
            if not (
                applies(scheme.destinations, market, zone)
                and applies(scheme.kinds, "parcel")
            ):
                continue
            if given.get(scheme.id_name) or given.get(f"{scheme.id_name}:{market}"):
                continue
            stake = sum(
                (
                    _stake(state, s, m, margin_share)
                    for s, m in ffo_pairs
                    if m == market
                ),
                Decimal(0),
            )
            out.append(
                Blocker(
                    "*",
                    market,
                    scheme.id_name.lower(),
                    f"no {scheme.id_name} number given: {scheme.message}",
                    stake,
                    currency,
                )
            )
    return out
