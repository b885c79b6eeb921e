"""The approval policy as data: per action, suggest only, ask, or auto within limits.

The packaged ``data/approval_policy.csv`` holds one row per action type for
every seller (``seller = *``); a user file with the same columns overrides it
row by row, per seller or for all. ``auto`` carries out an action whose value
is at most ``max_value`` (in ``currency``; empty = no limit) without asking;
above the limit it asks. Every row names its ``source`` and ``effective`` date.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

from worldpool.assistant.signal import ActionKind
from worldpool.errors import InputError

__all__ = ["ApprovalMode", "ApprovalPolicy", "ApprovalRule", "load_policy"]

_PACKAGED = Path(__file__).with_name("data") / "approval_policy.csv"
_COLUMNS = (
    "seller",
    "action",
    "mode",
    "max_value",
    "currency",
    "source",
    "effective_date",
)


class ApprovalMode(StrEnum):
    """What happens to a proposed action."""

    SUGGEST = "suggest"
    """Shown only; nobody can carry it out through the assistant."""
    ASK = "ask"
    """Carried out when a person with the right role approves it."""
    AUTO = "auto"
    """Carried out at once when its value is within the limit; else asks."""


@dataclass(frozen=True, slots=True)
class ApprovalRule:
    """One row of the policy."""

    seller: str
    """Seller the row is for, ``*`` for all."""
    action: ActionKind
    """Action type."""
    mode: ApprovalMode
    """Suggest, ask, or auto."""
    max_value: Decimal | None
    """Auto only up to this value (money in ``currency``); None = no limit."""
    currency: str
    """ISO 4217 code of ``max_value``."""
    source: str
    """Where the row comes from (``editable default`` ...)."""
    effective: date
    """Date from which the row applies."""


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """All rules; :meth:`mode_for` picks the seller's own row before the ``*`` row."""

    rules: Mapping[tuple[str, ActionKind], ApprovalRule]
    """Rule per (seller or ``*``, action)."""

    def rule(self, seller: str, action: ActionKind) -> ApprovalRule:
        """Return the rule for ``seller`` and ``action`` (own row, then ``*``)."""
        found = self.rules.get((seller, action)) or self.rules.get(("*", action))
        if found is None:
            return ApprovalRule(
                "*",
                action,
                ApprovalMode.ASK,
                None,
                "USD",
                "built-in: ask",
                date(2026, 1, 1),
            )
        return found

    def mode_for(self, seller: str, action: ActionKind, value: Decimal) -> ApprovalMode:
        """Return the mode for an action of ``value`` (in the rule's currency).

        Args:
            seller: Seller the action is for.
            action: Action type.
            value: Money the action commits, already in the rule's currency.
        """
        rule = self.rule(seller, action)
        if rule.mode is ApprovalMode.AUTO and rule.max_value is not None:
            return ApprovalMode.AUTO if value <= rule.max_value else ApprovalMode.ASK
        return rule.mode

    def to_rows(self) -> list[dict[str, str]]:
        """Return the rules as plain rows (for tables and the API)."""
        return [
            {
                "seller": r.seller,
                "action": str(r.action),
                "mode": str(r.mode),
                "max_value": "" if r.max_value is None else str(r.max_value),
                "currency": r.currency,
                "source": r.source,
                "effective_date": r.effective.isoformat(),
            }
            for r in sorted(self.rules.values(), key=lambda r: (r.seller, r.action))
        ]


def _parse(row: Mapping[str, str], src: str, n: int) -> ApprovalRule:
    def bad(field: str, why: str) -> InputError:
        """Return the error naming the file, row and field."""
        return InputError(
            f"{src} row {n}: {field} {why}",
            record=src,
            row=n,
            field=field,
            value=row.get(field),
        )

    try:
        action = ActionKind(row["action"].strip())
    except (KeyError, ValueError):
        raise bad("action", f"must be one of {[str(a) for a in ActionKind]}") from None
    try:
        mode = ApprovalMode(row.get("mode", "").strip())
    except ValueError:
        raise bad("mode", "must be suggest, ask or auto") from None
    limit = (row.get("max_value") or "").strip()
    try:
        max_value = Decimal(limit) if limit else None
    except InvalidOperation:
        raise bad("max_value", "is not a number") from None
    # effective_date, as in every other rules file; files written before
    # 2026-12-06 name the column "effective".
    column = "effective_date" if "effective_date" in row else "effective"
    try:
        effective = date.fromisoformat((row.get(column) or "2026-01-01").strip())
    except ValueError:
        raise bad(column, "is not a date (YYYY-MM-DD)") from None
    return ApprovalRule(
        seller=(row.get("seller") or "*").strip() or "*",
        action=action,
        mode=mode,
        max_value=max_value,
        currency=(row.get("currency") or "USD").strip().upper(),
        source=(row.get("source") or src).strip(),
        effective=effective,
    )


def _read(path: Path, today: date) -> Iterable[ApprovalRule]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"action", "mode"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(
                f"{path}: missing columns {sorted(missing)} (expected {_COLUMNS})",
                record=str(path),
                field=sorted(missing)[0],
            )
        for n, row in enumerate(reader, start=2):
            rule = _parse(row, str(path), n)
            if rule.effective <= today:
                yield rule


def load_policy(
    override: Path | str | None = None, *, today: date | None = None
) -> ApprovalPolicy:
    """Load the packaged policy and apply a user file on top, row by row.

    Args:
        override: CSV with the packaged file's columns (``seller`` may name a
            seller or ``*``); None = packaged rules only.
        today: Rows effective after this date are ignored (default today).

    Raises:
        InputError: a row names an unknown action or mode, or a bad number/date;
            the message names the file, row and field.
    """
    today = today or date.today()
    rules: dict[tuple[str, ActionKind], ApprovalRule] = {}
    paths = [_PACKAGED] + ([Path(override)] if override else [])
    for path in paths:
        for rule in sorted(_read(path, today), key=lambda r: r.effective):
            rules[(rule.seller, rule.action)] = rule
    return ApprovalPolicy(rules)
