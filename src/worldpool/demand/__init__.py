"""Demand history, segmentation and probabilistic forecasting (pure core + service)."""

__all__: list[str] = []
