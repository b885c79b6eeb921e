"""The fee book: marketplace fees, fulfilment, storage, extra duties, incentives.

Rules as data: every row of ``profit/data/*.csv`` carries its ``source`` and
the ``effective_date`` it applies from; on a day the row of an id in force is
the one with the latest date on or before it (:func:`worldpool.catalog.in_effect`).
A later row of the same id with rate 0 ends a measure (the IEEPA duties on
2026-02-24). A seller's file of the same name in an override folder replaces
the packaged rows of the ids it names. Lookups prefer the most specific row:
marketplace id over customs zone over ``*``, exact category over ``*``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from worldpool.catalog import in_effect
from worldpool.profit._csv import Row, decimal_cell, read_table, split_cell
from worldpool.profit._records import (
    AdditionalDuty,
    Elasticity,
    FulfilmentFee,
    Incentive,
    ReferralFee,
    ReturnRate,
    StorageFee,
)

__all__ = ["FILES", "FeeBook", "load_fee_book"]

FILES = (
    "referral_fees.csv",
    "fulfilment_fees.csv",
    "storage_fees.csv",
    "additional_duties.csv",
    "incentives.csv",
    "elasticity.csv",
    "returns.csv",
)
"""The data files of the fee book, in ``profit/data/`` (and override folders)."""

R = TypeVar("R")


def _rank(scope: str, keys: Sequence[str]) -> int:
    """Return how well a row's scope matches ``keys`` (higher is closer; -1 none)."""
    if scope in keys:
        return len(keys) - keys.index(scope)
    return 0 if scope == "*" else -1


def _best(rows: Iterable[R], score: Callable[[R], tuple[int, ...]]) -> list[R]:
    scored = [(score(r), r) for r in rows]
    scored = [(s, r) for s, r in scored if min(s) >= 0]
    if not scored:
        return []
    top = max(s for s, _ in scored)
    return [r for s, r in scored if s == top]


@dataclass(frozen=True, slots=True)
class FeeBook:
    """Every fee, duty and incentive row in force on ``as_of``, plus their history."""

    as_of: date
    """The day the rows were chosen for."""
    referral: tuple[ReferralFee, ...]
    """Referral/commission tiers."""
    fulfilment: tuple[FulfilmentFee, ...]
    """Fulfilment fee bands."""
    storage: tuple[StorageFee, ...]
    """Storage rates and aged-stock surcharges."""
    duties: tuple[AdditionalDuty, ...]
    """Additional duties by origin."""
    incentives: tuple[Incentive, ...]
    """Rebates, fee cuts, B2B discounts and low-price caps."""
    elasticities: tuple[Elasticity, ...]
    """Default price elasticities by category."""
    returns: tuple[ReturnRate, ...]
    """Return rates by category and market."""
    history: tuple[tuple[str, str, date, str], ...] = ()
    """Every row of every file as (file, id, effective_date, source), for repricing."""

    def referral_schedule(
        self, channel: str, keys: Sequence[str], category: str
    ) -> tuple[ReferralFee, ...]:
        """Return the referral tiers for a channel, market and category.

        Args:
            channel: Channel id (``amazon``, ``walmart`` ...).
            keys: Market keys, most specific first (marketplace id, customs zone).
            category: Product category (``home``); unknown ones fall back to ``*``.

        Returns:
            The tiers, by ascending ``max_price`` (0, "no limit", last); empty
            when the channel has no row for the market.
        """
        rows = _best(
            (r for r in self.referral if r.channel == channel),
            lambda r: (_rank(r.market, keys), _rank(r.category, (category,))),
        )
        return tuple(sorted(rows, key=lambda r: (r.max_price == 0, r.max_price)))

    def fulfilment_fee(
        self,
        programme: str,
        keys: Sequence[str],
        weight_kg: Decimal,
        volume_m3: Decimal,
    ) -> FulfilmentFee | None:
        """Return the fulfilment band a unit falls in, or None when none fits.

        Args:
            programme: ``FBA``, ``WFS`` or ``3PL``.
            keys: Market keys, most specific first.
            weight_kg: Shipping weight of one unit, in kg.
            volume_m3: Packed volume of one unit, in m3.
        """
        rows = _best(
            (r for r in self.fulfilment if r.programme == programme),
            lambda r: (_rank(r.market, keys),),
        )
        fits = [
            r
            for r in rows
            if weight_kg <= r.max_weight_kg and volume_m3 <= r.max_volume_m3
        ]
        return min(fits, key=lambda r: (r.max_volume_m3, r.max_weight_kg), default=None)

    def storage_rates(
        self, programme: str, keys: Sequence[str], month: int, age_days: int
    ) -> tuple[StorageFee | None, StorageFee | None]:
        """Return the monthly storage row for ``month`` and the aged surcharge row.

        Args:
            programme: ``FBA``, ``WFS``, ``3PL`` or ``origin``.
            keys: Market keys, most specific first.
            month: Calendar month (1-12): peak months have their own rate.
            age_days: Days the stock has been stored (aged-stock surcharge).
        """
        rows = _best(
            (r for r in self.storage if r.programme == programme),
            lambda r: (_rank(r.market, keys),),
        )
        monthly = [
            r
            for r in rows
            if r.kind == "monthly" and (not r.months or month in r.months)
        ]
        aged = [r for r in rows if r.kind == "aged" and age_days >= r.min_age_days]
        return (
            monthly[0] if monthly else None,
            max(aged, key=lambda r: r.min_age_days, default=None),
        )

    def additional_duties(
        self, destination_keys: Sequence[str], origin: str, hs_code: str
    ) -> tuple[AdditionalDuty, ...]:
        """Return the additional duties (rate > 0) on goods of ``origin`` and code.

        Args:
            destination_keys: Marketplace id and customs zone.
            origin: ISO country of origin (``CN``).
            hs_code: HS code of the goods (digits; dots allowed).
        """
        digits = "".join(ch for ch in hs_code if ch.isdigit())
        return tuple(
            r
            for r in self.duties
            if r.rate > 0
            and (r.destination in destination_keys or r.destination == "*")
            and r.origin in (origin, "*")
            and (
                "*" in r.hs_prefixes or any(digits.startswith(p) for p in r.hs_prefixes)
            )
        )

    def incentives_for(
        self, channel: str, keys: Sequence[str], kind: str
    ) -> tuple[Incentive, ...]:
        """Return the incentives of ``kind`` for a channel and market."""
        return tuple(
            _best(
                (i for i in self.incentives if i.channel == channel and i.kind == kind),
                lambda i: (_rank(i.market, keys),),
            )
        )

    def elasticity(self, category: str | None) -> Elasticity:
        """Return the default elasticity row for ``category`` (``*`` as fallback)."""
        rows = _best(
            self.elasticities, lambda e: (_rank(e.category, (category or "",)),)
        )
        return rows[0]

    def return_rate(self, category: str | None, keys: Sequence[str]) -> ReturnRate:
        """Return the return-rate row for a category and market."""
        rows = _best(
            self.returns,
            lambda r: (_rank(r.category, (category or "",)), _rank(r.market, keys)),
        )
        return rows[0]

    def changed_since(self, since: date) -> tuple[tuple[str, str, date, str], ...]:
        """Return the rows that took effect after ``since`` and by ``as_of``.

        Args:
            since: Rows with ``since < effective_date <= as_of`` are returned.
        """
        return tuple(h for h in self.history if since < h[2] <= self.as_of)


def _parse(kind: type[R], file: str, number: int, row: Row, day: date) -> R:
    values: dict[str, object] = {}
    for name, annotation in kind.__annotations__.items():
        text = (row.get(name) or "").strip()
        if name == "effective_date":
            values[name] = day
        elif annotation == "Decimal":
            values[name] = decimal_cell(file, number, row, name)
        elif annotation == "int":
            values[name] = int(decimal_cell(file, number, row, name))
        elif annotation == "tuple[int, ...]":
            values[name] = tuple(int(part) for part in split_cell(text) if part != "*")
        elif annotation.startswith("tuple"):
            values[name] = split_cell(text)
        else:
            values[name] = text
    return kind(**values)


def _load(
    kind: type[R], name: str, as_of: date, overrides: Sequence[Path]
) -> tuple[R, ...]:
    items = [_parse(kind, f, n, r, d) for f, n, r, d in read_table(name, overrides)]
    return tuple(in_effect(items, as_of).values())  # type: ignore[type-var]


def load_fee_book(as_of: date, overrides: Sequence[Path] = ()) -> FeeBook:
    """Return the fee book in force on ``as_of``.

    Args:
        as_of: The day (fees, duties and incentives are dated).
        overrides: Seller folders holding files of the same names (their rows
            replace the packaged rows of the ids they name).

    Raises:
        CatalogError: a row lacks its source or effective date, or a number
            does not parse (the message names file, row and field).
    """
    history = tuple(
        (f, r["id"], d, r["source"])
        for name in FILES
        for f, _, r, d in read_table(name, overrides)
    )
    return FeeBook(
        as_of=as_of,
        referral=_load(ReferralFee, "referral_fees.csv", as_of, overrides),
        fulfilment=_load(FulfilmentFee, "fulfilment_fees.csv", as_of, overrides),
        storage=_load(StorageFee, "storage_fees.csv", as_of, overrides),
        duties=_load(AdditionalDuty, "additional_duties.csv", as_of, overrides),
        incentives=_load(Incentive, "incentives.csv", as_of, overrides),
        elasticities=_load(Elasticity, "elasticity.csv", as_of, overrides),
        returns=_load(ReturnRate, "returns.csv", as_of, overrides),
        history=history,
    )
