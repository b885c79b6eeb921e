"""Human labels of codes shown on pages (roles, sources, statuses, modes).

The English labels are message ids: the zh-CN catalog translates them.
"""

from __future__ import annotations

from worldpool.i18n import N_, t

__all__ = ["LABELS", "label"]

LABELS: dict[str, str] = {
    "viewer": N_("viewer"),
    "operator": N_("operator"),
    "owner": N_("owner"),
    "hub": N_("3PL operator"),
    "local_fc": N_("local FC"),
    "zone_fc": N_("FC in the same customs zone"),
    "origin": N_("from origin"),
    "backorder": N_("backorder"),
    "open": N_("open"),
    "shipped": N_("shipped"),
    "cancelled": N_("cancelled"),
    "draft": N_("draft"),
    "applied": N_("applied"),
    "rejected": N_("rejected"),
    "sea": N_("sea"),
    "air": N_("air"),
    "express": N_("express"),
    "rail": N_("rail"),
    "truck": N_("truck"),
    "parcel": N_("parcel"),
    "receive": N_("receive"),
    "transfer_out": N_("transfer out"),
    "transfer_in": N_("transfer in"),
    "reserve": N_("reserve"),
    "release": N_("release"),
    "ship": N_("ship"),
    "return": N_("return"),
    "adjust": N_("adjust"),
    "active": N_("active"),
    "disconnected": N_("disconnected"),
}
"""English label per code."""


def label(code: str, language: str) -> str:
    """Return the label of ``code`` in ``language`` (the code itself if unknown)."""
    text = LABELS.get(code)
    return t(text, language) if text is not None else code
