"""The one-sentence ``why`` of every plan line, in words a seller reads."""

from __future__ import annotations

from worldpool.plan.targets import Reason

__all__ = ["market_why", "order_why", "transfer_why"]


def transfer_why(
    qty: int,
    mode: str,
    fc: str,
    target: float,
    position: int,
    need: int,
    cr: float,
    cut: str,
) -> str:
    """Explain one transfer line.

    Args:
        qty: Units shipped.
        mode: Inbound mode (``sea``, ``air`` ...).
        fc: Destination FC id.
        target: Order-up-to level S, in units.
        position: FC inventory position before the plan, in units.
        need: Units the target asked for before shortage and coupling.
        cr: Critical ratio used (service level), 0..1.
        cut: ``""``, ``"short"`` (hub stock rationed) or ``"lp"`` (space/budget).
    """
    base = (
        f"Ship {qty} by {mode} to raise {fc} from {position} to its "
        f"{cr:.1%}-service target of {target:.0f} units"
    )
    if cut == "short":
        return (
            f"{base}; hub stock is short, so this FC gets {qty} of {need} "
            "by marginal expected value."
        )
    if cut == "lp":
        return f"{base}; FC space or the cash budget trimmed it from {need}."
    return f"{base}, cheaper than serving those buyers from origin."


def order_why(qty: int, position: int, target: float, lead: float, moq: int) -> str:
    """Explain one hub purchase order (units, days)."""
    tail = f" (MOQ {moq})" if qty == moq and moq > 0 else ""
    return (
        f"Order {qty}{tail}: system stock {position} is below the pooled target "
        f"of {target:.0f} for {lead:.0f} days of supplier lead time plus the review."
    )


def market_why(reason: int, mode: str, cost: float, cost_none: float, cur: str) -> str:
    """Explain the fulfilment mode of one (SKU, market) pair (costs per review)."""
    match Reason(reason):
        case Reason.NO_DEMAND:
            return "No demand is expected here, so nothing is stocked forward."
        case Reason.LAUNCH:
            return (
                "New in this market: sell from origin until the demand signal "
                "justifies forward stock."
            )
        case Reason.NO_LANE:
            return "No FC or inbound lane serves this market, so it ships from origin."
        case Reason.STOCK:
            return (
                f"Stock locally by {mode}: expected {cost:.2f} {cur} per review "
                f"period vs {cost_none:.2f} {cur} serving it from origin."
            )
    return (
        f"Serve from origin: {cost_none:.2f} {cur} per review period beats "
        f"{cost:.2f} {cur} for the cheapest forward stock."
    )
