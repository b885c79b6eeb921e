"""The daily digest: the day's ranked proposals as Markdown (file or e-mail body)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from worldpool.i18n import t

__all__ = ["render_digest"]


def render_digest(
    seller: str, day: date, proposals: Sequence[Mapping[str, Any]], language: str = "en"
) -> str:
    """Return a Markdown digest of ``proposals`` (plain dicts, best first).

    Args:
        seller: Seller the digest is for.
        day: Day of the proposals.
        proposals: ``Proposal.to_dict()`` rows.
        language: ``en`` or ``zh-CN``.
    """
    lines = [
        "# "
        + t(
            "worldpool daily digest for {seller}, {day}",
            language,
            seller=seller,
            day=day.isoformat(),
        ),
        "",
    ]
    open_ = [p for p in proposals if p["status"] == "open"]
    done = [p for p in proposals if p["status"] == "done"]
    lines.append(
        t(
            "{n} decisions wait for you; {done} were carried out by policy or "
            "approval.",
            language,
            n=len(open_),
            done=len(done),
        )
    )
    lines.append("")
    if open_:
        lines += _decisions(open_, language)
    if done:
        lines += ["", "## " + t("Carried out", language), ""]
        lines += [
            f"- {p['id']}: {p['action']} {p['params']} ({p['decided_by']})"
            for p in done
        ]
    return "\n".join(lines) + "\n"


def _decisions(open_: Sequence[Mapping[str, Any]], language: str) -> list[str]:
    # The table of the decisions that wait, and how to take them.
    lines = [
        "## " + t("Decisions", language),
        "",
        "| # | "
        + " | ".join(t(h, language) for h in ("What", "Impact", "Action", "Mode"))
        + " |",
        "|---|---|---|---|---|",
    ]
    for p in open_:
        lines.append(
            f"| {p['id']} | {p['explanation']} | {p['impact']} {p['currency']} "
            f"| {p['action']} | {p['mode']} |"
        )
    lines.append("")
    lines.append(
        t(
            "Approve with `worldpool assistant approve ID`, reject with "
            "`worldpool assistant reject ID`.",
            language,
        )
    )
    return lines
