"""Origin eligibility as the order router applies it (the one rule, re-exported).

The rule itself is :func:`worldpool.domain.eligibility.origin_block`, shared
with the planner and the twin.
"""

from __future__ import annotations

from worldpool.domain.eligibility import origin_block, origin_block_for

__all__ = ["origin_block", "origin_block_for"]
