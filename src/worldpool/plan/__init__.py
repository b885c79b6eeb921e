"""Allocation and replenishment planning from one global pool."""

__all__: list[str] = []
