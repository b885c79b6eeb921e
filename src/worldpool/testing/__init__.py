"""Helpers shipped for users' own tests: small worlds and Hypothesis strategies.

``worldpool.testing.strategies`` needs the ``test`` extra (Hypothesis).
"""

from worldpool.testing.worlds import make_sku

__all__ = ["make_sku"]
