"""Restricted-goods checks: lithium batteries by mode, e-mobility tests, marks."""

from __future__ import annotations

from collections.abc import Iterator

from worldpool.customs.issues import Issue, Severity
from worldpool.customs.nomenclature import hs_digits
from worldpool.customs.rules import RestrictionRule, applies
from worldpool.customs.shipment import Shipment, ShipmentLine

__all__ = ["matches", "restriction_issues"]


def matches(rule: RestrictionRule, line: ShipmentLine) -> bool:
    """Return True when ``rule.match`` selects the line.

    Args:
        rule: The restriction (``battery:``, ``hs:`` or ``keyword:`` match).
        line: The invoice line.
    """
    kind, _, pattern = rule.match.partition(":")
    if kind == "battery":
        has = line.battery not in {"", "none"}
        return has if pattern == "any" else line.battery == pattern
    if kind == "hs":
        digits = hs_digits(line.hs_code)
        return bool(digits) and any(digits.startswith(p) for p in pattern.split(";"))
    if kind == "keyword":
        text = line.description.lower()
        return any(word in text for word in pattern.split("|"))
    return False


def _satisfied(rule: RestrictionRule, line: ShipmentLine) -> bool:
    kind, _, wanted = rule.requires.partition(":")
    if kind == "forbidden":
        return False
    if kind == "un_number":
        return line.un_number.startswith("UN") and len(line.un_number) == 6
    held = {d.upper().replace(" ", "") for d in line.documents}
    if kind == "document":
        return wanted.upper().replace(" ", "") in held
    if kind == "mark":
        return any(mark in line.marks for mark in wanted.upper().split("|"))
    return True


def _field(rule: RestrictionRule, at: str) -> str:
    kind = rule.requires.partition(":")[0]
    return {
        "forbidden": f"{at}.battery",
        "un_number": f"{at}.un_number",
        "document": f"{at}.documents",
        "mark": f"{at}.marks",
    }.get(kind, at)


def restriction_issues(
    shipment: Shipment, rules: tuple[RestrictionRule, ...], keys: tuple[str, ...]
) -> Iterator[Issue]:
    """Yield an issue for each line that breaks a restricted-goods rule.

    Args:
        shipment: The shipment.
        rules: Restriction rules in force.
        keys: Destination keys (marketplace id and customs zone).
    """
    for rule in rules:
        if not (
            applies(rule.destinations, *keys) and applies(rule.modes, shipment.mode)
        ):
            continue
        for i, line in enumerate(shipment.lines):
            if matches(rule, line) and not _satisfied(rule, line):
                yield Issue(
                    Severity(rule.severity),
                    _field(rule, f"lines[{i}]"),
                    rule.message,
                    rule.id,
                    rule.source,
                    line.sku,
                )
