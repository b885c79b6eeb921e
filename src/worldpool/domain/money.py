"""Money as an exact decimal amount with an ISO 4217 currency code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Money", "is_currency_code"]

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def is_currency_code(code: str) -> bool:
    """Return True when ``code`` has the shape of an ISO 4217 code (three capitals)."""
    return bool(_CURRENCY.match(code))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of one currency; arithmetic across currencies is refused."""

    amount: Decimal
    """The amount, in major units of ``currency`` (e.g. dollars, not cents)."""
    currency: str
    """ISO 4217 code, e.g. ``USD``."""

    def __post_init__(self) -> None:
        # Accept ints/strings from callers but store an exact Decimal.
        object.__setattr__(self, "amount", Decimal(str(self.amount)))
        if not is_currency_code(self.currency):
            raise ValueError(
                f"currency must be an ISO 4217 code, got {self.currency!r}"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: int | Decimal) -> Money:
        """Return this amount multiplied by ``factor`` (units or a rate)."""
        return Money(self.amount * Decimal(factor), self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(
                f"cannot combine {self.currency} with {other.currency}; convert first"
            )

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
